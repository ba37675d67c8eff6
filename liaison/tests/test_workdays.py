from __future__ import annotations

import datetime as dt

import pytest

from liaison.models import WorkdayOverride
from liaison.workdays import add_working_days, is_working_day, working_day_known, working_days_between

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


def test_unknown_year_falls_back_to_monday_to_friday_and_says_so(db):
    # 15 Dec 2026 + 15: 12 working days left in December, then Fri 1 Jan, Mon 4, Tue 5 Jan 2027.
    assert add_working_days(D(2026, 12, 15), 15) == (D(2027, 1, 5), True)
    assert not working_day_known(D(2027, 3, 1))


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
