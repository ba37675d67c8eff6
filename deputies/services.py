from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from liaison.audit import audited

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
    if deputy.user_id and left_on <= timezone.localdate():
        # From the day they leave the account reads only its own past records
        # (User.has_left_office); whoever is signed in as them signs in again.
        _end_sessions(deputy.user_id)
    return deputy


def _end_sessions(user_id: int) -> int:
    """Delete the live database sessions of one account; returns how many."""
    from django.contrib.sessions.models import Session

    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get("_auth_user_id")) == str(user_id)
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


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
