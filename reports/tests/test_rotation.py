"""The rotation planner as pure functions: no database."""

from __future__ import annotations

from fractions import Fraction
from math import ceil, floor

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.rotation import (
    Candidate,
    plan_rotation,
    rank_candidates,
    rotation_size,
    spread_counts,
    spread_months,
    yearly_cap,
)

TERM_LENGTH = 5


def _band(n: int) -> tuple[Fraction, Fraction]:
    return Fraction(2 * n, 10), Fraction(3 * n, 10)


@given(st.integers(min_value=1, max_value=40))
def test_rounding_rule_for_groups_of_1_to_40(n):
    size = rotation_size(n)
    low, high = _band(n)
    fits = [k for k in range(1, n + 1) if low <= k <= high]
    assert size.count >= 1
    assert f"{n}名" in size.explanation
    if fits:
        # ceil(20%), at least one, inside the band.
        assert size.count == max(1, ceil(low)) == min(fits)
        assert size.within_band and "之内" in size.explanation
    else:
        # Too small for the band: the nearest whole count, and the plan says so.
        assert not size.within_band
        distance = max(low - size.count, size.count - high, 0)
        for other in range(1, n + 1):
            assert distance <= max(low - other, other - high, 0)
        assert "30%" in size.explanation and ("超出30%" in size.explanation or "低于20%" in size.explanation)


@pytest.mark.parametrize(
    ("n", "expected"),
    [(1, 1), (2, 1), (3, 1), (4, 1), (5, 1), (6, 1), (7, 2), (9, 2), (10, 2), (11, 3), (15, 3), (16, 4), (40, 8)],
)
def test_rounding_examples(n, expected):
    assert rotation_size(n).count == expected


def test_six_deputies_rounds_down_to_stay_under_thirty_percent():
    size = rotation_size(6)
    assert size.count == 1 and not size.within_band
    assert "没有整数人数落在这一区间内" in size.explanation and "低于20%" in size.explanation


def test_left_deputies_are_never_picked():
    candidates = [Candidate(i, is_serving=i % 3 != 0) for i in range(1, 13)]
    result = plan_rotation(candidates, seed=5, term_year=2, term_length=TERM_LENGTH)
    assert result.serving_count == 8
    assert all(d % 3 != 0 for d in result.picked)
    assert all(r.candidate.is_serving for r in result.ranking)


def test_not_yet_reported_go_first_then_longest_ago():
    candidates = [
        Candidate(1, has_reported=True, last_report_year=2025),
        Candidate(2, has_reported=True, last_report_year=2026),
        Candidate(3),
        Candidate(4, has_reported=True, last_report_year=2025),
        Candidate(5),
    ]
    order = [r.candidate.deputy_id for r in rank_candidates(candidates, seed=11)]
    assert set(order[:2]) == {3, 5}
    assert set(order[2:4]) == {1, 4}
    assert order[4] == 2


@given(
    st.lists(st.tuples(st.booleans(), st.sampled_from([None, 2025, 2026])), min_size=1, max_size=40),
    st.integers(min_value=0, max_value=2**31),
)
@settings(max_examples=60)
def test_same_inputs_and_seed_give_the_same_plan(rows, seed):
    candidates = [
        Candidate(i, has_reported=reported and year is not None, last_report_year=year if reported else None)
        for i, (reported, year) in enumerate(rows, start=1)
    ]
    first = plan_rotation(candidates, seed=seed, term_year=3, term_length=TERM_LENGTH)
    again = plan_rotation(list(reversed(candidates)), seed=seed, term_year=3, term_length=TERM_LENGTH)
    assert first.picked == again.picked
    assert first.ranking == again.ranking


def test_a_different_seed_can_change_who_is_drawn():
    candidates = [Candidate(i) for i in range(1, 21)]
    picks = {plan_rotation(candidates, seed=seed, term_year=2, term_length=TERM_LENGTH).picked for seed in range(20)}
    assert len(picks) > 1


def _simulate_term(n: int, seed: int):
    reports: dict[int, int] = {i: 0 for i in range(1, n + 1)}
    last: dict[int, int | None] = {i: None for i in range(1, n + 1)}
    years = []
    for term_year in range(2, TERM_LENGTH + 1):
        candidates = [Candidate(i, has_reported=reports[i] > 0, last_report_year=last[i]) for i in reports]
        before = dict(reports)
        result = plan_rotation(candidates, seed=seed + term_year, term_year=term_year, term_length=TERM_LENGTH)
        for deputy_id in result.picked:
            reports[deputy_id] += 1
            last[deputy_id] = 2022 + term_year
        years.append((before, result))
    return reports, years


@given(st.integers(min_value=1, max_value=40), st.integers(min_value=0, max_value=10_000))
@settings(max_examples=150)
def test_fair_over_a_five_year_term(n, seed):
    reports, years = _simulate_term(n, seed)
    # Everyone reports face to face at least once over the four reporting years.
    assert all(times >= 1 for times in reports.values())
    for before, result in years:
        # Nobody is picked a second time while someone who has not reported is left out.
        second_timers = [d for d in result.picked if before[d] > 0]
        left_out = [d for d, times in before.items() if times == 0 and d not in result.picked]
        assert not (second_timers and left_out)
        # More than the rounding rule gives only with the look-ahead, and it says why.
        assert result.count == result.base_count or (result.lookahead_applied and "前瞻" in result.explanation)


def test_look_ahead_picks_more_when_the_remaining_years_cannot_reach_everyone():
    # Nine deputies, four reporting years, at most two a year at 30%: 8 < 9.
    result = plan_rotation([Candidate(i) for i in range(1, 10)], seed=3, term_year=2, term_length=TERM_LENGTH)
    assert result.base_count == 2 and result.count == 3 and result.lookahead_applied
    assert "前瞻" in result.explanation and "多安排1名" in result.explanation


def test_look_ahead_in_the_last_year_takes_everyone_left():
    candidates = [Candidate(i, has_reported=i > 4, last_report_year=2026 if i > 4 else None) for i in range(1, 21)]
    result = plan_rotation(candidates, seed=3, term_year=5, term_length=TERM_LENGTH)
    assert result.count == 4 and set(result.picked) == {1, 2, 3, 4}
    candidates = [Candidate(i, has_reported=i > 7, last_report_year=2026 if i > 7 else None) for i in range(1, 21)]
    result = plan_rotation(candidates, seed=3, term_year=5, term_length=TERM_LENGTH)
    assert result.count == 7 and result.lookahead_applied and "最后一个述职年度" in result.explanation


def test_no_look_ahead_when_the_numbers_allow():
    result = plan_rotation([Candidate(i) for i in range(1, 13)], seed=3, term_year=2, term_length=TERM_LENGTH)
    assert result.count == 3 and not result.lookahead_applied and result.within_band


def test_no_plan_in_the_first_term_year():
    with pytest.raises(ValueError, match="第二年"):
        plan_rotation([Candidate(1)], seed=1, term_year=1, term_length=TERM_LENGTH)


def test_a_deputy_given_twice_is_refused():
    with pytest.raises(ValueError, match="两次"):
        rank_candidates([Candidate(1), Candidate(1)], seed=1)


@given(st.integers(min_value=0, max_value=40))
def test_months_are_spread_over_the_working_year(count):
    months = spread_months(count)
    assert len(months) == count
    assert all(3 <= m <= 11 for m in months)
    assert months == sorted(months)


def test_yearly_cap_is_thirty_percent_but_at_least_one():
    assert [yearly_cap(n) for n in (0, 1, 3, 6, 7, 10, 40)] == [0, 1, 1, 1, 2, 3, 12]
    assert all(yearly_cap(n) == max(1, floor(n * 3 / 10)) for n in range(1, 41))


def test_look_ahead_spreads_the_extra_over_the_years_left():
    # Six deputies, four reporting years, one a year at 30%: 2, 2, 1, 1 rather than 3, 1, 1, 1.
    reports, years = _simulate_term(6, seed=11)
    assert [result.count for _before, result in years] == [2, 2, 1, 1]
    first = years[0][1]
    assert first.lookahead_applied and "2、2、1、1" in first.explanation and "平均分到余下各年" in first.explanation


@given(st.integers(min_value=1, max_value=40), st.integers(min_value=0, max_value=10_000))
@settings(max_examples=150)
def test_no_year_stands_far_above_the_others(n, seed):
    reports, years = _simulate_term(n, seed)
    counts = [result.count for _before, result in years]
    reporting_years = TERM_LENGTH - 1
    # The largest year is as small as the term allows: 30% (at least one), or the
    # even share when the group is too small to reach everyone at 30%.
    assert max(counts) <= max(yearly_cap(n), -(-n // reporting_years))


def test_spread_counts_put_the_larger_years_first():
    assert spread_counts(6, years=4, base=1, cap=1) == [2, 2, 1, 1]
    assert spread_counts(9, years=4, base=2, cap=2) == [3, 2, 2, 2]
    # While 30% in the later years still reaches everyone, this year keeps the rounding rule.
    assert spread_counts(10, years=4, base=2, cap=3) == [2, 2, 3, 3]
    assert spread_counts(0, years=3, base=1, cap=1) == [1, 1, 1]
