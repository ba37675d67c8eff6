from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from liaison.models import WorkdayOverride
from liaison.workdays import (
    add_working_days,
    fallback_is_working_day,
    is_working_day,
    statutory_holidays,
    working_day_known,
    working_days_between,
)

D = dt.date


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 2, 13), True),   # Friday before the Spring Festival
        (D(2026, 2, 14), True),   # Saturday, make-up working day
        (D(2026, 2, 16), False),  # Monday in the Spring Festival holiday
        (D(2026, 2, 23), False),  # last day of the holiday
        (D(2026, 2, 28), True),   # Saturday, make-up working day
        (D(2026, 9, 20), True),   # Sunday, make-up working day before National Day
        (D(2026, 10, 1), False),
        (D(2026, 10, 7), False),
        (D(2026, 10, 10), True),  # Saturday, make-up working day
        (D(2026, 10, 11), False),  # an ordinary Sunday
    ],
)
def test_chinese_holidays_and_make_up_days(db, day, working):
    assert is_working_day(day) is working


def test_deadline_across_spring_festival(db):
    # Thu 12 Feb + 15: 13, 14 (Sat, make-up), 24–28 (28 is a make-up Saturday), 2–6 Mar, 9–11 Mar.
    assert add_working_days(D(2026, 2, 12), 15) == (D(2026, 3, 11), False)
    # One working day after Friday 13 Feb is the make-up Saturday; the next is after the holiday.
    assert add_working_days(D(2026, 2, 13), 1) == (D(2026, 2, 14), False)
    assert add_working_days(D(2026, 2, 13), 2) == (D(2026, 2, 24), False)


def test_deadline_across_national_day(db):
    # Mon 28 Sep + 15: 29, 30, (1–7 Oct off), 8, 9, 10 (make-up Saturday), 12–16, 19–23.
    assert add_working_days(D(2026, 9, 28), 15) == (D(2026, 10, 23), False)
    # Without the make-up Saturday it would be a day later.
    assert add_working_days(D(2026, 10, 9), 1) == (D(2026, 10, 10), False)


def test_zero_days_is_the_start(db):
    assert add_working_days(D(2026, 10, 1), 0) == (D(2026, 10, 1), False)


def test_unknown_year_counts_the_statutory_holidays_and_says_it_is_an_estimate(db):
    # 15 Dec 2026 + 15: 12 working days left in December, then (Fri 1 Jan 2027 is 元旦) Mon 4, Tue 5, Wed 6 Jan.
    assert add_working_days(D(2026, 12, 15), 15) == (D(2027, 1, 6), True)
    assert not working_day_known(D(2027, 3, 1))


def test_statutory_holidays_of_an_unknown_year(db):
    holidays = statutory_holidays(2027)
    # 春节 2027: 除夕 Fri 5 Feb, 初一 Sat 6 Feb to 初三 Mon 8 Feb; the weekend days are made up on Tue 9, Wed 10.
    assert [day for day, name in sorted(holidays.items()) if name.startswith("春节")] == [
        D(2027, 2, 5), D(2027, 2, 8), D(2027, 2, 9), D(2027, 2, 10)]
    assert holidays[D(2027, 4, 5)] == "清明节"
    assert holidays[D(2027, 6, 9)] == "端午节" and holidays[D(2027, 9, 15)] == "中秋节"
    assert {D(2027, 10, 1), D(2027, 5, 3)} <= set(holidays)  # 劳动节 Sat 1 May, Sun 2 May → Mon 3, Tue 4 May
    assert len(holidays) == 13
    assert is_working_day(D(2027, 2, 9)) is False and is_working_day(D(2027, 2, 11)) is True
    # 2028: 中秋 falls on 3 October, a 国庆 day; the day is made up after.
    assert D(2028, 10, 4) in statutory_holidays(2028) and len(statutory_holidays(2028)) == 13


def _is_swap(day: dt.date) -> bool:
    """A 调休 day: a weekend made a working day, or a weekday off only in exchange for one."""
    import chinese_calendar

    return chinese_calendar.is_in_lieu(day) or (day.weekday() >= 5 and chinese_calendar.is_workday(day))


@given(st.dates(min_value=D(2025, 1, 1), max_value=D(2026, 12, 31)))
@settings(max_examples=400)
def test_the_fallback_and_chinese_calendar_disagree_only_on_swap_days(day):
    import chinese_calendar

    assert fallback_is_working_day(day) == chinese_calendar.is_workday(day) or _is_swap(day)


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_day_of_2025_and_2026_but_the_swaps_agrees(year):
    import chinese_calendar

    days = [D(year, 1, 1) + dt.timedelta(days=n) for n in range(366 if year % 4 == 0 else 365)]
    disagree = [day for day in days if fallback_is_working_day(day) != chinese_calendar.is_workday(day)]
    assert disagree and all(_is_swap(day) for day in disagree)
    # Each swap gives a day and takes one: as many weekday holidays in lieu as weekends worked.
    in_lieu = [day for day in disagree if not chinese_calendar.is_workday(day)]
    worked = [day for day in disagree if chinese_calendar.is_workday(day)]
    assert len(in_lieu) == len(worked)


def test_staff_entered_holidays_win_and_end_the_estimate(db):
    WorkdayOverride.objects.create(day=D(2027, 1, 1), kind=WorkdayOverride.Kind.HOLIDAY, name="元旦")
    assert add_working_days(D(2026, 12, 15), 15) == (D(2027, 1, 6), False)
    assert working_day_known(D(2027, 3, 1))


def test_override_beats_the_package(db):
    WorkdayOverride.objects.create(day=D(2026, 3, 2), kind=WorkdayOverride.Kind.HOLIDAY, name="临时调整")
    WorkdayOverride.objects.create(day=D(2026, 3, 7), kind=WorkdayOverride.Kind.WORKDAY, name="调休上班")
    assert is_working_day(D(2026, 3, 2)) is False
    assert is_working_day(D(2026, 3, 7)) is True
    # Fri 27 Feb + 2: Sat 28 (make-up), then Mon 2 Mar is now a holiday → Tue 3 Mar.
    assert add_working_days(D(2026, 2, 27), 2) == (D(2026, 3, 3), False)


def test_working_days_between_counts_after_start_up_to_end(db):
    assert working_days_between(D(2026, 9, 28), D(2026, 10, 9)) == (4, False)
    assert working_days_between(D(2026, 10, 9), D(2026, 10, 9)) == (0, False)
