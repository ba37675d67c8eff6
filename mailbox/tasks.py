"""The mailbox's beat jobs (names fixed in liaison/schedules.py). Each takes
plain values, calls a service and may run twice or on two workers: the
notices' dedupe keys and the summaries' unique constraint keep it to once."""

from __future__ import annotations

from celery import shared_task

from . import services
from .weeks import Quarter, Week


@shared_task(acks_late=True)
def alert_unopened_mailboxes(week_key: str | None = None) -> int:
    """Monday morning: every active box not opened last calendar week."""
    week = Week.from_key(week_key) if week_key else Week.current().previous()
    return services.unopened_mailboxes_alert(week=week)


@shared_task(acks_late=True)
def remind_letters(today: str | None = None) -> int:
    """Daily: letters not delivered or not replied to in time (working days, configurable)."""
    import datetime as dt

    return services.letters_remind(today=dt.date.fromisoformat(today) if today else None)


@shared_task(acks_late=True)
def open_quarterly_summaries(year: int | None = None, quarter: int | None = None) -> int:
    """After each quarter: each group's draft list for the quarter just ended."""
    period = Quarter(year, quarter) if year and quarter else Quarter.of(None).previous()
    return services.summaries_open(quarter=period)


@shared_task(acks_late=True)
def anonymise_expired_personal_data(today: str | None = None) -> dict:
    """Nightly: anonymise closed cases kept longer than PERSONAL_DATA_RETENTION_YEARS (idempotent)."""
    import datetime as dt

    from .retention import personal_data_anonymise_expired

    return personal_data_anonymise_expired(today=dt.date.fromisoformat(today) if today else None)
