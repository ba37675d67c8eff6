"""Working days in China: public holidays and make-up working days (调休).

Order of authority for one day:
1. a `WorkdayOverride` row entered by office staff in the admin;
2. chinese-calendar (the State Council's notices, known up to the package's last year);
3. Monday to Friday, for years chinese-calendar does not know and staff have not
   entered yet. Results say when this fallback was used, so a deadline built on it
   can be shown as an estimate.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import chinese_calendar

from .models import WorkdayOverride


def _calendar_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 30))
    except NotImplementedError:
        return False
    return True


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
            return day.weekday() < 5


def is_working_day(day: dt.date) -> bool:
    return WorkdayCalendar.load(day, day).is_working_day(day)


def working_day_known(day: dt.date) -> bool:
    """Whether `day`'s year is covered by chinese-calendar or by staff's entries."""
    return _calendar_knows(day.year) or WorkdayOverride.objects.filter(day__year=day.year).exists()


def add_working_days(start: dt.date, n: int) -> tuple[dt.date, bool]:
    """The date `n` working days after `start` (start itself not counted).

    Returns (date, used_fallback): used_fallback is True when some day counted
    lies in a year neither chinese-calendar nor staff's entries cover, so
    Monday–Friday was assumed.
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
