"""Reminders run by the daily and the mid-year beat jobs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from deputies.models import Deputy, DeputyGroup

from ..conf import casework_setting
from ..models import (
    Forwarding,
    Problem,
)
from ._common import State

# ---------------------------------------------------------------------------
# Reminders (run by the daily and the mid-year beat jobs)
# ---------------------------------------------------------------------------


def _liaisons_by_group(group_ids: Iterable[int]) -> dict[int, list[int]]:
    through = DeputyGroup.liaisons.through
    result: dict[int, list[int]] = {}
    for group_id, user_id in through.objects.filter(
        deputygroup_id__in=set(group_ids), user__is_active=True
    ).values_list("deputygroup_id", "user_id"):
        result.setdefault(group_id, []).append(user_id)
    return result


def casework_send_reminders(*, on: dt.date) -> int:
    """Remind whoever holds the next step of each waiting problem: its deputy and the group's liaisons.

    Three steps: a registered problem not forwarded within a few days; departments
    past their reply deadline; a result not yet fed back to the constituents. The
    dedupe key names the problem, its round and the step, so each reminder goes
    out once however often the job runs (Notification is unique per recipient+key).
    Returns the number of new notices.
    """
    from django.urls import reverse

    from liaison.notifications import Notice, notify_many

    waiting: list[tuple[dict, str, str, str]] = []
    forward_by = on - dt.timedelta(days=casework_setting("FORWARD_WITHIN_DAYS"))
    fields = ("pk", "round", "group_id", "deputy__user_id", "text", "state_since", "result_on")
    for row in Problem.objects.filter(state=State.REGISTERED, state_since__lte=forward_by).values(*fields):
        waiting.append((
            row, f"forward:{row['state_since']:%Y%m%d}", "群众诉求待转交",
            f"登记于{row['state_since']:%Y年%m月%d日}的群众诉求尚未转交有关部门：{row['text'][:40]}",
        ))
    overdue: dict[int, dict] = {}
    for row in (
        Forwarding.objects.overdue(on)
        .values("pk", "deadline", "department__name", *[f"problem__{f}" for f in fields])
        .order_by("problem_id", "pk")
    ):
        entry = overdue.setdefault(row["problem__pk"], {
            **{f: row[f"problem__{f}"] for f in fields}, "departments": [], "last": 0,
        })
        entry["departments"].append(f"{row['department__name']}（期限{row['deadline']:%m月%d日}）")
        entry["last"] = max(entry["last"], row["pk"])
    for entry in overdue.values():
        waiting.append((
            entry, f"overdue:{entry['last']}", "部门逾期未答复",
            f"{'、'.join(entry['departments'])}已超过答复期限，请督办：{entry['text'][:40]}",
        ))
    for row in Problem.objects.awaiting_feedback().values(*fields):
        waiting.append((
            row, f"feedback:{row['result_on']:%Y%m%d}", "办理结果待反馈选民",
            f"诉求已有办理结果，请告知反映人并登记反馈：{row['text'][:40]}",
        ))
    liaisons = _liaisons_by_group(row["group_id"] for row, *_ in waiting)
    notices = []
    for row, step, title, body in waiting:
        key = f"casework:{row['pk']}:r{row['round']}:{step}"
        url = reverse("constituents:problem_detail", args=[row["pk"]])
        recipients = set(liaisons.get(row["group_id"], []))
        if row["deputy__user_id"]:
            recipients.add(row["deputy__user_id"])
        notices.extend(
            Notice(recipient_id=user_id, title=title, body=body, url=url, dedupe_key=key) for user_id in recipients
        )
    return notify_many(notices)


def activity_minimum_send_reminders(*, on: dt.date) -> int:
    """Serving deputies with fewer than two contact activities this year: remind them and their liaisons.

    Once per deputy (and per group for the liaisons) per run month, however often the job runs.
    """
    from django.urls import reverse

    from liaison.notifications import Notice, notify_many

    from ..selectors import deputies_behind

    minimum = casework_setting("ACTIVITIES_PER_YEAR")
    period = f"{on.year}-{on.month:02d}"
    behind = list(
        deputies_behind(Deputy.objects.filter(term__is_current=True), on.year)
        .values("pk", "name", "user_id", "group_id", "activity_count")
        .order_by("group_id", "name")
    )
    url = reverse("constituents:activity_stats")
    notices = [
        Notice(
            recipient_id=row["user_id"], title=f"本年联系选民活动不足{minimum}次",
            body=f"您{on.year}年已参加联系选民活动{row['activity_count']}次，每位代表每年至少参加{minimum}次。",
            url=reverse("constituents:activity_create"), dedupe_key=f"activities:minimum:{row['pk']}:{period}",
        )
        for row in behind
        if row["user_id"]
    ]
    by_group: dict[int, list[str]] = {}
    for row in behind:
        by_group.setdefault(row["group_id"], []).append(f"{row['name']}（{row['activity_count']}次）")
    for group_id, user_ids in _liaisons_by_group(by_group).items():
        names = by_group[group_id]
        notices.extend(
            Notice(
                recipient_id=user_id, title=f"本组{len(names)}位代表本年联系选民活动不足{minimum}次",
                body="、".join(names), url=f"{url}?year={on.year}",
                dedupe_key=f"activities:minimum:group{group_id}:{period}",
            )
            for user_id in user_ids
        )
    return notify_many(notices)
