"""The 述职 rotation planner: pure functions over plain data, no database.

Source document, part 二: from the second year of the term each group picks
20%–30% of its deputies to report face to face to their voters each year;
those not picked write a written report. SPEC §2 adds the rounding rule (at
least one; never above 30% unless the group is too small to stay inside the
band; say how it rounded) and fairness over the term (those who have not yet
reported go first, everyone at least once where the numbers allow).

Every explanation is Chinese text meant to be stored on the plan and read by
the office, the group and the deputies.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import ceil, floor

LOW_SHARE = Fraction(2, 10)
HIGH_SHARE = Fraction(3, 10)
FIRST_REPORTING_TERM_YEAR = 2


@dataclass(frozen=True)
class Candidate:
    """One deputy as the planner sees them."""

    deputy_id: int
    has_reported: bool = False  # reported face to face earlier in this term
    last_report_year: int | None = None  # calendar year of the last face-to-face report
    is_serving: bool = True
    name: str = ""


@dataclass(frozen=True)
class RotationSize:
    serving_count: int
    count: int
    within_band: bool
    explanation: str


@dataclass(frozen=True)
class Ranked:
    candidate: Candidate
    draw: float  # the seeded random number that breaks ties
    rank: int  # 1 = first to be picked


@dataclass(frozen=True)
class RotationResult:
    seed: int
    serving_count: int
    count: int
    base_count: int
    within_band: bool
    lookahead_applied: bool
    explanation: str
    ranking: tuple[Ranked, ...]

    @property
    def picked(self) -> tuple[int, ...]:
        return tuple(r.candidate.deputy_id for r in self.ranking[: self.count])


def format_share(count: int, total: int) -> str:
    """33.3% → "33.3%", 20% → "20%"."""
    if total <= 0:
        return "0%"
    value = round(count * 100 / total, 1)
    return f"{value:g}%"


def _people(value: Fraction) -> str:
    as_float = round(float(value), 1)
    return f"{as_float:g}"


def band_limits(serving_count: int) -> tuple[int, int]:
    """The smallest and largest whole counts inside 20%–30% (low > high when none fits)."""
    return ceil(serving_count * LOW_SHARE), floor(serving_count * HIGH_SHARE)


def yearly_cap(serving_count: int) -> int:
    """The most a group may pick in a year while keeping to 30% (and at least one)."""
    if serving_count <= 0:
        return 0
    return max(1, floor(serving_count * HIGH_SHARE))


def _distance_to_band(count: int, serving_count: int) -> Fraction:
    low, high = serving_count * LOW_SHARE, serving_count * HIGH_SHARE
    return max(low - count, count - high, Fraction(0))


def _inside_band(count: int, serving_count: int) -> bool:
    if serving_count <= 0:
        return count == 0
    return serving_count * LOW_SHARE <= count <= serving_count * HIGH_SHARE


def rotation_size(serving_count: int) -> RotationSize:
    """How many deputies of a group report face to face this year.

    At least one; ceil(20%) when that stays within 30%; otherwise (small
    groups) the whole count nearest to the band, ties going to the smaller
    count so that 30% is not passed without need.
    """
    n = serving_count
    if n <= 0:
        return RotationSize(0, 0, True, "本组没有在任代表，今年无需安排当面述职。")
    low, high = band_limits(n)
    base = max(1, low)
    share_text = f"20%—30%即{_people(n * LOW_SHARE)}—{_people(n * HIGH_SHARE)}人"
    if base <= high:
        return RotationSize(
            n, base, True,
            f"本组在任代表{n}名，{share_text}；按20%向上取整安排{base}名当面述职（占{format_share(base, n)}），"
            f"在20%—30%之内。",
        )
    under = max(1, high)
    over = base
    count = under if _distance_to_band(under, n) <= _distance_to_band(over, n) else over
    if high < 1:
        text = (
            f"本组在任代表仅{n}名，{share_text}，不足一人；按“每年至少一人”安排1名当面述职"
            f"（占{format_share(1, n)}），因人数太少超出30%。"
        )
    else:
        side = "低于20%" if count * 10 < 2 * n else "超出30%"
        text = (
            f"本组在任代表{n}名，{share_text}，没有整数人数落在这一区间内；取最接近区间的{count}名当面述职"
            f"（占{format_share(count, n)}），{side}。"
        )
    return RotationSize(n, count, False, text)


def rank_candidates(candidates: Sequence[Candidate], *, seed: int) -> tuple[Ranked, ...]:
    """Order serving deputies fairly: not yet reported this term first, then the
    longest ago; ties are broken by a random draw from `seed`.

    Draws are taken in order of deputy id, so the same deputies and the same
    seed always give the same order, and anyone can recompute it.
    """
    serving = sorted((c for c in candidates if c.is_serving), key=lambda c: c.deputy_id)
    ids = [c.deputy_id for c in serving]
    if len(ids) != len(set(ids)):
        raise ValueError("同一名代表出现了两次。")
    rng = random.Random(seed)
    draws = {c.deputy_id: rng.random() for c in serving}

    def key(c: Candidate):
        # Never reported (or only in an earlier term) sorts as "longest ago".
        last = c.last_report_year if c.last_report_year is not None else -1
        return (c.has_reported, last, draws[c.deputy_id])

    ordered = sorted(serving, key=key)
    return tuple(Ranked(candidate=c, draw=draws[c.deputy_id], rank=i) for i, c in enumerate(ordered, start=1))


def plan_rotation(
    candidates: Sequence[Candidate], *, seed: int, term_year: int, term_length: int
) -> RotationResult:
    """Pick this year's face-to-face reporters for one group.

    `term_year` is the year of the term being planned (2 = the second year);
    `term_length` the number of calendar years of the term (5 normally).
    Looks ahead: when the remaining years at 30% could not reach everyone who
    has not yet reported this term, this year picks more, and says why.
    """
    if term_year < FIRST_REPORTING_TERM_YEAR:
        raise ValueError("当面述职从本届任期第二年起安排。")
    if term_year > term_length:
        raise ValueError("该年份已超出本届任期。")
    ranking = rank_candidates(candidates, seed=seed)
    n = len(ranking)
    size = rotation_size(n)
    count = size.count
    explanation = size.explanation
    lookahead = False
    not_reported = sum(1 for r in ranking if not r.candidate.has_reported)
    years_left = term_length - term_year + 1  # this year included
    cap = yearly_cap(n)
    spread = spread_counts(not_reported, years=years_left, base=count, cap=cap) if n else []
    if spread and spread[0] > count:
        # The years left at 30% cannot reach everyone who has not reported: the
        # extra is spread evenly over those years rather than piled on one
        # (6 deputies over 4 years is 2, 2, 1, 1, not 3, 1, 1, 1).
        lookahead = True
        extra = spread[0] - count
        count = spread[0]
        if years_left > 1:
            explanation += (
                f"前瞻：本组还有{not_reported}名代表本届尚未当面述职，本届余下{years_left}个述职年度（含今年），"
                f"按常规每年{size.count}名不能让每位代表都述职一次；为不把多出的人数集中在某一年，"
                f"把多出的人数平均分到余下各年，预计各年依次安排{'、'.join(str(c) for c in spread)}名"
                f"（30%以内每年最多{cap}名"
                + ("，人数太少，有的年份不得不略超30%）" if max(spread) > cap else "）")
                + f"。因此今年多安排{extra}名，共{count}名（占{format_share(count, n)}）。"
            )
        else:
            explanation += (
                f"前瞻：今年是本届最后一个述职年度，尚未当面述职的{not_reported}名代表今年全部安排，"
                f"比常规多{extra}名，共{count}名（占{format_share(count, n)}）。"
            )
    return RotationResult(
        seed=seed,
        serving_count=n,
        count=count,
        base_count=size.count,
        within_band=_inside_band(count, n),
        lookahead_applied=lookahead,
        explanation=explanation,
        ranking=ranking,
    )


def spread_counts(not_reported: int, *, years: int, base: int, cap: int) -> list[int]:
    """How many to pick in each of the `years` left (this one first) so that
    the `not_reported` deputies all report face to face once.

    Each year takes the rounding rule's `base` while the later years, at most
    `cap` (30%) each, can still reach everyone; when they cannot, the rest is
    shared evenly over the years left, the larger years first, so that the
    largest year is as small as the numbers allow.
    """
    counts = []
    left = not_reported
    for remaining in range(years, 0, -1):
        if left <= (remaining - 1) * cap + base:
            this_year = base
        else:
            this_year = max(base, ceil(left / remaining))
        counts.append(this_year)
        left = max(0, left - this_year)
    return counts


def spread_months(count: int, *, first: int = 3, last: int = 11) -> list[int]:
    """Suggested months for `count` meetings, spread evenly over the working year."""
    if count <= 0:
        return []
    first, last = min(first, last), max(first, last)
    if count == 1:
        return [(first + last) // 2]
    span = last - first
    return [first + round(i * span / (count - 1)) for i in range(count)]


def new_seed() -> int:
    """A fresh seed for a plan (stored on it, so the draw can be checked later)."""
    return random.SystemRandom().randrange(1, 2**31)
