"""The audit tables are append-only in PostgreSQL.

django-pgtrigger triggers on every audit table refuse UPDATE, and refuse
DELETE except of rows older than the retention (LIAISON_AUDIT_RETENTION_DAYS,
never under 180) inside `audit_records_purge`, which sets a transaction-local
flag the trigger checks. The tables: AuditEvent, AccessLog, every
django-simple-history table, the admin's LogEntry and django-axes' logs.

pgtrigger installs them after every `migrate` (PGTRIGGER_INSTALL_ON_MIGRATE),
so new history tables are covered by themselves. On SQLite nothing is installed: there the rules are kept by the
code (no view, admin or service updates or deletes these rows).
"""

from __future__ import annotations

import datetime as dt

import pgtrigger
from django.apps import apps
from django.conf import settings
from django.db import connections, models, transaction
from django.utils import timezone

PURGE_FLAG = "liaison.audit_purge"
TRIGGER_UPDATE = "append_only_no_update"
TRIGGER_DELETE = "append_only_no_delete"

# Fixed tables and the column that dates each row.
FIXED = {
    "liaison.auditevent": "at",
    "liaison.accesslog": "at",
    "admin.logentry": "action_time",
    "axes.accessfailurelog": "attempt_time",
    "axes.accesslog": "attempt_time",
}


def retention_days() -> int:
    return max(int(getattr(settings, "LIAISON_AUDIT_RETENTION_DAYS", 180)), 180)


def audit_models() -> list[tuple[type[models.Model], str | None]]:
    """(model, date column) of every audit table; None for history's m2m rows, which go with their parent."""
    found: list[tuple[type[models.Model], str | None]] = []
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if model._meta.proxy:
            continue
        if label in FIXED:
            found.append((model, FIXED[label]))
        elif model.__name__.startswith("Historical"):
            field_names = {field.name for field in model._meta.get_fields()}
            if "history_date" in field_names:
                found.append((model, "history_date"))
            elif "m2m_history_id" in field_names:
                found.append((model, None))
    return found


def _delete_condition(column: str | None, days: int) -> pgtrigger.Condition:
    purging = f"coalesce(current_setting('{PURGE_FLAG}', true), '') = 'on'"
    if column is None:
        return pgtrigger.Condition(f"NOT ({purging})")
    return pgtrigger.Condition(f"NOT ({purging} AND OLD.\"{column}\" < now() - interval '{days} days')")


def register_triggers() -> None:
    days = retention_days()
    for model, field in audit_models():
        column = model._meta.get_field(field).column if field else None
        pgtrigger.register(
            pgtrigger.Protect(name=TRIGGER_UPDATE, operation=pgtrigger.Update),
            pgtrigger.Protect(name=TRIGGER_DELETE, operation=pgtrigger.Delete,
                              condition=_delete_condition(column, days)),
        )(model)


def audit_records_purge(*, now: dt.datetime | None = None, using: str = "default") -> int:
    """Delete audit rows older than the retention; the only deletion the triggers let through."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=retention_days())
    deleted = 0
    with transaction.atomic(using=using):
        if connections[using].vendor == "postgresql":
            with connections[using].cursor() as cursor:
                cursor.execute(f"SET LOCAL {PURGE_FLAG} = 'on'")
        # Children (history m2m rows) first: they go with their parents.
        ordered = sorted(audit_models(), key=lambda pair: pair[1] is not None)
        for model, field in ordered:
            if field is None:
                parent = model._meta.get_field("history")
                rows = model._base_manager.using(using).filter(
                    **{f"history__{parent.related_model._meta.get_field('history_date').name}__lt": cutoff})
            else:
                rows = model._base_manager.using(using).filter(**{f"{field}__lt": cutoff})
            count, _ = rows.delete()
            deleted += count
    return deleted
