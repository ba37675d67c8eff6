from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailbox.weeks import SHANGHAI, Quarter, Week

UTC = ZoneInfo("UTC")


def shanghai(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def test_sunday_2359_and_monday_0000_fall_in_different_weeks():
    sunday = shanghai(2026, 11, 22, 23, 59)
    monday = shanghai(2026, 11, 23, 0, 0)
    # Both moments are on the same UTC date (Sunday): the week must follow Shanghai, not UTC.
    assert sunday.astimezone(UTC).date() == monday.astimezone(UTC).date() == dt.date(2026, 11, 22)
    assert Week.of(sunday).start == dt.date(2026, 11, 16)
    assert Week.of(monday).start == dt.date(2026, 11, 23)
    assert Week.of(sunday).next() == Week.of(monday)
    assert Week.of(sunday.astimezone(UTC)) == Week.of(sunday)


def test_week_is_half_open_at_monday_midnight():
    week = Week.of(dt.date(2026, 11, 18))
    assert week.starts_at == shanghai(2026, 11, 16, 0, 0)
    assert week.ends_at == shanghai(2026, 11, 23, 0, 0)
    assert week.contains(shanghai(2026, 11, 22, 23, 59, 59))
    assert not week.contains(shanghai(2026, 11, 23, 0, 0))


def test_the_week_spanning_new_year_is_one_week_with_one_key():
    new_years_eve = shanghai(2025, 12, 31, 20, 0)
    new_years_day = shanghai(2026, 1, 1, 9, 0)
    week = Week.of(new_years_eve)
    assert week == Week.of(new_years_day)
    assert (week.start, week.end) == (dt.date(2025, 12, 29), dt.date(2026, 1, 4))
    assert week.key == "2026-W01"
    assert Week.from_key("2026-W01") == week
    assert week.previous().key == "2025-W52"
    assert "2026年第1周" in week.label and "12月29日—1月4日" in week.label


def test_a_week_must_start_on_monday():
    with pytest.raises(ValueError):
        Week(dt.date(2026, 11, 17))
    with pytest.raises(ValueError):
        Week.from_key("无效")


@given(st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2035, 12, 31),
                    timezones=st.just(UTC)))
def test_every_moment_is_in_exactly_one_week(moment):
    week = Week.of(moment)
    assert week.starts_at <= moment < week.ends_at
    assert Week.from_key(week.key) == week
    assert not week.previous().contains(moment) and not week.next().contains(moment)


def test_quarters():
    assert Quarter.of(shanghai(2026, 3, 31, 23, 59)) == Quarter(2026, 1)
    assert Quarter.of(shanghai(2026, 4, 1, 0, 0)) == Quarter(2026, 2)
    q4 = Quarter(2025, 4)
    assert (q4.first_day, q4.last_day) == (dt.date(2025, 10, 1), dt.date(2025, 12, 31))
    assert q4.next() == Quarter(2026, 1) and Quarter(2026, 1).previous() == q4
    assert q4.label == "2025年第四季度"
    assert q4.ends_at == shanghai(2026, 1, 1)
