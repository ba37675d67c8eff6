"""Telling a department's users about their work: when a case is forwarded to them,
3 working days before its reply deadline (黄色预警) and when it falls overdue (红色预警).

Each notice is sent once per forwarding and deadline (a `dedupe_key`), however often
the daily sweep runs and however many workers run it; an approved extension moves the
deadline and so warns again about the new one. The sweep is two set-based queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from liaison.audit import audited
from liaison.notifications import Notice, notify_many
from liaison.sms import due_soon_text, forwarded_text
from liaison.workdays import add_working_days

from ..conf import casework_setting
from ..models import Forwarding, Problem
from ._common import _allow, _lock, _require_state
from ._common import today as local_today


def _department_users(department_ids: Iterable[int]) -> dict[int, list[int]]:
    from deputies.models import Department

    users: dict[int, list[int]] = {}
    through = Department.users.through.objects.filter(
        department_id__in=set(department_ids), user__is_active=True
    ).values_list("department_id", "user_id")
    for department_id, user_id in through:
        users.setdefault(department_id, []).append(user_id)
    return users


def _url(forwarding_id: int) -> str:
    return reverse("constituents:forwarding_detail", args=[forwarding_id])


def notify_forwarded(forwardings: Iterable[Forwarding]) -> int:
    """A new case for the department: each of its users hears once."""
    forwardings = list(forwardings)
    users = _department_users(f.department_id for f in forwardings)
    return notify_many(
        Notice(
            recipient_id=user_id, title=f"新转交：{f.problem.get_category_display()}（答复期限{f.deadline:%Y年%-m月%-d日}）",
            body=f.problem.text[:200], url=_url(f.pk), dedupe_key=f"dept.forwarded:{f.pk}",
            sms_text=forwarded_text(),
        )
        for f in forwardings
        for user_id in users.get(f.department_id, [])
    )


def department_deadline_alerts(*, today: dt.date | None = None) -> int:
    """黄色预警 for open cases due within the next working days, 红色预警 for overdue ones."""
    today = today or local_today()
    horizon, _estimate = add_working_days(today, casework_setting("DUE_SOON_WORKING_DAYS"))
    open_cases = Forwarding.objects.filter(
        status__in=Forwarding.OPEN_STATUSES, problem__state__in=[Problem.State.FORWARDED, Problem.State.HANDLING],
        department__users__isnull=False,
    ).distinct()
    due_soon = list(open_cases.filter(deadline__gte=today, deadline__lte=horizon).values_list(
        "pk", "department_id", "deadline"))
    overdue = list(open_cases.filter(deadline__lt=today).values_list("pk", "department_id", "deadline"))
    users = _department_users({row[1] for row in due_soon + overdue})
    notices = [
        Notice(recipient_id=user_id, title=f"黄色预警：转交事项将于{deadline:%Y年%-m月%-d日}到期",
               body="请在答复期限前答复，确需延期请及时申请。", url=_url(pk),
               dedupe_key=f"dept.due_soon:{pk}:{deadline:%Y%m%d}",
               sms_text=due_soon_text(casework_setting("DUE_SOON_WORKING_DAYS")))
        for pk, department_id, deadline in due_soon
        for user_id in users.get(department_id, [])
    ] + [
        Notice(recipient_id=user_id, title=f"红色预警：转交事项已超过答复期限（{deadline:%Y年%-m月%-d日}）",
               body="该事项已逾期，请尽快答复。", url=_url(pk),
               dedupe_key=f"dept.overdue:{pk}:{deadline:%Y%m%d}")
        for pk, department_id, deadline in overdue
        for user_id in users.get(department_id, [])
    ]
    return notify_many(notices)


@transaction.atomic
def problem_remind(*, problem: Problem, acting_user, reminded_on: dt.date | None = None) -> list[Forwarding]:
    """催办: press every department of this round that has not answered yet, on the platform.

    Each of its users gets a notice (and its e-mail, through the outbox); each forwarding
    keeps the day in `reminded_on` and its history names who pressed. Once a day per
    department: a second press the same day would only repeat the same notice.
    """
    _allow(acting_user, "remind", problem=problem)
    _lock(problem)
    _require_state(problem, [Problem.State.FORWARDED, Problem.State.HANDLING], "催办")
    day = reminded_on or local_today()
    open_parts = list(
        Forwarding.objects.select_for_update().select_related("department")
        .filter(problem=problem, round=problem.round, status__in=Forwarding.OPEN_STATUSES).order_by("pk")
    )
    if not open_parts:
        raise ValidationError("本轮承办部门都已答复或退办，无需催办。")
    due = [f for f in open_parts if f.reminded_on != day]
    if not due:
        names = "、".join(f.department.name for f in open_parts)
        raise ValidationError(f"今天已催办过{names}，请勿重复催办。")
    for forwarding in due:
        forwarding.reminded_on = day
        audited(forwarding, action="constituents.forwarding.reminded", user=acting_user)
        forwarding.save(update_fields=["reminded_on"])
    users = _department_users(f.department_id for f in due)
    notify_many(
        Notice(
            recipient_id=user_id, title=f"催办：请尽快答复转交事项（答复期限{f.deadline:%Y年%-m月%-d日}）",
            body=problem.text[:200], url=_url(f.pk), dedupe_key=f"dept.reminded:{f.pk}:{day:%Y%m%d}",
        )
        for f in due
        for user_id in users.get(f.department_id, [])
    )
    return due
