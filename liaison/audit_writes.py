"""Every write, for the audit administrator: the django-simple-history rows of every
model (who, when, from which address, which service action, which row), searched and
exported on the audit page (liaison/audit_views.py, source "writes").

There are dozens of history tables, and no UNION of them: a search either names one
model (one query), or reads each table's newest matching rows after a keyset cursor,
at most one page's worth per table, and merges them. A page costs one small indexed
query per table, however many rows the tables hold; there is "next page", not page 517.
"""

from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import BadRequest
from django.db.models import Q

from .audit import ACTION_LABELS

CHANGE_TYPES = {"+": "新增", "~": "修改", "-": "删除"}
# The dotted prefixes of the security log's own actions (AuditEvent), not data writes.
SECURITY_PREFIXES = ("auth", "http", "accounts", "audit")


@dataclass(frozen=True)
class WriteRow:
    at: dt.datetime
    model: str  # "constituents.problem"
    history_id: int
    object_id: str
    change_type: str
    action: str
    ip_address: str
    user_id: int | None

    @property
    def sort_key(self) -> tuple:
        return (self.at, self.model, self.history_id)


@cache
def historied_models() -> dict[str, type]:
    """label_lower → model, for every model that keeps history, by Chinese name."""
    found = [
        model for model in apps.get_models()
        if hasattr(model, "history") and hasattr(model.history, "model")
    ]
    found.sort(key=lambda model: str(model._meta.verbose_name))
    return {model._meta.label_lower: model for model in found}


def model_choices() -> list[tuple[str, str]]:
    return [(label, str(model._meta.verbose_name)) for label, model in historied_models().items()]


def action_choices() -> list[tuple[str, str]]:
    writes = sorted((key, label) for key, label in ACTION_LABELS.items() if key.split(".")[0] not in SECURITY_PREFIXES)
    return ([(f"write.{code}", f"数据修改：{label}（任何操作）") for code, label in CHANGE_TYPES.items()]
            + [(f"write.{key}", f"数据修改：{label}") for key, label in writes])


@dataclass(frozen=True)
class Cursor:
    """The last row of the previous page: rows strictly older come next."""

    at: dt.datetime
    model: str
    history_id: int

    def token(self) -> str:
        return f"{self.at.isoformat()}|{self.model}|{self.history_id}"

    @classmethod
    def parse(cls, text: str | None) -> Cursor | None:
        if not text:
            return None
        try:
            at, model, history_id = text.split("|")
            cursor = cls(dt.datetime.fromisoformat(at), model, int(history_id))
        except ValueError:
            raise BadRequest("翻页参数不正确。") from None
        if cursor.model not in historied_models() or cursor.at.tzinfo is None:
            raise BadRequest("翻页参数不正确。")
        return cursor


def _matching(model, data: dict, user_ids: list[int] | None):
    """The history rows of one model that match the search (None: none can match)."""
    history = model.history.model
    rows = history.objects.all()
    action = data.get("action") or ""
    if action.startswith(("events.", "access.")) or (action and not action.startswith("write.")):
        return None  # a security-log action: no data write has it
    action = action.removeprefix("write.")
    if action in CHANGE_TYPES:
        rows = rows.filter(history_type=action)
    elif action:
        rows = rows.filter(history_change_reason=action)
    if data.get("outcome") == "failed":
        return None  # a refused or failed write saved nothing; the refusal is in the security log
    if user_ids is not None:
        rows = rows.filter(history_user_id__in=user_ids)
    if data.get("start_at"):
        rows = rows.filter(history_date__gte=data["start_at"])
    if data.get("end_at"):
        rows = rows.filter(history_date__lt=data["end_at"])
    if data.get("ip_address") is not None:
        rows = rows.filter(history_ip=data["ip_address"]) if data["ip_address"] else rows.none()
    if data.get("object_id"):
        rows = rows.filter(**{model._meta.pk.attname: data["object_id"]})
    if data.get("text"):
        rows = rows.filter(history_change_reason__icontains=data["text"])
    return rows


def _after(rows, label: str, cursor: Cursor | None):
    """Keyset: rows ordered (time, model, history id) descending, strictly after the cursor."""
    if cursor is None:
        return rows
    if label < cursor.model:
        return rows.filter(history_date__lte=cursor.at)
    if label == cursor.model:
        return rows.filter(Q(history_date__lt=cursor.at) | Q(history_date=cursor.at, history_id__lt=cursor.history_id))
    return rows.filter(history_date__lt=cursor.at)


def _read(model, rows, limit: int) -> list[WriteRow]:
    pk = model._meta.pk.attname
    label = model._meta.label_lower
    values = rows.order_by("-history_date", "-history_id").values_list(
        "history_date", "history_id", pk, "history_type", "history_change_reason", "history_ip", "history_user_id",
    )[:limit]
    return [WriteRow(at, label, history_id, str(object_id), change, reason or "", ip or "", user_id)
            for at, history_id, object_id, change, reason, ip, user_id in values]


def user_ids_for(username: str) -> list[int] | None:
    if not username:
        return None
    return list(get_user_model().objects.filter(username__icontains=username).values_list("pk", flat=True)[:200])


def search_writes(data: dict, *, cursor: Cursor | None, limit: int) -> list[WriteRow]:
    """The newest `limit` writes matching `data` after `cursor`, across the chosen model or all."""
    models = historied_models()
    chosen = [data["model"]] if data.get("model") in models else list(models)
    user_ids = user_ids_for(data.get("username") or "")
    if user_ids == []:
        return []
    streams = []
    for label in chosen:
        rows = _matching(models[label], data, user_ids)
        if rows is None:
            continue
        streams.append(_read(models[label], _after(rows, label, cursor), limit))
    merged = heapq.merge(*streams, key=lambda row: row.sort_key, reverse=True)
    return [row for _, row in zip(range(limit), merged, strict=False)]


def describe(rows: list[WriteRow]) -> list[dict]:
    """Rows for the page and the export, with the users' names read in one query."""
    ids = {row.user_id for row in rows if row.user_id}
    names = dict(get_user_model().objects.filter(pk__in=ids).values_list("pk", "username")) if ids else {}
    models = historied_models()
    return [{
        "at": row.at,
        "username": names.get(row.user_id, "") if row.user_id else "（系统任务）",
        "ip_address": row.ip_address,
        "action": ACTION_LABELS.get(row.action, row.action) if row.action else CHANGE_TYPES.get(row.change_type, ""),
        "change": CHANGE_TYPES.get(row.change_type, row.change_type),
        "model": str(models[row.model]._meta.verbose_name) if row.model in models else row.model,
        "object_id": row.object_id,
    } for row in rows]
