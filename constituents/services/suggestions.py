"""Bills and suggestions (议案/建议), their replies and 并案."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from deputies.models import Department, Deputy
from liaison.audit import audited
from liaison.history import bulk_create_missing_with_history

from ..conf import casework_setting
from ..models import (
    Forwarding,
    Problem,
    ProblemFeedback,
    ResultClass,
    Satisfaction,
    Suggestion,
)
from ._common import State, _check_day, today
from .deadlines import open_deadlines_refresh

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
    transaction.on_commit(lambda: notify_many(notices), robust=True)


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
    """The reply becomes the result of each linked problem not yet fed back.

    A problem already fed back (已反馈) keeps its result: its constituents were
    told and it is not moved again. The departments still holding a moved
    problem close their part as 已由建议答复: not a reply of theirs, and never
    overdue against them.
    """
    solved = suggestion.result_class in (ResultClass.A, ResultClass.B)
    summary = (
        f"代表就此问题提出{suggestion.get_kind_display()}“{suggestion.title}”，"
        f"{suggestion.lead_department}答复（{suggestion.get_result_class_display()}）：{suggestion.reply_text}"
    )
    problems = list(suggestion.problems.select_for_update().exclude(state=State.FED_BACK).order_by("pk"))
    for problem in problems:
        problem.outcome = Problem.Outcome.RESOLVED if solved else Problem.Outcome.UNSOLVABLE
        problem.state = State.RESOLVED if solved else State.UNSOLVABLE
        problem.unsolvable_reason = "" if solved else suggestion.reply_text
        problem.result_on = suggestion.replied_on
        problem.state_since = today()
        problem.result_summary = summary
        problem.result_source = Problem.ResultSource.SUGGESTION  # the department's answer: counts as solved
        problem.updated_at = timezone.now()
    user = acting_user if getattr(acting_user, "is_authenticated", False) else None
    bulk_update_with_history(
        problems, Problem,
        ["outcome", "state", "unsolvable_reason", "result_on", "state_since", "result_summary", "result_source",
         "updated_at"],
        default_user=user, default_change_reason="constituents.problem.suggestion_replied",
    )
    still_open = list(
        Forwarding.objects.select_for_update().filter(problem__in=problems, status__in=Forwarding.OPEN_STATUSES)
    )
    for forwarding in still_open:
        forwarding.status = Forwarding.Status.BY_SUGGESTION
    bulk_update_with_history(
        still_open, Forwarding, ["status"],
        default_user=user, default_change_reason="constituents.forwarding.closed_by_suggestion",
    )
    open_deadlines_refresh(problems)
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
    bulk_create_missing_with_history(rows, ProblemFeedback, unique=("dedupe_key",),
                                     action="constituents.feedback.queued", user=acting_user)
    from .linking import carry_linked

    for problem in problems:  # the problems linked into an answered case (并入) follow it
        carry_linked(problem, acting_user=acting_user)
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


