"""The casework pipeline: every state change of a problem lives here and nowhere else."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_update_with_history

from deputies.models import Community, Constituency, Department, Deputy, DeputyGroup, Term
from liaison.audit import audited
from liaison.history import bulk_create_missing_with_history
from liaison.workdays import add_working_days, working_days_between

from ..conf import casework_setting
from ..models import (
    Constituent,
    ContactActivity,
    FeedbackMethod,
    FollowUp,
    Forwarding,
    Problem,
    ProblemFeedback,
    ResultClass,
    Suggestion,
)
from ..notices import problem_result_ready, tell_office_followup_due
from ._common import State, _allow, _check_day, _lock, _move, _recorded_as, _require_state, today
from .deadlines import open_deadlines_refresh

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
    _allow(acting_user, "register")
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
    _allow(acting_user, "edit", problem=problem)
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
    needs_contact: bool = False,
    acting_user,
) -> list[Forwarding]:
    """Forward (转交) to one or more departments, each with a reply deadline in working days.

    From 登记 this moves the problem to 已转交. While it is 已转交/办理中 it adds
    departments (e.g. the right one after another returned it) without moving it.
    Each department's users hear of it once. `needs_contact` (需要联系反映人) lets the
    department see who raised it.
    """
    from .department_alerts import notify_forwarded

    _allow(acting_user, "forward", problem=problem)
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
    counted = deadline is None
    if deadline is not None:
        if deadline < forwarded_on:
            raise ValidationError({"deadline": "答复期限不能早于转交日期。"})
    else:
        days = deadline_days if deadline_days is not None else casework_setting("REPLY_WORKING_DAYS")
        if days < 1:
            raise ValidationError({"deadline_days": "答复期限至少为 1 个工作日。"})
        deadline, estimate = add_working_days(forwarded_on, days)
    accept_deadline, _ = add_working_days(forwarded_on, casework_setting("ACCEPT_WORKING_DAYS"))
    forwardings = []
    for department in departments:
        forwarding = Forwarding(
            problem=problem, department=department, round=problem.round, forwarded_on=forwarded_on,
            deadline=deadline, deadline_is_estimate=estimate, deadline_in_working_days=counted, accept_deadline=min(accept_deadline, deadline),
            needs_contact=needs_contact,
            forwarded_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        )
        audited(forwarding, action="constituents.forwarding.created", user=acting_user)
        forwarding.save()
        forwardings.append(forwarding)
    if problem.state == State.REGISTERED:
        _move(problem, State.FORWARDED, action="constituents.problem.forwarded", acting_user=acting_user,
              on=forwarded_on)
    else:
        open_deadlines_refresh([problem])
    notify_forwarded(forwardings)
    return forwardings


def _forwarding_of(problem: Problem, forwarding: Forwarding) -> Forwarding:
    if forwarding.problem_id != problem.pk:
        raise ValidationError("该转交记录不属于这条诉求。")
    return Forwarding.objects.select_for_update().select_related("department").get(pk=forwarding.pk)


@transaction.atomic
def problem_start_handling(
    *, problem: Problem, forwarding: Forwarding, accepted_on: dt.date | None = None, proxy_contact: str = "",
    acting_user,
) -> Forwarding:
    """A department signed for the problem (签收/受理): its part is 办理中, and so is the problem."""
    _lock(problem)
    _require_state(problem, [State.FORWARDED, State.HANDLING], "登记部门受理")
    forwarding = _forwarding_of(problem, forwarding)
    _allow(acting_user, "accept", forwarding=forwarding)
    forwarding.accepted_by, forwarding.accept_proxy_contact = _recorded_as(
        acting_user, "accept", department=forwarding.department, proxy_contact=proxy_contact,
    )
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
    replied_on: dt.date | None = None, attachments: Iterable = (), proxy_contact: str = "", acting_user,
) -> Forwarding:
    """Record a department's reply, as the department's, with its A/B/C/D class and attachments
    (PDF or images, checked by their content)."""
    from liaison.uploads import check_upload

    from ..models import ForwardingAttachment

    _lock(problem)
    _require_state(problem, [State.HANDLING], "登记部门答复")
    forwarding = _forwarding_of(problem, forwarding)
    _allow(acting_user, "reply", forwarding=forwarding)
    forwarding.replied_by, forwarding.reply_proxy_contact = _recorded_as(
        acting_user, "reply", department=forwarding.department, proxy_contact=proxy_contact,
    )
    attachments = list(attachments)
    if len(attachments) > casework_setting("ATTACHMENTS_PER_REPLY"):
        raise ValidationError({"attachments": f"附件最多 {casework_setting('ATTACHMENTS_PER_REPLY')} 个。"})
    try:  # PDF or images, by content; stored under a name and type the content gives, EXIF removed
        checked = [(upload, check_upload(upload, kinds=("pdf", "image"),
                                         max_bytes=casework_setting("ATTACHMENT_MAX_BYTES")))
                   for upload in attachments]
    except ValidationError as error:
        raise ValidationError({"attachments": error.messages}) from error
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
    forwarding.reply_working_days, _estimate = working_days_between(forwarding.forwarded_on, replied_on)
    audited(forwarding, action="constituents.forwarding.replied", user=acting_user)
    forwarding.save()
    for upload, safe in checked:
        attachment = ForwardingAttachment(
            forwarding=forwarding, original_name=(getattr(upload, "name", "") or "附件")[-120:],
            content_type=safe.content_type, size=safe.file.size, uploaded_by=acting_user,
        )
        attachment.file.save(safe.file.name, safe.file, save=False)
        audited(attachment, action="constituents.attachment.added", user=acting_user)
        attachment.save()
    open_deadlines_refresh([problem])
    return forwarding


@transaction.atomic
def problem_return(
    *, problem: Problem, forwarding: Forwarding, reason: str, returned_on: dt.date | None = None,
    proxy_contact: str = "", acting_user,
) -> Forwarding:
    """A department returns a problem that is not its own (退办), within the return window.

    When no department of this round is left working on it, the problem goes back
    to 登记 to be forwarded again; the returned forwarding stays in its history.
    """
    _lock(problem)
    _require_state(problem, [State.FORWARDED, State.HANDLING], "退办")
    forwarding = _forwarding_of(problem, forwarding)
    _allow(acting_user, "return", forwarding=forwarding)
    forwarding.returned_by, forwarding.return_proxy_contact = _recorded_as(
        acting_user, "return", department=forwarding.department, proxy_contact=proxy_contact,
    )
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
    else:
        open_deadlines_refresh([problem])
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


def _record_result_source(problem: Problem, acting_user, step: str, replied: list[Forwarding], contact: str) -> None:
    """A result counts as the departments' when a department or a 代录 recorded it (never a deputy)."""
    from ..permissions import is_proxy

    _user, problem.result_proxy_contact = _recorded_as(
        acting_user, step, department=replied[0].department, proxy_contact=contact,
    )
    if getattr(acting_user, "is_authenticated", False) and not is_proxy(acting_user, step):
        problem.result_source = Problem.ResultSource.DEPARTMENT
    else:
        problem.result_source = Problem.ResultSource.PROXY


def _result_ready(problem: Problem, *, on: dt.date) -> None:
    """The office's 回访 is due; the mailbox tells an online letter's writer (texts, liaison.sms)."""
    tell_office_followup_due(problem, on=on)
    problem_result_ready.send(sender=Problem, problem=problem)


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
    bulk_create_missing_with_history(rows, ProblemFeedback, unique=("dedupe_key",),
                                     action="constituents.feedback.queued")
    return len(rows)


@transaction.atomic
def problem_resolve(
    *, problem: Problem, result_summary: str, resolved_on: dt.date | None = None, proxy_contact: str = "",
    acting_user,
) -> Problem:
    """The departments' replies solved it (已办结); feedback to each constituent is queued."""
    _lock(problem)
    _allow(acting_user, "resolve", problem=problem)
    _require_state(problem, [State.HANDLING], "办结")
    replied = _check_result_ready(problem)
    _record_result_source(problem, acting_user, "resolve", replied, proxy_contact)
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
    _result_ready(problem, on=resolved_on)
    return problem


@transaction.atomic
def problem_mark_unsolvable(
    *, problem: Problem, reason: str, result_summary: str = "", decided_on: dt.date | None = None,
    proxy_contact: str = "", acting_user,
) -> Problem:
    """Cannot be solved now (暂不能解决), with the reason; feedback to each constituent is queued."""
    _lock(problem)
    _allow(acting_user, "unsolvable", problem=problem)
    _require_state(problem, [State.HANDLING], "登记为暂不能解决")
    replied = _check_result_ready(problem)
    _record_result_source(problem, acting_user, "unsolvable", replied, proxy_contact)
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
    _result_ready(problem, on=decided_on)
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
    _allow(acting_user, "feedback", problem=problem)
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
    _allow(acting_user, "reopen", problem=problem)
    _lock(problem)
    _require_state(problem, [State.FED_BACK], "重新办理")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写选民不满意的理由。"})
    reopened_on = _check_day(reopened_on or today(), field="reopened_on", label="日期")
    if problem.fed_back_on and reopened_on < problem.fed_back_on:
        raise ValidationError({"reopened_on": "重新办理日期不能早于反馈日期。"})
    new_round(problem, reason=reason, on=reopened_on, action="constituents.problem.reopened", acting_user=acting_user)
    return problem


def new_round(problem: Problem, *, reason: str, on: dt.date, action: str, acting_user) -> None:
    """重办: the next round starts at 登记; the third time it is raised to the committee (提级督办)."""
    problem.round += 1
    problem.reopen_reason = reason
    problem.outcome, problem.result_on, problem.unsolvable_reason = "", None, ""
    problem.result_source, problem.result_proxy_contact = "", ""
    if problem.sent_back_count >= casework_setting("ESCALATE_AFTER_SEND_BACKS") and problem.escalated_on is None:
        problem.escalated_on = on
    _move(problem, State.REGISTERED, action=action, acting_user=acting_user, on=on)


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
    _allow(acting_user, "followup", problem=problem)
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


