from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from liaison.audit import audited, record_event
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
    deputy_departure_close_account(deputy=deputy, acting_user=acting_user)
    return deputy


@transaction.atomic
def deputy_departure_close_account(*, deputy: Deputy, acting_user=None) -> str:
    """The one rule for the account of a deputy who left office, from the leaving day on
    (`deputy_leave`, a roster import that marks the deputy as left, and the nightly job
    for a leaving day that was ahead when it was entered).

    An account that is only a deputy's is deactivated and its sessions end: it can no
    longer sign in, let alone unmask constituents; only the security administrator can
    activate it again. An account that also holds another role (a liaison or office staff
    who was a deputy) keeps that role, and only the deputy access goes: the deputy record
    no longer points at it. Returns "deactivated", "unlinked" or "" (nothing to do).
    """
    from django.contrib.auth import get_user_model

    if deputy.user_id is None or deputy.left_on is None or deputy.left_on > timezone.localdate():
        return ""
    account = get_user_model().objects.select_for_update().get(pk=deputy.user_id)
    if account.role != Role.DEPUTY or account.is_superuser:
        deputy.user = None
        audited(deputy, action="deputies.deputy.account_unlinked", user=acting_user)
        deputy.save(update_fields=["user"])
        record_event(action="deputies.deputy.account_unlinked", user=acting_user, obj=deputy,
                     detail=f"账号 {account.username}（{account.get_role_display()}）保留，只取消其代表身份")
        return "unlinked"
    # Re-elected: a serving record of the current term keeps the account (an old term's departure does not end it).
    if Deputy.objects.filter(user=account, status=DeputyStatus.SERVING, term__is_current=True).exists():
        return ""
    if account.is_active:
        account.is_active = False
        audited(account, action="accounts.user.deactivated", user=acting_user)
        account.save(update_fields=["is_active"])
        record_event(action="accounts.user.deactivated", user=acting_user, obj=account,
                     detail=f"代表离任（{deputy.get_status_display()}，{deputy.left_on:%Y年%m月%d日}），账号停用")
    _end_sessions(account.pk)
    return "deactivated"


def departed_deputies_close_accounts(*, today: dt.date | None = None) -> int:
    """Nightly: apply `deputy_departure_close_account` to deputies whose leaving day has come
    and whose account is still theirs and active (idempotent); returns how many changed."""
    today = today or timezone.localdate()
    pending = Deputy.objects.filter(left_on__lte=today, user__isnull=False).filter(
        ~Q(user__role=Role.DEPUTY) | Q(user__is_superuser=True) | Q(user__is_active=True)
    )
    changed = 0
    for deputy in pending.select_related("user").order_by("pk"):
        if deputy_departure_close_account(deputy=deputy, acting_user=None):
            changed += 1
    return changed


def _end_sessions(user_id: int) -> int:

    """Delete the live sessions of one account, in the database and the cache; returns how many."""
    from django.contrib.sessions.models import Session
    from django.utils.module_loading import import_string

    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get("_auth_user_id")) == str(user_id)
    ]
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    for session_key in ended:
        store(session_key=session_key).delete()  # cached_db: the cached copy too
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
