"""The mailbox's beat jobs (names fixed in liaison/schedules.py). Each takes
plain values, calls a service and may run twice or on two workers: the
notices' dedupe keys and the summaries' unique constraint keep it to once."""

from __future__ import annotations

from celery import shared_task

from . import services
from .weeks import Week


@shared_task(acks_late=True)
def alert_unopened_mailboxes(week_key: str | None = None) -> int:
    """Monday morning: every active box not opened last calendar week."""
    week = Week.from_key(week_key) if week_key else Week.current().previous()
    return services.unopened_mailboxes_alert(week=week)
