"""Beat jobs of this app (names fixed in liaison/schedules.py). Each is
idempotent: reminders carry a dedupe key that the database keeps unique."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(acks_late=True)
def remind_casework_next_steps(on: str | None = None) -> int:
    from .services.deadlines import open_deadlines_repair

    day = dt.date.fromisoformat(on) if on else timezone.localdate()
    # The digest counts overdue problems from the stored earliest open deadlines: put any drift right first.
    open_deadlines_repair()
    return services.casework_send_reminders(on=day)


@shared_task(acks_late=True)
def remind_activity_minimum(on: str | None = None) -> int:
    day = dt.date.fromisoformat(on) if on else timezone.localdate()
    return services.activity_minimum_send_reminders(on=day)


@shared_task(acks_late=True)
def alert_departments_of_deadlines(on: str | None = None) -> int:
    """黄色预警 / 红色预警 to the departments' own users (constituents/services/department_alerts.py)."""
    from .services.department_alerts import department_deadline_alerts

    day = dt.date.fromisoformat(on) if on else timezone.localdate()
    return department_deadline_alerts(today=day)
