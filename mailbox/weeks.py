"""Calendar weeks and quarters, Asia/Shanghai: the one place where the mailbox
rule's periods are computed.

A week runs Monday 00:00 to the next Monday 00:00 (half-open), local time in
Shanghai whatever the server's or the database's time zone. Its key is the ISO
week ("2026-W01"), so the week spanning New Year has one key, not two.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local_date(moment: dt.datetime | dt.date | None = None) -> dt.date:
    """The calendar date in Shanghai of an aware datetime (now if None)."""
    if moment is None:
        moment = timezone.now()
    if isinstance(moment, dt.datetime):
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=SHANGHAI)
        return moment.astimezone(SHANGHAI).date()
    return moment


def local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=SHANGHAI)


@dataclass(frozen=True, order=True)
class Week:
    start: dt.date  # always a Monday

    def __post_init__(self) -> None:
        if self.start.weekday() != 0:
            raise ValueError("a week starts on a Monday")

    @classmethod
    def of(cls, moment: dt.datetime | dt.date | None = None) -> Week:
        day = local_date(moment)
        return cls(day - dt.timedelta(days=day.weekday()))

    @classmethod
    def current(cls) -> Week:
        return cls.of(None)

    @classmethod
    def from_key(cls, key: str) -> Week:
        """'2026-W01' → the week; ValueError on anything else."""
        year, _, number = key.partition("-W")
        return cls(dt.date.fromisocalendar(int(year), int(number), 1))

    @property
    def end(self) -> dt.date:
        """Sunday, the last day of the week."""
        return self.start + dt.timedelta(days=6)

    @property
    def starts_at(self) -> dt.datetime:
        return local_midnight(self.start)

    @property
    def ends_at(self) -> dt.datetime:
        """The next Monday 00:00: the week is [starts_at, ends_at)."""
        return local_midnight(self.start + dt.timedelta(days=7))

    @property
    def key(self) -> str:
        year, number, _ = self.start.isocalendar()
        return f"{year}-W{number:02d}"

    @property
    def label(self) -> str:
        year, number, _ = self.start.isocalendar()
        return f"{year}年第{number}周（{self.start.month}月{self.start.day}日—{self.end.month}月{self.end.day}日）"

    def previous(self) -> Week:
        return Week(self.start - dt.timedelta(days=7))

    def next(self) -> Week:
        return Week(self.start + dt.timedelta(days=7))

    def contains(self, moment: dt.datetime | dt.date) -> bool:
        return self.start <= local_date(moment) <= self.end

    def range(self) -> tuple[dt.datetime, dt.datetime]:
        """For `opened_at__gte`/`__lt` filters."""
        return self.starts_at, self.ends_at


def weeks_between(first: dt.date, last: dt.date) -> list[Week]:
    """Every week touching [first, last], oldest first."""
    weeks = []
    week = Week.of(first)
    while week.start <= last:
        weeks.append(week)
        week = week.next()
    return weeks


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1..4

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise ValueError("a quarter is numbered 1 to 4")

    @classmethod
    def of(cls, moment: dt.datetime | dt.date | None = None) -> Quarter:
        day = local_date(moment)
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, value: str | None, default: Quarter) -> Quarter:
        """"2026-3" from a page's ?quarter=; anything else gives `default`."""
        try:
            year, number = (value or "").split("-")
            return cls(int(year), int(number))
        except ValueError:
            return default

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> dt.date:
        return self.next().first_day - dt.timedelta(days=1)

    @property
    def starts_at(self) -> dt.datetime:
        return local_midnight(self.first_day)

    @property
    def ends_at(self) -> dt.datetime:
        return local_midnight(self.next().first_day)

    @property
    def label(self) -> str:
        return f"{self.year}年第{'一二三四'[self.number - 1]}季度"

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
