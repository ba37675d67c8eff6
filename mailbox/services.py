"""Every write to mailboxes, openings, letters and quarterly summaries."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from deputies.models import Community, Constituency, Deputy, DeputyGroup, DeputyStatus
from liaison.audit import audited
from liaison.models import Role
from liaison.notifications import Notice, notify_many

from .models import Mailbox, Opening
from .weeks import Week, local_date

# --- mailboxes ---------------------------------------------------------------


def _check_keeping(
    *, constituency: Constituency, keeping: str, keeper_deputy: Deputy | None, entrusted_to,
    entrusted_reason: str, entrusted_on: dt.date | None,
) -> dict:
    errors: dict[str, str] = {}
    if keeping == Mailbox.Keeping.DEPUTY:
        if keeper_deputy is None:
            errors["keeper_deputy"] = "代表本人管理的信箱，请选择保管代表。"
        elif keeper_deputy.group_id != constituency.group_id:
            errors["keeper_deputy"] = "保管代表须是本代表组的代表。"
        elif keeper_deputy.status != DeputyStatus.SERVING:
            errors["keeper_deputy"] = "保管代表已离任，请另选在任代表或委托联络员管理。"
    elif keeping == Mailbox.Keeping.ENTRUSTED:
        if entrusted_to is None:
            errors["entrusted_to"] = "委托管理的信箱，请选择受托联络员。"
        elif entrusted_to.role != Role.LIAISON or not constituency.group.liaisons.filter(pk=entrusted_to.pk).exists():
            errors["entrusted_to"] = "只能委托本代表组的联络员管理。"
        if not (entrusted_reason or "").strip():
            errors["entrusted_reason"] = "委托管理属于特殊情况，请写明委托原因。"
        if entrusted_on is None:
            errors["entrusted_on"] = "请填写委托日期。"
        elif entrusted_on > local_date():
            errors["entrusted_on"] = "委托日期不能晚于今天。"
    else:
        errors["keeping"] = "请选择管理方式。"
    return errors


@transaction.atomic
def mailbox_create(
    *, constituency: Constituency, name: str, location: str, set_up_on: dt.date,
    deputies: list[Deputy] | None = None, community: Community | None = None,
    keeping: str = Mailbox.Keeping.DEPUTY, keeper_deputy: Deputy | None = None, entrusted_to=None,
    entrusted_reason: str = "", entrusted_on: dt.date | None = None, acting_user,
) -> Mailbox:
    """Set up a box in a constituency, kept by a deputy or (in special cases) entrusted to a liaison."""
    name, location = (name or "").strip(), (location or "").strip()
    errors = _check_keeping(
        constituency=constituency, keeping=keeping, keeper_deputy=keeper_deputy, entrusted_to=entrusted_to,
        entrusted_reason=entrusted_reason, entrusted_on=entrusted_on,
    )
    if not name:
        errors["name"] = "请填写信箱名称。"
    elif Mailbox.objects.filter(constituency=constituency, name=name).exists():
        errors["name"] = "本选区已有同名信箱。"
    if not location:
        errors["location"] = "请填写设置地点。"
    if set_up_on is None:
        errors["set_up_on"] = "请填写设立日期。"
    elif set_up_on > local_date():
        errors["set_up_on"] = "设立日期不能晚于今天。"
    if community is not None and community.constituency_id != constituency.pk:
        errors["community"] = "该社区/单位不属于本选区。"
    if deputies and any(d.constituency_id != constituency.pk for d in deputies):
        errors["deputies"] = "服务代表须是本选区的代表。"
    if errors:
        raise ValidationError(errors)
    mailbox = Mailbox(
        constituency=constituency, community=community, name=name, location=location, set_up_on=set_up_on,
        keeping=keeping,
        keeper_deputy=keeper_deputy if keeping == Mailbox.Keeping.DEPUTY else None,
        entrusted_to=entrusted_to if keeping == Mailbox.Keeping.ENTRUSTED else None,
        entrusted_reason=entrusted_reason.strip() if keeping == Mailbox.Keeping.ENTRUSTED else "",
        entrusted_on=entrusted_on if keeping == Mailbox.Keeping.ENTRUSTED else None,
    )
    audited(mailbox, action="mailbox.mailbox.created", user=acting_user)
    mailbox.save()
    served = list(deputies or [])
    if keeper_deputy is not None and keeping == Mailbox.Keeping.DEPUTY and keeper_deputy not in served:
        served.append(keeper_deputy)
    if served:
        mailbox.deputies.set(served)
    return mailbox


@transaction.atomic
def mailbox_update(
    *, mailbox: Mailbox, name: str, location: str, deputies: list[Deputy], community: Community | None = None,
    keeping: str, keeper_deputy: Deputy | None = None, entrusted_to=None, entrusted_reason: str = "",
    entrusted_on: dt.date | None = None, acting_user,
) -> Mailbox:
    """Change where a box is, whom it serves and who keeps it (a change of keeper is audited)."""
    mailbox = Mailbox.objects.select_for_update().get(pk=mailbox.pk)
    constituency = mailbox.constituency
    name, location = (name or "").strip(), (location or "").strip()
    errors = _check_keeping(
        constituency=constituency, keeping=keeping, keeper_deputy=keeper_deputy, entrusted_to=entrusted_to,
        entrusted_reason=entrusted_reason, entrusted_on=entrusted_on,
    )
    if not name:
        errors["name"] = "请填写信箱名称。"
    elif Mailbox.objects.filter(constituency=constituency, name=name).exclude(pk=mailbox.pk).exists():
        errors["name"] = "本选区已有同名信箱。"
    if not location:
        errors["location"] = "请填写设置地点。"
    if community is not None and community.constituency_id != constituency.pk:
        errors["community"] = "该社区/单位不属于本选区。"
    if any(d.constituency_id != constituency.pk for d in deputies):
        errors["deputies"] = "服务代表须是本选区的代表。"
    if errors:
        raise ValidationError(errors)
    entrusted = keeping == Mailbox.Keeping.ENTRUSTED
    mailbox.name, mailbox.location, mailbox.community, mailbox.keeping = name, location, community, keeping
    mailbox.keeper_deputy = None if entrusted else keeper_deputy
    mailbox.entrusted_to = entrusted_to if entrusted else None
    mailbox.entrusted_reason = entrusted_reason.strip() if entrusted else ""
    mailbox.entrusted_on = entrusted_on if entrusted else None
    audited(mailbox, action="mailbox.mailbox.updated", user=acting_user)
    mailbox.save()
    served = list(deputies)
    if keeper_deputy is not None and not entrusted and keeper_deputy not in served:
        served.append(keeper_deputy)
    mailbox.deputies.set(served)
    return mailbox


@transaction.atomic
def mailbox_retire(*, mailbox: Mailbox, retired_on: dt.date, acting_user) -> Mailbox:
    """Take a box down; its openings and letters stay, no new ones can be registered."""
    mailbox = Mailbox.objects.select_for_update().get(pk=mailbox.pk)
    if not mailbox.is_active:
        raise ValidationError("该信箱已经撤除。")
    if retired_on is None:
        raise ValidationError({"retired_on": "请填写撤除日期。"})
    if retired_on > local_date():
        raise ValidationError({"retired_on": "撤除日期不能晚于今天。"})
    if retired_on < mailbox.set_up_on:
        raise ValidationError({"retired_on": "撤除日期不能早于设立日期。"})
    mailbox.status, mailbox.retired_on = Mailbox.Status.RETIRED, retired_on
    audited(mailbox, action="mailbox.mailbox.retired", user=acting_user)
    mailbox.save()
    return mailbox


# --- openings ----------------------------------------------------------------


def _check_opening(*, mailbox: Mailbox, opened_at: dt.datetime | None, now: dt.datetime) -> dict:
    errors: dict[str, str] = {}
    if not mailbox.is_active:
        errors["mailbox"] = "该信箱已撤除，不能再登记开启和来信。"
    if opened_at is None:
        errors["opened_at"] = "请填写开启时间。"
        return errors
    if opened_at > now:
        errors["opened_at"] = "开启时间不能晚于现在。"
    elif local_date(opened_at) < mailbox.set_up_on:
        errors["opened_at"] = f"开启时间早于信箱设立日期（{mailbox.set_up_on:%Y年%m月%d日}）。"
    elif Opening.objects.filter(mailbox=mailbox, opened_at=opened_at).exists():
        errors["opened_at"] = "该信箱在这一时刻已有开启记录，请勿重复登记。"
    return errors


@transaction.atomic
def opening_record(
    *, mailbox: Mailbox, opened_at: dt.datetime, opened_by: str, witness: str = "", letter_count: int = 0,
    note: str = "", acting_user,
) -> Opening:
    """Record one opening of a box. Zero letters is a valid opening: the box was checked."""
    # Times are kept to the minute: two entries for 9:30 are the same opening.
    if opened_at is not None:
        opened_at = opened_at.replace(second=0, microsecond=0)
    errors = _check_opening(mailbox=mailbox, opened_at=opened_at, now=timezone.now())
    opened_by = (opened_by or "").strip()
    if not opened_by:
        errors["opened_by"] = "请填写开启人。"
    if letter_count is None or letter_count < 0:
        errors["letter_count"] = "来信数量不能为负数。"
    if errors:
        raise ValidationError(errors)
    opening = Opening(
        mailbox=mailbox, opened_at=opened_at, opened_by=opened_by, witness=(witness or "").strip(),
        letter_count=letter_count, note=(note or "").strip(), recorded_by=acting_user,
    )
    audited(opening, action="mailbox.opening.recorded", user=acting_user)
    try:
        with transaction.atomic():
            opening.save()
    except IntegrityError as error:  # two people saving the same opening at once
        raise ValidationError({"opened_at": "该信箱在这一时刻已有开启记录，请勿重复登记。"}) from error
    return opening


# --- the weekly rule ---------------------------------------------------------


def unopened_mailboxes_alert(*, week: Week) -> int:
    """Alert keepers and group liaisons of every active box not opened in `week`.

    Two queries to find who to tell and one INSERT to tell them, however many
    boxes; the notice's dedupe key (box + ISO week) makes a second run, or a
    second worker, add nothing.
    """
    boxes = list(
        Mailbox.objects.due_in(week).with_week(week).filter(opened_in_week=False)
        .select_related("constituency__group", "keeper_deputy")
    )
    if not boxes:
        return 0
    liaisons_by_group: dict[int, set[int]] = {}
    for group_id, user_id in DeputyGroup.liaisons.through.objects.filter(
        deputygroup_id__in={box.constituency.group_id for box in boxes}
    ).values_list("deputygroup_id", "user_id"):
        liaisons_by_group.setdefault(group_id, set()).add(user_id)
    notices = []
    for box in boxes:
        recipients = set(liaisons_by_group.get(box.constituency.group_id, ()))
        if box.keeper_user_id:
            recipients.add(box.keeper_user_id)
        for user_id in recipients:
            notices.append(Notice(
                recipient_id=user_id,
                title=f"{box.name}上周未开启",
                body=(f"{box.constituency.group.name}·{box.constituency.name}的“{box.name}”（{box.location}）"
                      f"在{week.label}没有开启记录。代表信箱每周至少开启一次，请尽快开启并登记来信。"),
                url=box.get_absolute_url(),
                dedupe_key=f"mailbox.unopened:{box.pk}:{week.key}",
            ))
    return notify_many(notices)
