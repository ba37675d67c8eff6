"""The standing committee's spot checks of group records (抽查, source part 四):
a random, reproducible sample of one group's records of a period, and the
committee's findings on each. Validated, atomic, audited."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from constituents.models import ContactActivity, Problem
from deputies.models import DeputyGroup
from liaison.audit import audited
from liaison.models import Role, User
from liaison.notifications import notify
from mailbox.models import Opening

from .models import SpotCheck, SpotCheckItem

MAX_SAMPLE = 50


def population(*, group: DeputyGroup, kind: str, start: dt.date, end: dt.date) -> QuerySet:
    """The records a check draws from, in a fixed order so a seed always gives the same sample."""
    if kind == SpotCheck.Kind.ACTIVITY:
        records = ContactActivity.objects.filter(group=group, held_on__range=(start, end))
    elif kind == SpotCheck.Kind.OPENING:
        records = Opening.objects.filter(mailbox__constituency__group=group, opened_at__date__range=(start, end))
    elif kind == SpotCheck.Kind.PROBLEM:
        records = Problem.objects.filter(group=group, raised_on__range=(start, end))
    else:
        raise ValidationError({"kind": "请选择抽查内容。"})
    return records.order_by("pk")


def _label(kind: str, record) -> str:
    if kind == SpotCheck.Kind.OPENING:
        local = timezone.localtime(record.opened_at)
        return f"{record.mailbox.name} {local.year}年{local.month}月{local.day}日开启，来信{record.letter_count}封"
    return str(record)[:200]


def _may_check(user: User) -> bool:
    return user.is_active and (user.is_office_staff or user.role == Role.COMMITTEE)


@transaction.atomic
def spot_check_draw(
    *, group: DeputyGroup, kind: str, period_start: dt.date, period_end: dt.date, sample_size: int,
    acting_user: User, seed: int | None = None,
) -> SpotCheck:
    if not _may_check(acting_user):
        raise ValidationError("只有常委会和联络工委工作人员可以抽查代表组记录。")
    if period_end < period_start:
        raise ValidationError({"period_end": "截止日期不能早于起始日期。"})
    if period_end > timezone.localdate():
        raise ValidationError({"period_end": "截止日期不能晚于今天。"})
    if not 1 <= sample_size <= MAX_SAMPLE:
        raise ValidationError({"sample_size": f"抽查份数应在 1 到 {MAX_SAMPLE} 之间。"})
    records = population(group=group, kind=kind, start=period_start, end=period_end)
    ids = list(records.values_list("pk", flat=True))
    if not ids:
        raise ValidationError("该代表组在这段时间内没有这类记录，无法抽查。")
    seed = seed if seed is not None else secrets.randbelow(10**9)
    picked = sorted(random.Random(seed).sample(ids, min(sample_size, len(ids))))
    check = SpotCheck(
        group=group, kind=kind, period_start=period_start, period_end=period_end, sample_size=sample_size,
        population=len(ids), seed=seed, drawn_by=acting_user,
    )
    audited(check, action="reports.spot_check.drawn", user=acting_user)
    check.save()
    chosen = records.filter(pk__in=picked)
    if kind == SpotCheck.Kind.OPENING:
        chosen = chosen.select_related("mailbox")
    bulk_create_with_history(
        [SpotCheckItem(spot_check=check, record_id=record.pk, label=_label(kind, record), url=record.get_absolute_url())
         for record in chosen],
        SpotCheckItem, default_user=acting_user, default_change_reason="reports.spot_check.drawn",
    )
    return check


@dataclass(frozen=True)
class ItemFinding:
    item_id: int
    compliant: bool | None
    note: str = ""


@transaction.atomic
def spot_check_conclude(
    *, spot_check: SpotCheck, conclusion: str, findings: str, items: list[ItemFinding], acting_user: User,
) -> SpotCheck:
    if not _may_check(acting_user):
        raise ValidationError("只有常委会和联络工委工作人员可以填写抽查结论。")
    if conclusion not in SpotCheck.Conclusion.values:
        raise ValidationError({"conclusion": "请选择抽查结论。"})
    findings = (findings or "").strip()
    if conclusion != SpotCheck.Conclusion.GOOD and not findings:
        raise ValidationError({"findings": "结论不是“记录规范”时，请写明发现的问题和整改意见。"})
    by_id = {item.pk: item for item in spot_check.items.all()}
    for finding in items:
        item = by_id.get(finding.item_id)
        if item is None:
            raise ValidationError("抽查记录不属于本次抽查。")
        if finding.compliant is False and not finding.note.strip():
            raise ValidationError(f"“{item.label}”标为不规范，请写明问题。")
        item.compliant, item.note = finding.compliant, finding.note.strip()[:300]
        audited(item, action="reports.spot_check.item_noted", user=acting_user)
        item.save(update_fields=["compliant", "note"])
    first_time = not spot_check.is_concluded
    spot_check.conclusion, spot_check.findings = conclusion, findings
    spot_check.concluded_at = timezone.now()
    audited(spot_check, action="reports.spot_check.concluded", user=acting_user)
    spot_check.save(update_fields=["conclusion", "findings", "concluded_at"])
    if first_time:
        transaction.on_commit(lambda: notify(
            list(spot_check.group.liaisons.all()),
            title=f"常委会抽查结论：{spot_check.get_kind_display()}（{spot_check.get_conclusion_display()}）",
            body=findings, url=spot_check.get_absolute_url(),
            dedupe_key=f"reports.spot_check:{spot_check.pk}",
        ), robust=True)
    return spot_check
