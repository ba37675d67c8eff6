"""Working days in China: public holidays and make-up working days (调休).

Order of authority for one day:
1. a `WorkdayOverride` row entered by office staff in the admin;
2. chinese-calendar (the State Council's notices, known up to the package's last year);
3. for years chinese-calendar does not know: Monday to Friday less the statutory
   holidays of the 全国年节及纪念日放假办法 (with 补假 when one falls on a weekend),
   which the law fixes years ahead. Only the State Council's yearly 调休 swaps
   are unknown then, so a deadline built on this is an estimate that can be off
   by those swaps alone; results say when it was used. When staff enter or
   change a year's rows, the open estimates of that year are recomputed
   (constituents.services.deadlines).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType

import chinese_calendar
from lunar_python import Lunar, Solar

from .models import WorkdayOverride


def calendar_knows(year: int) -> bool:
    """Whether chinese-calendar holds the State Council's notice for `year`."""
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 30))
    except NotImplementedError:
        return False
    return True


@lru_cache(maxsize=64)
def statutory_holidays(year: int) -> Mapping[dt.date, str]:
    """The days off the 全国年节及纪念日放假办法 (as revised in 2024, in force from
    2025) gives everyone in `year`, by date, named.

    元旦 1 day; 春节 4 days (农历除夕、正月初一至初三); 清明节 1 day (the solar
    term); 劳动节 2 days (5月1日、2日); 端午节 1 day (农历五月初五); 中秋节 1 day
    (农历八月十五); 国庆节 3 days (10月1日至3日). A holiday on a Saturday or Sunday,
    or on a day another holiday already takes, is made up on the next free
    weekday (补假). Lunar dates and solar terms come from lunar_python.
    """
    spring = _solar(Lunar.fromYmd(year, 1, 1).getSolar())
    days = [
        (dt.date(year, 1, 1), "元旦"),
        *[(spring + dt.timedelta(days=offset), "春节") for offset in (-1, 0, 1, 2)],
        (_solar(Solar.fromYmd(year, 4, 1).getLunar().getJieQiTable()["清明"]), "清明节"),
        (dt.date(year, 5, 1), "劳动节"),
        (dt.date(year, 5, 2), "劳动节"),
        (_solar(Lunar.fromYmd(year, 5, 5).getSolar()), "端午节"),
        (_solar(Lunar.fromYmd(year, 8, 15).getSolar()), "中秋节"),
        *[(dt.date(year, 10, day), "国庆节") for day in (1, 2, 3)],
    ]
    statutory = {day for day, _name in days}
    holidays: dict[dt.date, str] = {}
    made_up = []
    for day, name in sorted(days):
        if day.weekday() < 5 and day not in holidays:
            holidays[day] = name
        else:
            made_up.append((day, name))
    for day, name in made_up:
        while day.weekday() >= 5 or day in holidays or day in statutory:
            day += dt.timedelta(days=1)
        holidays[day] = f"{name}（补假）"
    return MappingProxyType(holidays)


def _solar(solar) -> dt.date:
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


def fallback_is_working_day(day: dt.date) -> bool:
    """Monday to Friday, less the statutory holidays: right but for 调休 swaps."""
    return day.weekday() < 5 and day not in statutory_holidays(day.year)


@dataclass
class WorkdayCalendar:
    """Answers for a span of days with one query for the overrides in that span."""

    start: dt.date
    end: dt.date
    overrides: dict[dt.date, bool] = field(default_factory=dict)
    years_with_overrides: set[int] = field(default_factory=set)
    used_fallback: bool = False

    @classmethod
    def load(cls, start: dt.date, end: dt.date) -> WorkdayCalendar:
        calendar = cls(start=start, end=end)
        calendar._load(start, end)
        return calendar

    def _load(self, start: dt.date, end: dt.date) -> None:
        rows = WorkdayOverride.objects.filter(
            day__gte=dt.date(start.year, 1, 1), day__lte=dt.date(end.year, 12, 31)
        ).values_list("day", "kind")
        for day, kind in rows:
            self.overrides[day] = kind == WorkdayOverride.Kind.WORKDAY
            self.years_with_overrides.add(day.year)
        self.start, self.end = min(self.start, start), max(self.end, end)

    def is_working_day(self, day: dt.date) -> bool:
        if not (self.start <= day <= self.end):
            self._load(min(day, self.start), max(day, self.end))
        if day in self.overrides:
            return self.overrides[day]
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            # A year the package does not know. If staff have entered that year's
            # holidays, the remaining days are ordinary weekdays/weekends: no estimate.
            if day.year not in self.years_with_overrides:
                self.used_fallback = True
            return fallback_is_working_day(day)


def is_working_day(day: dt.date) -> bool:
    return WorkdayCalendar.load(day, day).is_working_day(day)


def working_day_known(day: dt.date) -> bool:
    """Whether `day`'s year is covered by chinese-calendar or by staff's entries."""
    return calendar_knows(day.year) or WorkdayOverride.objects.filter(day__year=day.year).exists()


def add_working_days(start: dt.date, n: int) -> tuple[dt.date, bool]:
    """The date `n` working days after `start` (start itself not counted).

    Returns (date, used_fallback): used_fallback is True when some day counted
    lies in a year neither chinese-calendar nor staff's entries cover, so the
    statutory holidays without that year's 调休 swaps were assumed.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    # Two calendar days per working day, plus room for the Spring Festival week.
    calendar = WorkdayCalendar.load(start, start + dt.timedelta(days=n * 2 + 20))
    day = start
    counted = 0
    while counted < n:
        day += dt.timedelta(days=1)
        if calendar.is_working_day(day):
            counted += 1
    return day, calendar.used_fallback


def working_days_between(start: dt.date, end: dt.date) -> tuple[int, bool]:
    """Working days after `start` up to and including `end` (0 if end ≤ start)."""
    if end <= start:
        return 0, False
    calendar = WorkdayCalendar.load(start, end)
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if calendar.is_working_day(day):
            count += 1
    return count, calendar.used_fallback
