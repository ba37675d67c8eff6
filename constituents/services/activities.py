"""Constituents and contact activities (联系选民活动)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from deputies.models import Community, Constituency, Deputy
from liaison.audit import audited
from liaison.uploads import check_upload
from liaison.validators import normalize_phone

from ..conf import casework_setting
from ..models import (
    ActivityOrganizer,
    ActivityPhoto,
    Constituent,
    ConstituentCategory,
    ContactActivity,
    Problem,
    mismatch_warning,
)
from ._common import _check_day
from .problems import problem_register

# ---------------------------------------------------------------------------
# Constituents
# ---------------------------------------------------------------------------


@transaction.atomic
def constituent_create(
    *, community: Community, name: str, category: str = ConstituentCategory.ORDINARY,
    phone: str = "", address: str = "", acting_user,
) -> Constituent:
    """Register a constituent; the same name and phone in one community is the same person."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "请填写选民姓名。"})
    constituent = Constituent(
        community=community, name=name, category=category, phone=normalize_phone(phone), address=address.strip()
    )
    constituent.full_clean(validate_unique=False)
    existing = Constituent.objects.filter(community=community, name=name, phone=constituent.phone).first()
    if existing is not None:
        return existing
    audited(constituent, action="constituents.constituent.created", user=acting_user)
    constituent.save()
    return constituent


def may_see_in_full(user, constituent: Constituent) -> bool:
    """Who may unmask a constituent's personal data (the row already came through
    `visible_to`): office staff; the liaisons of the constituent's group; a serving
    deputy only for the constituents of their own constituency (the rest of the
    group stays masked). The committee and deputies who left office read masked data."""
    if user.is_office_staff or user.is_liaison:
        return True
    if not user.is_deputy or user.has_left_office:
        return False
    deputy = user.current_deputy
    return deputy is not None and constituent.community.constituency_id == deputy.constituency_id


# ---------------------------------------------------------------------------
# Contact activities
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NewConstituent:
    """A constituent quick-added in the activity form."""

    name: str
    community: Community
    category: str = ConstituentCategory.ORDINARY
    phone: str = ""


@dataclass(frozen=True)
class RaisedProblem:
    """A problem raised at an activity, registered together with it.

    `constituent_indexes` point into the activity's constituents (picked first,
    then quick-added), so a problem can name who raised it before they exist.
    """

    text: str
    category: str
    is_livelihood: bool = False
    constituent_indexes: tuple[int, ...] = ()


def validate_photo(upload: UploadedFile) -> ContentFile:
    """A real image within the size and pixel limits, by its content; returns what to store:
    re-encoded without EXIF (no GPS), under an extension derived from the content."""
    return check_upload(
        upload, kinds=("image",), max_bytes=casework_setting("PHOTO_MAX_BYTES"),
    ).file


@transaction.atomic
def activity_log(
    *,
    organizer: str,
    deputies: Sequence[Deputy],
    held_on: dt.date,
    ask_type: str,
    form: str,
    place: str,
    constituency: Constituency,
    summary: str,
    constituents: Sequence[Constituent] = (),
    new_constituents: Sequence[NewConstituent] = (),
    crowd_count: int = 0,
    photos: Sequence[tuple[UploadedFile, str]] = (),
    problems: Sequence[RaisedProblem] = (),
    acting_user,
) -> ContactActivity:
    """Log a contact activity with its constituents, photos and the problems raised — all or nothing."""
    deputies = list(dict.fromkeys(deputies))
    if not deputies:
        raise ValidationError({"deputies": "请选择参加活动的代表。"})
    if organizer == ActivityOrganizer.PERSONAL and len(deputies) != 1:
        raise ValidationError({"deputies": "代表个人开展的活动只能有一位代表；多位代表参加请选“代表组统一组织”。"})
    group_ids = {deputy.group_id for deputy in deputies}
    if len(group_ids) != 1:
        raise ValidationError({"deputies": "参加活动的代表须属于同一个代表组。"})
    group_id = group_ids.pop()
    if constituency.group_id != group_id:
        raise ValidationError({"constituency": "所选选区不属于参加代表所在的代表组。"})
    term = deputies[0].term
    _check_day(held_on, field="held_on", label="活动日期", term=term)
    not_serving = [deputy.name for deputy in deputies if not deputy.was_serving_on(held_on)]
    if not_serving:
        raise ValidationError({"deputies": f"{'、'.join(not_serving)}在活动日期已不再担任代表。"})
    place = (place or "").strip()
    summary = (summary or "").strip()
    if not place:
        raise ValidationError({"place": "请填写活动地点。"})
    if not summary:
        raise ValidationError({"summary": "请简要填写活动情况。"})
    if crowd_count < 0:
        raise ValidationError({"crowd_count": "人数不能为负数。"})
    if len(photos) > casework_setting("PHOTOS_PER_ACTIVITY"):
        raise ValidationError({"photos": f"每次活动最多上传 {casework_setting('PHOTOS_PER_ACTIVITY')} 张照片。"})
    photos = [(validate_photo(upload), caption) for upload, caption in photos]
    if not constituents and not new_constituents and crowd_count == 0:
        raise ValidationError({"crowd_count": "请选择或新增联系的选民，或填写参加的选民人数。"})

    met = list(constituents)
    for person in new_constituents:
        if person.community.constituency.group_id != group_id:
            raise ValidationError({"new_constituents": f"新增选民“{person.name}”的社区不在本代表组。"})
        met.append(constituent_create(
            community=person.community, name=person.name, category=person.category, phone=person.phone,
            acting_user=acting_user,
        ))
    # Problems point at people by position in this list; a quick-added person who turns out to be
    # someone already picked appears twice here but is linked once.
    indexed = met
    met = list(dict.fromkeys(met))

    activity = ContactActivity(
        term=term, group_id=group_id, organizer=organizer, held_on=held_on, ask_type=ask_type, form=form,
        place=place, constituency=constituency, crowd_count=crowd_count, summary=summary,
        mismatch_note=mismatch_warning(ask_type, [c.category for c in met]), recorded_by=acting_user,
    )
    audited(activity, action="constituents.activity.logged", user=acting_user)
    activity.save()
    activity.deputies.set(deputies)
    activity.constituents.set(met)
    for upload, caption in photos:
        photo = ActivityPhoto(activity=activity, image=upload, caption=(caption or "")[:100])
        audited(photo, action="constituents.activity.photo_added", user=acting_user)
        photo.save()
    responsible = deputies[0] if organizer == ActivityOrganizer.PERSONAL else _responsible_deputy(deputies, acting_user)
    for raised in problems:
        try:
            raisers = [indexed[i] for i in raised.constituent_indexes]
        except IndexError as error:
            raise ValidationError({"problems": "问题的反映人须是本次联系的选民。"}) from error
        problem_register(
            source=Problem.Source.VISIT, text=raised.text, category=raised.category, group=activity.group,
            deputy=responsible, constituency=constituency, constituents=raisers, is_livelihood=raised.is_livelihood,
            raised_on=held_on, acting_user=acting_user, visit=activity,
        )
    return activity


def _responsible_deputy(deputies: Sequence[Deputy], acting_user) -> Deputy:
    """A problem raised at a group activity belongs to the deputy who logged it, else to the first listed."""
    for deputy in deputies:
        if deputy.user_id and deputy.user_id == getattr(acting_user, "pk", None):
            return deputy
    return deputies[0]


@transaction.atomic
def activity_photo_add(*, activity: ContactActivity, image: UploadedFile, caption: str = "", acting_user) -> ActivityPhoto:
    if activity.photos.count() >= casework_setting("PHOTOS_PER_ACTIVITY"):
        raise ValidationError({"image": f"每次活动最多上传 {casework_setting('PHOTOS_PER_ACTIVITY')} 张照片。"})
    photo = ActivityPhoto(activity=activity, image=validate_photo(image), caption=(caption or "")[:100])
    audited(photo, action="constituents.activity.photo_added", user=acting_user)
    photo.save()
    return photo


