"""django-simple-history, with the client address on every history row.

Every app imports `HistoricalRecords` from here rather than from
simple_history: the historical models then carry `history_ip`. Its default is
the current request's client address (the same trusted-proxy rule as logins
and the audit log), so a history row built by a single save, by
`bulk_create_with_history` or by `bulk_update_with_history` gets it alike;
rows written by tasks and commands have none.
"""

from __future__ import annotations

from django.db import models
from simple_history import models as simple_history_models


def current_client_ip() -> str | None:
    from .security import client_ip

    request = getattr(simple_history_models.HistoricalRecords.context, "request", None)
    return client_ip(request) if request is not None else None


class AddressedHistoricalModel(models.Model):
    history_ip = models.GenericIPAddressField("IP 地址", null=True, blank=True, default=current_client_ip)

    class Meta:
        abstract = True


class HistoricalRecords(simple_history_models.HistoricalRecords):
    def __init__(self, *args, bases=(AddressedHistoricalModel,), **kwargs):
        super().__init__(*args, bases=bases, **kwargs)


def bulk_create_missing_with_history(rows, model, *, unique: tuple[str, ...], action: str, user=None) -> list:
    """`bulk_create(..., ignore_conflicts=True)` that leaves a history row for each row it creates.

    Rows already in the table (by the `unique` fields) are left out first, so
    history is written for new rows only; the conflict guard stays for a race.
    """
    from simple_history.utils import bulk_create_with_history

    rows = list(rows)
    if not rows:
        return []
    keys = [tuple(getattr(row, name) for name in unique) for row in rows]
    existing = set(
        model._default_manager.filter(**{f"{unique[0]}__in": {key[0] for key in keys}}).values_list(*unique)
    )
    fresh, seen = [], set()
    for row, key in zip(rows, keys, strict=True):
        if key not in existing and key not in seen:
            seen.add(key)
            fresh.append(row)
    if not fresh:
        return []
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    return bulk_create_with_history(fresh, model, ignore_conflicts=True, default_user=user,
                                    default_change_reason=action)
