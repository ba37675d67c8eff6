"""Every write of this app: constituents, contact activities, the casework
pipeline and bills/suggestions. Each state change of a problem lives here and
nowhere else; each is checked and audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, UnidentifiedImageError
from simple_history.utils import bulk_update_with_history

from deputies.models import Community, Constituency, Department, Deputy, DeputyGroup, Term
from liaison.audit import audited
from liaison.validators import normalize_phone
from liaison.workdays import add_working_days, working_days_between

from .conf import casework_setting
from .models import (
    ActivityOrganizer,
    ActivityPhoto,
    Constituent,
    ConstituentCategory,
    ContactActivity,
    FeedbackMethod,
    FollowUp,
    Forwarding,
    Problem,
    ProblemFeedback,
    ResultClass,
    Satisfaction,
    Suggestion,
    mismatch_warning,
)

State = Problem.State


def today() -> dt.date:
    return timezone.localdate()


def _check_day(day: dt.date | None, *, field: str, label: str, term: Term | None = None) -> dt.date:
    """A date a person typed: not in the future, inside the term."""
    if day is None:
        raise ValidationError({field: f"请填写{label}。"})
    if day > today():
        raise ValidationError({field: f"{label}不能晚于今天。"})
    if term is not None and not term.contains(day):
        raise ValidationError(
            {field: f"{label}不在{term.name}任期内（{term.start_date:%Y年%m月%d日}至{term.end_date:%Y年%m月%d日}）。"}
        )
    return day


def _require_state(problem: Problem, allowed: Iterable[str], doing: str) -> None:
    allowed = tuple(allowed)
    if problem.state not in allowed:
        wanted = "、".join(f"“{State(s).label}”" for s in allowed)
        raise ValidationError(
            f"该诉求当前为“{problem.get_state_display()}”，不能{doing}（只有{wanted}的诉求可以{doing}）。"
        )


def _lock(problem: Problem) -> Problem:
    """Re-read the row under a lock so two people never move the same problem at once."""
    locked = Problem.objects.select_for_update().get(pk=problem.pk)
    problem.__dict__.update({f.attname: getattr(locked, f.attname) for f in Problem._meta.concrete_fields})
    return problem


def _move(problem: Problem, state: str, *, action: str, acting_user, on: dt.date | None = None) -> None:
    problem.state = state
    problem.state_since = on or today()
    audited(problem, action=action, user=acting_user)
    problem.save()


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
    """Office staff, and the liaisons and deputies who work with this constituent
    (the row already came through `visible_to`), may unmask personal data; the
    committee reads masked data only."""
    return user.is_office_staff or user.is_liaison or user.is_deputy


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


def validate_photo(upload: UploadedFile) -> None:
    """A real image no larger than the limit; the check opens the file, never trusts its name."""
    limit = casework_setting("PHOTO_MAX_BYTES")
    if upload.size > limit:
        raise ValidationError(
            f"照片“{upload.name}”有 {upload.size / 1024 / 1024:.1f} MB，超过 {limit // 1024 // 1024} MB 的上限。"
        )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(f"“{upload.name}”不是可以识别的图片文件，请上传 JPG 或 PNG 照片。") from error
    finally:
        upload.seek(0)


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
    for upload, _caption in photos:
        validate_photo(upload)
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
    validate_photo(image)
    photo = ActivityPhoto(activity=activity, image=image, caption=(caption or "")[:100])
    audited(photo, action="constituents.activity.photo_added", user=acting_user)
    photo.save()
    return photo


# ---------------------------------------------------------------------------
# Casework: the problem state machine
#
#   登记 ──forward──▶ 已转交 ──start_handling──▶ 办理中 ──resolve──▶ 已办结 ──feedback──▶ 已反馈
#     ▲                  │                         │ └──mark_unsolvable──▶ 暂不能解决 ──feedback──┘
#     └──── return (退办, last open department) ───┘                                        │
#     └──────────────────────────── reopen (重新办理, next round) ◀────────────────────────────┘
#   A suggestion's reply moves every linked problem to 已办结/暂不能解决 (fan-out).
# ---------------------------------------------------------------------------


@transaction.atomic
def problem_register(
    *,
    source: str,
    text: str,
    category: str,
    group: DeputyGroup,
    deputy: Deputy | None = None,
    constituency: Constituency | None = None,
    constituents: Iterable[Constituent] = (),
    is_livelihood: bool = False,
    raised_on: dt.date | None = None,
    acting_user,
    visit: ContactActivity | None = None,
    community: Community | None = None,
) -> Problem:
    """Register a problem (登记) from a visit, a letter or the online form."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写群众反映的问题。"})
    if source not in Problem.Source.values:
        raise ValidationError({"source": "来源不正确。"})
    if not category:
        raise ValidationError({"category": "请选择问题类别。"})
    if deputy is not None and deputy.group_id != group.pk:
        raise ValidationError({"deputy": "责任代表不属于该代表组。"})
    if constituency is not None and constituency.group_id != group.pk:
        raise ValidationError({"constituency": "所选选区不属于该代表组。"})
    if community is not None and constituency is not None and community.constituency_id != constituency.pk:
        raise ValidationError({"community": "所选社区/单位不属于该选区。"})
    raised_on = raised_on or today()
    term = deputy.term if deputy is not None else (constituency.term if constituency is not None else Term.current())
    _check_day(raised_on, field="raised_on", label="反映日期", term=term)
    constituents = list(dict.fromkeys(constituents))
    if community is None and len({c.community_id for c in constituents}) == 1:
        community = constituents[0].community
    problem = Problem(
        source=source, text=text, category=category, is_livelihood=is_livelihood, group=group, deputy=deputy,
        constituency=constituency or (community.constituency if community else None), community=community,
        visit=visit, raised_on=raised_on, state=State.REGISTERED, state_since=today(),
        registered_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    audited(problem, action="constituents.problem.registered", user=acting_user)
    problem.save()
    if constituents:
        problem.constituents.set(constituents)
    return problem


@transaction.atomic
def problem_update(
    *, problem: Problem, text: str, category: str, is_livelihood: bool, deputy: Deputy | None, acting_user,
) -> Problem:
    """Correct what was registered; the state is not touched here."""
    _lock(problem)
    if problem.has_result:
        raise ValidationError("已有办理结果的诉求不能再修改登记内容。")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写群众反映的问题。"})
    if deputy is not None and deputy.group_id != problem.group_id:
        raise ValidationError({"deputy": "责任代表不属于该代表组。"})
    problem.text, problem.category, problem.is_livelihood, problem.deputy = text, category, is_livelihood, deputy
    audited(problem, action="constituents.problem.updated", user=acting_user)
    problem.save()
    return problem


@transaction.atomic
def problem_forward(
    *,
    problem: Problem,
    departments: Iterable[Department],
    deadline_days: int | None = None,
    deadline: dt.date | None = None,
    forwarded_on: dt.date | None = None,
    acting_user,
) -> list[Forwarding]:
    """Forward (转交) to one or more departments, each with a reply deadline in working days.

    From 登记 this moves the problem to 已转交. While it is 已转交/办理中 it adds
    departments (e.g. the right one after another returned it) without moving it.
    """
    _lock(problem)
    _require_state(problem, [State.REGISTERED, State.FORWARDED, State.HANDLING], "转交")
    departments = list(dict.fromkeys(departments))
    if not departments:
        raise ValidationError({"departments": "请至少选择一个承办部门。"})
    inactive = [d.name for d in departments if not d.is_active]
    if inactive:
        raise ValidationError({"departments": f"{'、'.join(inactive)}已停用，不能转交。"})
    already = set(
        problem.forwardings.filter(round=problem.round, department__in=departments)
        .exclude(status=Forwarding.Status.RETURNED)
        .values_list("department__name", flat=True)
    )
    if already:
        raise ValidationError({"departments": f"本轮已转交{'、'.join(sorted(already))}，不能重复转交。"})
    forwarded_on = forwarded_on or today()
    _check_day(forwarded_on, field="forwarded_on", label="转交日期")
    if forwarded_on < problem.raised_on:
        raise ValidationError({"forwarded_on": "转交日期不能早于群众反映日期。"})
    estimate = False
    if deadline is not None:
        if deadline < forwarded_on:
            raise ValidationError({"deadline": "答复期限不能早于转交日期。"})
    else:
        days = deadline_days if deadline_days is not None else casework_setting("REPLY_WORKING_DAYS")
        if days < 1:
            raise ValidationError({"deadline_days": "答复期限至少为 1 个工作日。"})
        deadline, estimate = add_working_days(forwarded_on, days)
    forwardings = []
    for department in departments:
        forwarding = Forwarding(
            problem=problem, department=department, round=problem.round, forwarded_on=forwarded_on,
            deadline=deadline, deadline_is_estimate=estimate,
            forwarded_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        )
        audited(forwarding, action="constituents.forwarding.created", user=acting_user)
        forwarding.save()
        forwardings.append(forwarding)
    if problem.state == State.REGISTERED:
        _move(problem, State.FORWARDED, action="constituents.problem.forwarded", acting_user=acting_user,
              on=forwarded_on)
    return forwardings


def _forwarding_of(problem: Problem, forwarding: Forwarding) -> Forwarding:
    if forwarding.problem_id != problem.pk:
        raise ValidationError("该转交记录不属于这条诉求。")
    return Forwarding.objects.select_for_update().select_related("department").get(pk=forwarding.pk)


@transaction.atomic
def problem_start_handling(
    *, problem: Problem, forwarding: Forwarding, accepted_on: dt.date | None = None, acting_user,
) -> Forwarding:
    """A department accepted the problem (受理): its part is 办理中, and so is the problem."""
    _lock(problem)
    _require_state(problem, [State.FORWARDED, State.HANDLING], "登记部门受理")
    forwarding = _forwarding_of(problem, forwarding)
    if forwarding.status != Forwarding.Status.PENDING:
        raise ValidationError(f"{forwarding.department}的办理状态为“{forwarding.get_status_display()}”，不能再登记受理。")
    accepted_on = _check_day(accepted_on or today(), field="accepted_on", label="受理日期")
    if accepted_on < forwarding.forwarded_on:
        raise ValidationError({"accepted_on": "受理日期不能早于转交日期。"})
    forwarding.status, forwarding.accepted_on = Forwarding.Status.HANDLING, accepted_on
    audited(forwarding, action="constituents.forwarding.accepted", user=acting_user)
    forwarding.save()
    if problem.state == State.FORWARDED:
        _move(problem, State.HANDLING, action="constituents.problem.handling", acting_user=acting_user, on=accepted_on)
    return forwarding


@transaction.atomic
def problem_record_reply(
    *, problem: Problem, forwarding: Forwarding, reply_text: str, result_class: str,
    replied_on: dt.date | None = None, acting_user,
) -> Forwarding:
    """Record a department's reply, as the department's, with its A/B/C/D class."""
    _lock(problem)
    _require_state(problem, [State.HANDLING], "登记部门答复")
    forwarding = _forwarding_of(problem, forwarding)
    if forwarding.status != Forwarding.Status.HANDLING:
        raise ValidationError(
            f"{forwarding.department}的办理状态为“{forwarding.get_status_display()}”，须先登记受理才能登记答复。"
        )
    reply_text = (reply_text or "").strip()
    if not reply_text:
        raise ValidationError({"reply_text": "请填写部门答复内容。"})
    if result_class not in ResultClass.values:
        raise ValidationError({"result_class": "请选择答复类别（A、B、C、D）。"})
    replied_on = _check_day(replied_on or today(), field="replied_on", label="答复日期")
    if replied_on < forwarding.forwarded_on:
        raise ValidationError({"replied_on": "答复日期不能早于转交日期。"})
    forwarding.status, forwarding.replied_on = Forwarding.Status.REPLIED, replied_on
    forwarding.reply_text, forwarding.result_class = reply_text, result_class
    audited(forwarding, action="constituents.forwarding.replied", user=acting_user)
    forwarding.save()
    return forwarding


@transaction.atomic
def problem_return(
    *, problem: Problem, forwarding: Forwarding, reason: str, returned_on: dt.date | None = None, acting_user,
) -> Forwarding:
    """A department returns a problem that is not its own (退办), within the return window.

    When no department of this round is left working on it, the problem goes back
    to 登记 to be forwarded again; the returned forwarding stays in its history.
    """
    _lock(problem)
    _require_state(problem, [State.FORWARDED, State.HANDLING], "退办")
    forwarding = _forwarding_of(problem, forwarding)
    if not forwarding.is_open:
        raise ValidationError(f"{forwarding.department}的办理状态为“{forwarding.get_status_display()}”，不能退办。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写退办理由（如：不属于本部门职责）。"})
    returned_on = _check_day(returned_on or today(), field="returned_on", label="退办日期")
    if returned_on < forwarding.forwarded_on:
        raise ValidationError({"returned_on": "退办日期不能早于转交日期。"})
    window = casework_setting("RETURN_WORKING_DAYS")
    elapsed, _estimate = working_days_between(forwarding.forwarded_on, returned_on)
    if elapsed > window:
        raise ValidationError(
            {"returned_on": f"退办须在转交后 {window} 个工作日内提出；已过 {elapsed} 个工作日，应由该部门继续办理。"}
        )
    forwarding.status, forwarding.returned_on, forwarding.return_reason = (
        Forwarding.Status.RETURNED, returned_on, reason,
    )
    audited(forwarding, action="constituents.forwarding.returned", user=acting_user)
    forwarding.save()
    still_working = problem.forwardings.filter(round=problem.round).exclude(status=Forwarding.Status.RETURNED)
    if not still_working.exists():
        _move(problem, State.REGISTERED, action="constituents.problem.returned", acting_user=acting_user,
              on=returned_on)
    return forwarding


def _check_result_ready(problem: Problem) -> list[Forwarding]:
    current = list(problem.forwardings.filter(round=problem.round).select_related("department"))
    open_ones = [f.department.name for f in current if f.is_open]
    if open_ones:
        raise ValidationError(f"{'、'.join(open_ones)}尚未答复，不能办结；请继续督办。")
    replied = [f for f in current if f.status == Forwarding.Status.REPLIED]
    if not replied:
        raise ValidationError("还没有部门答复，不能登记办理结果。")
    return replied


def _queue_feedback(problem: Problem, *, suggestion: Suggestion | None = None) -> int:
    """One pending feedback per constituent who raised the problem (or one for an anonymous sender)."""
    constituent_ids = list(problem.constituents.values_list("pk", flat=True)) or [None]
    rows = [
        ProblemFeedback(
            problem=problem, constituent_id=cid, suggestion=suggestion, round=problem.round,
            dedupe_key=ProblemFeedback.key_for(problem.pk, problem.round, cid, suggestion.pk if suggestion else None),
        )
        for cid in constituent_ids
    ]
    ProblemFeedback.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


@transaction.atomic
def problem_resolve(
    *, problem: Problem, result_summary: str, resolved_on: dt.date | None = None, acting_user,
) -> Problem:
    """The departments' replies solved it (已办结); feedback to each constituent is queued."""
    _lock(problem)
    _require_state(problem, [State.HANDLING], "办结")
    replied = _check_result_ready(problem)
    result_summary = (result_summary or "").strip()
    if not result_summary:
        raise ValidationError({"result_summary": "请填写可以告知反映人的办理结果。"})
    resolved_on = _check_day(resolved_on or today(), field="resolved_on", label="办结日期")
    if resolved_on < max(f.replied_on for f in replied):
        raise ValidationError({"resolved_on": "办结日期不能早于部门答复日期。"})
    problem.outcome, problem.result_on, problem.result_summary = Problem.Outcome.RESOLVED, resolved_on, result_summary
    problem.unsolvable_reason = ""
    _move(problem, State.RESOLVED, action="constituents.problem.resolved", acting_user=acting_user, on=resolved_on)
    _queue_feedback(problem)
    return problem


@transaction.atomic
def problem_mark_unsolvable(
    *, problem: Problem, reason: str, result_summary: str = "", decided_on: dt.date | None = None, acting_user,
) -> Problem:
    """Cannot be solved now (暂不能解决), with the reason; feedback to each constituent is queued."""
    _lock(problem)
    _require_state(problem, [State.HANDLING], "登记为暂不能解决")
    replied = _check_result_ready(problem)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写暂不能解决的原因。"})
    decided_on = _check_day(decided_on or today(), field="decided_on", label="日期")
    if decided_on < max(f.replied_on for f in replied):
        raise ValidationError({"decided_on": "日期不能早于部门答复日期。"})
    problem.outcome, problem.result_on = Problem.Outcome.UNSOLVABLE, decided_on
    problem.unsolvable_reason = reason
    problem.result_summary = (result_summary or "").strip() or reason
    _move(problem, State.UNSOLVABLE, action="constituents.problem.unsolvable", acting_user=acting_user, on=decided_on)
    _queue_feedback(problem)
    return problem


@transaction.atomic
def problem_feedback(
    *,
    problem: Problem,
    how: str,
    when: dt.date | None = None,
    note: str = "",
    constituents: Iterable[Constituent] | None = None,
    acting_user,
) -> Problem:
    """Record how and when the constituents were told (已反馈).

    `constituents=None` means everyone still waiting; otherwise only those named.
    The problem becomes 已反馈 when nobody is left waiting.
    """
    _lock(problem)
    _require_state(problem, [State.RESOLVED, State.UNSOLVABLE], "登记反馈")
    if how not in FeedbackMethod.values:
        raise ValidationError({"how": "请选择反馈方式。"})
    when = _check_day(when or today(), field="when", label="反馈日期")
    if problem.result_on and when < problem.result_on:
        raise ValidationError({"when": "反馈日期不能早于办结日期。"})
    pending = problem.feedbacks.select_for_update().filter(status=ProblemFeedback.Status.PENDING)
    if constituents is not None:
        ids = [c.pk for c in constituents]
        if not ids:
            raise ValidationError({"constituents": "请选择已告知的选民。"})
        pending = pending.filter(constituent_id__in=ids)
    rows = list(pending)
    if not rows:
        raise ValidationError({"constituents": "所选选民没有待反馈的结果。"})
    for row in rows:
        row.status, row.method, row.told_on, row.note = ProblemFeedback.Status.DONE, how, when, note.strip()
    bulk_update_with_history(
        rows, ProblemFeedback, ["status", "method", "told_on", "note"],
        default_user=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        default_change_reason="constituents.feedback.done",
    )
    if not problem.feedbacks.filter(status=ProblemFeedback.Status.PENDING).exists():
        problem.fed_back_on, problem.feedback_method = when, how
        _move(problem, State.FED_BACK, action="constituents.problem.fed_back", acting_user=acting_user, on=when)
    return problem


@transaction.atomic
def problem_reopen(*, problem: Problem, reason: str, reopened_on: dt.date | None = None, acting_user) -> Problem:
    """The constituent is not satisfied with the answer (重新办理): a new round starts at 登记."""
    _lock(problem)
    _require_state(problem, [State.FED_BACK], "重新办理")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写选民不满意的理由。"})
    reopened_on = _check_day(reopened_on or today(), field="reopened_on", label="日期")
    if problem.fed_back_on and reopened_on < problem.fed_back_on:
        raise ValidationError({"reopened_on": "重新办理日期不能早于反馈日期。"})
    problem.round += 1
    problem.reopen_reason = reason
    problem.outcome, problem.result_on, problem.unsolvable_reason = "", None, ""
    _move(problem, State.REGISTERED, action="constituents.problem.reopened", acting_user=acting_user, on=reopened_on)
    return problem


@transaction.atomic
def followup_add(
    *,
    problem: Problem,
    followed_on: dt.date,
    method: str,
    department_said: str,
    forwarding: Forwarding | None = None,
    note: str = "",
    acting_user,
) -> FollowUp:
    """A 督办记录: the deputy (or liaison) pressed the department; what it said is recorded as its own."""
    _require_state(problem, [State.FORWARDED, State.HANDLING, State.RESOLVED, State.UNSOLVABLE], "登记督办")
    if forwarding is not None and forwarding.problem_id != problem.pk:
        raise ValidationError({"forwarding": "该部门不是这条诉求的承办部门。"})
    department_said = (department_said or "").strip()
    if not department_said:
        raise ValidationError({"department_said": "请填写部门的答复情况。"})
    _check_day(followed_on, field="followed_on", label="督办日期")
    if followed_on < problem.raised_on:
        raise ValidationError({"followed_on": "督办日期不能早于群众反映日期。"})
    follow_up = FollowUp(
        problem=problem, forwarding=forwarding, followed_on=followed_on, method=method,
        department_said=department_said, note=note.strip(), recorded_by=acting_user,
    )
    audited(follow_up, action="constituents.followup.added", user=acting_user)
    follow_up.save()
    return follow_up


# ---------------------------------------------------------------------------
# Bills and suggestions
# ---------------------------------------------------------------------------


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _check_proposers(kind: str, lead_deputy: Deputy, proposers: Sequence[Deputy]) -> list[Deputy]:
    proposers = list(dict.fromkeys([lead_deputy, *proposers]))
    other_terms = [p.name for p in proposers if p.term_id != lead_deputy.term_id]
    if other_terms:
        raise ValidationError({"proposers": f"{'、'.join(other_terms)}不是本届代表。"})
    left = [p.name for p in proposers if not p.is_serving]
    if left:
        raise ValidationError({"proposers": f"{'、'.join(left)}已不再担任代表，不能作为提出人。"})
    return proposers


@transaction.atomic
def suggestion_draft(
    *,
    kind: str,
    title: str,
    content: str,
    category: str,
    lead_deputy: Deputy,
    proposers: Sequence[Deputy] = (),
    problems: Iterable[Problem] = (),
    research_notes: str = "",
    acting_user,
) -> Suggestion:
    """Draft a bill or suggestion, usually from several problems many people raised."""
    title, content = (title or "").strip(), (content or "").strip()
    if not title:
        raise ValidationError({"title": "请填写标题（案由）。"})
    if not content:
        raise ValidationError({"content": "请填写内容。"})
    proposers = _check_proposers(kind, lead_deputy, proposers)
    suggestion = Suggestion(
        term=lead_deputy.term, group_id=lead_deputy.group_id, kind=kind, title=title, content=content,
        category=category, research_notes=(research_notes or "").strip(), lead_deputy=lead_deputy,
        created_by=acting_user,
    )
    audited(suggestion, action="constituents.suggestion.drafted", user=acting_user)
    suggestion.save()
    suggestion.proposers.set(proposers)
    suggestion.problems.set(list(problems))
    return suggestion


@transaction.atomic
def suggestion_update(
    *,
    suggestion: Suggestion,
    title: str,
    content: str,
    research_notes: str,
    proposers: Sequence[Deputy],
    problems: Iterable[Problem],
    acting_user,
) -> Suggestion:
    if suggestion.state != Suggestion.State.DRAFT:
        raise ValidationError("已提交的议案/建议不能再修改。")
    title, content = (title or "").strip(), (content or "").strip()
    if not title or not content:
        raise ValidationError("请填写标题和内容。")
    suggestion.title, suggestion.content, suggestion.research_notes = title, content, (research_notes or "").strip()
    audited(suggestion, action="constituents.suggestion.updated", user=acting_user)
    suggestion.save()
    suggestion.proposers.set(_check_proposers(suggestion.kind, suggestion.lead_deputy, proposers))
    suggestion.problems.set(list(problems))
    return suggestion


@transaction.atomic
def suggestion_submit(*, suggestion: Suggestion, submitted_on: dt.date | None = None, acting_user) -> Suggestion:
    """Submit (提交): a bill needs enough joint proposers; research notes are expected."""
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.state != Suggestion.State.DRAFT:
        raise ValidationError(f"该{suggestion.get_kind_display()}已是“{suggestion.get_state_display()}”，不能再提交。")
    proposer_count = suggestion.proposers.count()
    minimum = casework_setting("BILL_MIN_PROPOSERS")
    if suggestion.kind == Suggestion.Kind.BILL and proposer_count < minimum:
        raise ValidationError(f"议案须由 {minimum} 名以上代表联名提出，目前只有 {proposer_count} 名。")
    if not suggestion.research_notes:
        raise ValidationError({"research_notes": "提交前请填写调研论证情况。"})
    submitted_on = _check_day(submitted_on or today(), field="submitted_on", label="提交日期", term=suggestion.term)
    suggestion.state, suggestion.submitted_on = Suggestion.State.SUBMITTED, submitted_on
    audited(suggestion, action="constituents.suggestion.submitted", user=acting_user)
    suggestion.save()
    return suggestion


@transaction.atomic
def suggestion_assign(
    *,
    suggestion: Suggestion,
    lead_department: Department,
    co_departments: Iterable[Department] = (),
    assigned_on: dt.date | None = None,
    acting_user,
) -> Suggestion:
    """Hand it to a lead department (主办) and co-handlers (协办): reply due in 3 months, co-views in 1."""
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.state != Suggestion.State.SUBMITTED:
        raise ValidationError(f"只有已提交的议案/建议可以交办，当前为“{suggestion.get_state_display()}”。")
    if lead_department is None:
        raise ValidationError({"lead_department": "请选择主办部门。"})
    co_departments = [d for d in dict.fromkeys(co_departments) if d.pk != lead_department.pk]
    assigned_on = _check_day(assigned_on or today(), field="assigned_on", label="交办日期")
    if suggestion.submitted_on and assigned_on < suggestion.submitted_on:
        raise ValidationError({"assigned_on": "交办日期不能早于提交日期。"})
    suggestion.state, suggestion.assigned_on, suggestion.lead_department = (
        Suggestion.State.ASSIGNED, assigned_on, lead_department,
    )
    suggestion.reply_due = _add_months(assigned_on, casework_setting("SUGGESTION_REPLY_MONTHS"))
    suggestion.co_view_due = _add_months(assigned_on, casework_setting("CO_HANDLING_MONTHS")) if co_departments else None
    audited(suggestion, action="constituents.suggestion.assigned", user=acting_user)
    suggestion.save()
    suggestion.co_departments.set(co_departments)
    return suggestion


@transaction.atomic
def suggestion_record_reply(
    *,
    suggestion: Suggestion,
    reply_text: str,
    result_class: str,
    replied_on: dt.date | None = None,
    acting_user,
) -> int:
    """Record the lead department's reply and fan it out to every linked problem.

    Each linked problem gets the reply as its result (A/B → 已办结, C/D → 暂不能解决)
    and a pending feedback for each constituent who raised it. Returns how many
    feedbacks were queued.
    """
    suggestion = Suggestion.objects.select_for_update(of=("self",)).select_related("merged_into").get(pk=suggestion.pk)
    if suggestion.merged_into_id:
        raise ValidationError(f"该件已并入“{suggestion.merged_into.title}”办理，请在主件登记答复。")
    if suggestion.state != Suggestion.State.ASSIGNED:
        raise ValidationError(f"只有已交办的议案/建议可以登记答复，当前为“{suggestion.get_state_display()}”。")
    reply_text = (reply_text or "").strip()
    if not reply_text:
        raise ValidationError({"reply_text": "请填写答复内容。"})
    if result_class not in ResultClass.values:
        raise ValidationError({"result_class": "请选择答复类别（A、B、C、D）。"})
    replied_on = _check_day(replied_on or today(), field="replied_on", label="答复日期")
    if suggestion.assigned_on and replied_on < suggestion.assigned_on:
        raise ValidationError({"replied_on": "答复日期不能早于交办日期。"})
    suggestion.state, suggestion.replied_on = Suggestion.State.REPLIED, replied_on
    suggestion.reply_text, suggestion.result_class = reply_text, result_class
    audited(suggestion, action="constituents.suggestion.replied", user=acting_user)
    suggestion.save()
    queued = _fan_out_reply(suggestion, acting_user=acting_user)
    answered = [suggestion]
    # 并案: each merged item gets the same answer, and its deputies and constituents with it.
    for merged in suggestion.merged.select_for_update().filter(state=Suggestion.State.ASSIGNED):
        merged.state, merged.replied_on = Suggestion.State.REPLIED, replied_on
        merged.reply_text = f"与“{suggestion.title}”并案办理。{reply_text}"
        merged.result_class = result_class
        audited(merged, action="constituents.suggestion.replied", user=acting_user)
        merged.save()
        queued += _fan_out_reply(merged, acting_user=acting_user)
        answered.append(merged)
    _tell_proposers(answered)
    return queued


def _tell_proposers(suggestions: list[Suggestion]) -> None:
    """Every proposing deputy with an account hears that their item was answered."""
    from liaison.notifications import Notice, notify_many

    through = Suggestion.proposers.through
    pairs = through.objects.filter(
        suggestion_id__in=[s.pk for s in suggestions], deputy__user__isnull=False
    ).values_list("suggestion_id", "deputy__user_id")
    by_pk = {s.pk: s for s in suggestions}
    notices = [
        Notice(
            recipient_id=user_id, title=f"{by_pk[sid].get_kind_display()}“{by_pk[sid].title}”已答复",
            body=f"{by_pk[sid].lead_department}答复（{by_pk[sid].get_result_class_display()}），请登记满意度。",
            url=by_pk[sid].get_absolute_url(), dedupe_key=f"constituents.suggestion.replied:{sid}",
        )
        for sid, user_id in pairs
    ]
    transaction.on_commit(lambda: notify_many(notices))


@transaction.atomic
def suggestion_merge(*, suggestion: Suggestion, into: Suggestion, acting_user) -> Suggestion:
    """并案: hand an identical item to the lead item's departments; it is answered with the lead item."""
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    into = Suggestion.objects.select_for_update().get(pk=into.pk)
    if suggestion.pk == into.pk:
        raise ValidationError({"into": "不能并入自身。"})
    if suggestion.state not in (Suggestion.State.SUBMITTED, Suggestion.State.ASSIGNED) or suggestion.merged_into_id:
        raise ValidationError("只有已提交或已交办、尚未答复且未并案的件可以并案办理。")
    if into.state != Suggestion.State.ASSIGNED or into.merged_into_id:
        raise ValidationError({"into": "主件须已交办、尚未答复，且本身没有并入其他件。"})
    if suggestion.merged.exists():
        raise ValidationError("该件已是其他件的主件，不能再并入别的件。")
    if into.term_id != suggestion.term_id:
        raise ValidationError({"into": "只能在同一届内并案。"})
    suggestion.merged_into = into
    suggestion.state, suggestion.lead_department = Suggestion.State.ASSIGNED, into.lead_department
    suggestion.assigned_on, suggestion.reply_due, suggestion.co_view_due = (
        into.assigned_on, into.reply_due, into.co_view_due,
    )
    audited(suggestion, action="constituents.suggestion.merged", user=acting_user)
    suggestion.save()
    suggestion.co_departments.set(into.co_departments.all())
    return suggestion


def _fan_out_reply(suggestion: Suggestion, *, acting_user) -> int:
    solved = suggestion.result_class in (ResultClass.A, ResultClass.B)
    summary = (
        f"代表就此问题提出{suggestion.get_kind_display()}“{suggestion.title}”，"
        f"{suggestion.lead_department}答复（{suggestion.get_result_class_display()}）：{suggestion.reply_text}"
    )
    problems = list(suggestion.problems.select_for_update().order_by("pk"))
    for problem in problems:
        problem.outcome = Problem.Outcome.RESOLVED if solved else Problem.Outcome.UNSOLVABLE
        problem.state = State.RESOLVED if solved else State.UNSOLVABLE
        problem.unsolvable_reason = "" if solved else suggestion.reply_text
        problem.result_on = suggestion.replied_on
        problem.state_since = today()
        problem.result_summary = summary
        problem.updated_at = timezone.now()
    user = acting_user if getattr(acting_user, "is_authenticated", False) else None
    bulk_update_with_history(
        problems, Problem,
        ["outcome", "state", "unsolvable_reason", "result_on", "state_since", "result_summary", "updated_at"],
        default_user=user, default_change_reason="constituents.problem.suggestion_replied",
    )
    raisers = Problem.constituents.through.objects.filter(problem__in=problems).values_list(
        "problem_id", "constituent_id"
    )
    by_problem: dict[int, list[int | None]] = {p.pk: [] for p in problems}
    for problem_id, constituent_id in raisers:
        by_problem[problem_id].append(constituent_id)
    rounds = {p.pk: p.round for p in problems}
    rows = [
        ProblemFeedback(
            problem_id=pid, constituent_id=cid, suggestion=suggestion, round=rounds[pid],
            dedupe_key=ProblemFeedback.key_for(pid, rounds[pid], cid, suggestion.pk),
        )
        for pid, cids in by_problem.items()
        for cid in (cids or [None])
    ]
    ProblemFeedback.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


@transaction.atomic
def suggestion_record_satisfaction(
    *, suggestion: Suggestion, satisfaction: str, note: str = "", acting_user,
) -> Suggestion:
    """The deputies say whether they are satisfied with the reply (满意/基本满意/不满意); it is closed."""
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.state != Suggestion.State.REPLIED:
        raise ValidationError("只有已答复的议案/建议可以登记代表满意度。")
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": "请选择满意、基本满意或不满意。"})
    suggestion.satisfaction, suggestion.satisfaction_note = satisfaction, (note or "").strip()
    suggestion.state = Suggestion.State.CLOSED
    audited(suggestion, action="constituents.suggestion.satisfaction_recorded", user=acting_user)
    suggestion.save()
    return suggestion


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

    from .selectors import deputies_behind

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
