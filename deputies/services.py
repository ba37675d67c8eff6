from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from liaison.accounts import user_deactivate
from liaison.audit import audited
from liaison.models import Role

from .models import Deputy, DeputyStatus


@transaction.atomic
def deputy_leave(*, deputy: Deputy, status: str, left_on: dt.date, acting_user) -> Deputy:
    """A deputy leaves office: kept in history, out of rotations from then on."""
    if status == DeputyStatus.SERVING or status not in DeputyStatus.values:
        raise ValidationError({"status": "请选择离任原因：辞职、罢免、调离或去世。"})
    if left_on < deputy.term.start_date or left_on > deputy.term.end_date:
        raise ValidationError({"left_on": "离任日期应在本届任期之内。"})
    deputy.status = status
    deputy.left_on = left_on
    audited(deputy, action="deputies.deputy.left", user=acting_user)
    deputy.save(update_fields=["status", "left_on"])
    # Their account closes with the office (issue 9): deactivated, never deleted,
    # unless another current record of theirs still serves.
    account = deputy.user
    if (account is not None and account.role == Role.DEPUTY and not account.deputy_records.filter(
            status=DeputyStatus.SERVING, term__is_current=True).exists()):
        user_deactivate(user=account, acting_user=acting_user, reason=f"代表离任：{deputy}")
    return deputy


@transaction.atomic
def deputy_mark_exemplary(*, deputy: Deputy, exemplary: bool, acting_user) -> Deputy:
    """典型: a deputy whose contact work the district holds up as an example (source, part 四)."""
    if not acting_user.is_office_staff:
        raise ValidationError("只有联络工委工作人员可以标记履职典型。")
    deputy.is_exemplary = exemplary
    audited(deputy, action="deputies.deputy.exemplary_marked" if exemplary else "deputies.deputy.exemplary_cleared",
            user=acting_user)
    deputy.save(update_fields=["is_exemplary"])
    return deputy
