"""Every write about duty reports: validated, atomic, audited."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from deputies.models import Deputy, DeputyGroup, DeputyStatus, Term
from liaison.audit import audited
from liaison.cells import long_date
from liaison.notifications import Notice, notify_many

from . import rotation
from .models import (
    REPORT_PART_FIELDS,
    DutyMeeting,
    DutyReportSettings,
    PublishedReport,
    RectificationItem,
    RectificationProgress,
    RotationEntry,
    RotationPlan,
    RotationSwap,
    VoterQuestion,
    WrittenReport,
)
from .prefill import constituency_part


def _today() -> dt.date:
    return timezone.localdate()




def _is_manager(user) -> bool:
    """Office staff and group liaisons organise 述职 (the row scope comes from `visible_to`)."""
    return user is None or user.is_office_staff or user.is_liaison


def _require_manager(user) -> None:
    if not _is_manager(user):
        raise PermissionDenied("只有代表组联络员和联络工委工作人员可以进行此操作。")


def _require_staff(user) -> None:
    if user is not None and not user.is_office_staff:
        raise PermissionDenied("只有联络工委工作人员可以进行此操作。")


def _require_author(user, deputy: Deputy) -> None:
    """The deputy writes their own report; the liaison or staff may write it for them."""
    if user is None or _is_manager(user):
        return
    if deputy.user_id != user.pk:
        raise PermissionDenied("只能撰写本人的述职报告。")


def term_for_year(year: int) -> Term | None:
    return Term.objects.filter(start_date__year__lte=year, end_date__year__gte=year).order_by("-number").first()


# --- The rotation plan -----------------------------------------------------------------------------


def rotation_candidates(*, term: Term, year: int, group_ids: list[int]) -> dict[int, list[rotation.Candidate]]:
    """The planner's inputs for several groups in two queries: each deputy of the
    term, and the year of their last face-to-face report held before `year`."""
    deputies = list(
        Deputy.objects.filter(term=term, group_id__in=group_ids).only("id", "name", "group_id", "status")
    )
    last_years = dict(
        DutyMeeting.objects.filter(
            entry__deputy__term=term, entry__deputy__group_id__in=group_ids, entry__plan__year__lt=year,
            status__in=[DutyMeeting.Status.HELD, DutyMeeting.Status.EVALUATED],
        )
        .values("entry__deputy")
        .annotate(last=Max("entry__plan__year"))
        .values_list("entry__deputy", "last")
    )
    by_group: dict[int, list[rotation.Candidate]] = defaultdict(list)
    for deputy in deputies:
        last = last_years.get(deputy.pk)
        by_group[deputy.group_id].append(rotation.Candidate(
            deputy_id=deputy.pk, has_reported=last is not None, last_report_year=last,
            is_serving=deputy.status == DeputyStatus.SERVING, name=deputy.name,
        ))
    return by_group


@transaction.atomic
def rotation_plan_draft(
    *, group: DeputyGroup, year: int, acting_user, seed: int | None = None,
    candidates: list[rotation.Candidate] | None = None,
) -> RotationPlan:
    """Draft a group's plan for a year (beat job at the start of the year, or staff on demand)."""
    _require_manager(acting_user)
    term = term_for_year(year)
    if term is None:
        raise ValidationError({"year": f"{year}年不在任何一届代表的任期之内。"})
    term_year = term.term_year(dt.date(year, 1, 1))
    if term_year < rotation.FIRST_REPORTING_TERM_YEAR:
        raise ValidationError({"year": f"{year}年是{term.name}任期第一年；当面述职从任期第二年起安排，不能制定述职安排。"})
    if RotationPlan.objects.filter(group=group, year=year).exists():
        raise ValidationError({"year": f"{group.name}{year}年的述职安排已经存在，不能重复制定。"})
    if candidates is None:
        candidates = rotation_candidates(term=term, year=year, group_ids=[group.pk]).get(group.pk, [])
    if not any(c.is_serving for c in candidates):
        raise ValidationError({"group": f"{group.name}没有在任代表，无法制定述职安排。"})
    seed = seed if seed is not None else rotation.new_seed()
    result = rotation.plan_rotation(candidates, seed=seed, term_year=term_year, term_length=len(term.years))
    office = DutyReportSettings.load()
    picked = set(result.picked)
    plan = RotationPlan(
        term=term, group=group, year=year, seed=seed, serving_count=result.serving_count,
        base_count=result.base_count, within_band=result.within_band, lookahead_applied=result.lookahead_applied,
        explanation=result.explanation, written_deadline=office.written_deadline(year),
        drafted_by=acting_user if acting_user is not None and acting_user.is_authenticated else None,
        ranking=[
            {
                "deputy_id": r.candidate.deputy_id, "name": r.candidate.name, "rank": r.rank,
                "has_reported": r.candidate.has_reported, "last_report_year": r.candidate.last_report_year,
                "draw": r.draw, "picked": r.candidate.deputy_id in picked,
            }
            for r in result.ranking
        ],
    )
    audited(plan, action="reports.plan.drafted", user=acting_user)
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError as error:
        raise ValidationError({"year": f"{group.name}{year}年的述职安排已经存在，不能重复制定。"}) from error
    months = rotation.spread_months(result.count, first=office.first_meeting_month, last=office.last_meeting_month)
    for ranked, month in zip(result.ranking[: result.count], months, strict=True):
        entry = RotationEntry(plan=plan, deputy_id=ranked.candidate.deputy_id, planned_month=month, rank=ranked.rank)
        audited(entry, action="reports.plan.entry_picked", user=acting_user)
        entry.save()
    return plan


def rotation_plan_verify(plan: RotationPlan) -> bool:
    """Recompute the draw from the inputs and seed stored on the plan: same picks?"""
    candidates = [
        rotation.Candidate(
            deputy_id=row["deputy_id"], has_reported=row["has_reported"],
            last_report_year=row["last_report_year"], name=row.get("name", ""),
        )
        for row in plan.ranking
    ]
    if not candidates:
        return False
    result = rotation.plan_rotation(
        candidates, seed=plan.seed, term_year=plan.term_year, term_length=len(plan.term.years)
    )
    stored = tuple(row["deputy_id"] for row in sorted(plan.ranking, key=lambda row: row["rank"]) if row["picked"])
    return result.picked == stored


@transaction.atomic
def rotation_entry_update(
    *, entry: RotationEntry, planned_month: int, place: str, topic: str, acting_user
) -> RotationEntry:
    _require_manager(acting_user)
    if entry.plan.is_confirmed:
        raise ValidationError("述职安排已经落实，时间、地点和内容不能再改；如需调整人员请使用“调换”。")
    if not 1 <= int(planned_month) <= 12:
        raise ValidationError({"planned_month": "请选择1—12月中的一个月份。"})
    entry.planned_month = int(planned_month)
    entry.place = (place or "").strip()
    entry.topic = (topic or "").strip()
    audited(entry, action="reports.plan.entry_updated", user=acting_user)
    entry.save(update_fields=["planned_month", "place", "topic"])
    return entry


def _picked_notice(plan: RotationPlan, entry: RotationEntry) -> Notice | None:
    user_id = entry.deputy.user_id
    if not user_id:
        return None
    where = f"，地点：{entry.place}" if entry.place else ""
    return Notice(
        recipient_id=user_id,
        title=f"您被安排于{plan.year}年{entry.planned_month}月向选民当面述职",
        body=f"{plan.group.name}{plan.year}年述职安排已落实。请于{entry.planned_month}月当面向选民述职{where}，"
             f"并提前撰写述职报告。",
        url=plan.get_absolute_url(),
        dedupe_key=f"reports.rotation.picked:{plan.pk}:{entry.deputy_id}",
    )


def _written_notice(plan: RotationPlan, deputy: Deputy) -> Notice | None:
    if not deputy.user_id:
        return None
    return Notice(
        recipient_id=deputy.user_id,
        title=f"请于{long_date(plan.written_deadline)}前提交{plan.year}年书面履职情况报告",
        body=f"{plan.group.name}{plan.year}年述职安排已落实，您今年不安排当面述职，"
             f"请撰写书面履职情况报告，由代表组审查后报区人大代表联络工委备案。",
        url=reverse("reports:written_start"),
        dedupe_key=f"reports.rotation.written:{plan.pk}:{deputy.pk}",
    )


@transaction.atomic
def rotation_swap(*, entry: RotationEntry, new_deputy: Deputy, reason: str, acting_user) -> RotationSwap:
    """Replace a picked deputy by another of the group, with a reason (kept and audited)."""
    _require_manager(acting_user)
    reason = (reason or "").strip()
    plan = entry.plan
    if not reason:
        raise ValidationError({"reason": "请填写调换理由。"})
    if DutyMeeting.objects.filter(entry=entry).exists():
        raise ValidationError(f"{entry.deputy.name}已开始准备当面述职（已有述职记录），不能再调换。")
    if new_deputy.group_id != plan.group_id or new_deputy.term_id != plan.term_id:
        raise ValidationError({"new_deputy": f"{new_deputy.name}不是{plan.group.name}本届代表。"})
    if not new_deputy.is_serving:
        raise ValidationError({"new_deputy": f"{new_deputy.name}已{new_deputy.get_status_display()}离任，不能安排述职。"})
    if plan.entries.filter(deputy=new_deputy).exists():
        raise ValidationError({"new_deputy": f"{new_deputy.name}已在{plan.year}年当面述职名单中，同一名代表一年只安排一次。"})
    if WrittenReport.objects.filter(
        deputy=new_deputy, year=plan.year
    ).exclude(status__in=[WrittenReport.Status.DRAFT, WrittenReport.Status.RETURNED]).exists():
        raise ValidationError({"new_deputy": f"{new_deputy.name}{plan.year}年的书面履职情况报告已经提交，不能再调为当面述职。"})
    removed = entry.deputy
    swap = RotationSwap(plan=plan, entry=entry, removed=removed, added=new_deputy, reason=reason,
                        swapped_by=acting_user if acting_user is not None else None)
    audited(swap, action="reports.rotation.swapped", user=acting_user)
    swap.save()
    entry.deputy = new_deputy
    audited(entry, action="reports.rotation.swapped", user=acting_user)
    try:
        with transaction.atomic():
            entry.save(update_fields=["deputy"])
    except IntegrityError as error:
        raise ValidationError({"new_deputy": f"{new_deputy.name}已在{plan.year}年当面述职名单中。"}) from error
    if plan.is_confirmed:
        notify_many(n for n in (_picked_notice(plan, entry), _written_notice(plan, removed)) if n is not None)
    return swap


@transaction.atomic
def rotation_plan_confirm(*, plan: RotationPlan, acting_user, written_deadline: dt.date | None = None) -> RotationPlan:
    """年初落实: fix the plan, tell the picked deputies their month and the others their deadline."""
    _require_manager(acting_user)
    plan = RotationPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.is_confirmed:
        raise ValidationError("该述职安排已经落实，不能重复确认。")
    entries = list(plan.entries.select_related("deputy"))
    if not entries:
        raise ValidationError("述职名单为空，不能落实。")
    left = [e.deputy.name for e in entries if not e.deputy.is_serving]
    if left:
        raise ValidationError(f"名单中的{'、'.join(left)}已离任，请先调换后再落实。")
    if written_deadline is not None:
        if written_deadline.year != plan.year:
            raise ValidationError({"written_deadline": f"书面报告截止日期应在{plan.year}年内。"})
        plan.written_deadline = written_deadline
    plan.status = RotationPlan.Status.CONFIRMED
    plan.confirmed_at = timezone.now()
    plan.confirmed_by = acting_user if acting_user is not None and acting_user.is_authenticated else None
    audited(plan, action="reports.plan.confirmed", user=acting_user)
    plan.save(update_fields=["status", "confirmed_at", "confirmed_by", "written_deadline"])
    picked_ids = {e.deputy_id for e in entries}
    others = Deputy.objects.filter(
        group_id=plan.group_id, term_id=plan.term_id, status=DeputyStatus.SERVING, user__isnull=False
    ).exclude(pk__in=picked_ids)
    notices = [_picked_notice(plan, entry) for entry in entries]
    notices += [_written_notice(plan, deputy) for deputy in others]
    notify_many(n for n in notices if n is not None)
    return plan


# --- The meeting ------------------------------------------------------------------------------------


def _clean_parts(parts: dict) -> dict[str, str]:
    return {name: (parts.get(name) or "").strip() for name in REPORT_PART_FIELDS}


@transaction.atomic
def meeting_open(*, entry: RotationEntry, acting_user) -> DutyMeeting:
    """Start the record of a face-to-face report; part three is prefilled from casework."""
    _require_author(acting_user, entry.deputy)
    existing = DutyMeeting.objects.filter(entry=entry).first()
    if existing is not None:
        return existing
    plan = entry.plan
    if not plan.is_confirmed:
        raise ValidationError(f"{plan.group.name}{plan.year}年述职安排尚未落实，不能登记当面述职；请先在年初落实述职安排。")
    if not entry.deputy.is_serving:
        raise ValidationError(f"{entry.deputy.name}已离任，不能登记当面述职。")
    meeting = DutyMeeting(
        entry=entry, place=entry.place,
        # A face-to-face report covers the time since the deputy was elected (source, part 二).
        part_constituency=constituency_part(entry.deputy, plan.term.start_date, dt.date(plan.year, 12, 31)),
    )
    audited(meeting, action="reports.meeting.opened", user=acting_user)
    meeting.save()
    return meeting


@transaction.atomic
def meeting_report_save(*, meeting: DutyMeeting, parts: dict, acting_user) -> DutyMeeting:
    _require_author(acting_user, meeting.entry.deputy)
    if hasattr(meeting, "publication") and meeting.publication.withdrawn_at is None:
        raise ValidationError("报告已公开刊登，不能再修改；如需修改请联络工委先撤回刊登。")
    for name, value in _clean_parts(parts).items():
        setattr(meeting, name, value)
    audited(meeting, action="reports.meeting.report_saved", user=acting_user)
    meeting.save(update_fields=REPORT_PART_FIELDS)
    return meeting


@transaction.atomic
def meeting_record(
    *, meeting: DutyMeeting, held_on: dt.date, place: str, attendance: int, video_url: str = "", acting_user
) -> DutyMeeting:
    """The liaison records that the meeting took place: when, where, how many voters came."""
    _require_manager(acting_user)
    plan = meeting.entry.plan
    errors: dict[str, str] = {}
    if held_on is None:
        errors["held_on"] = "请填写述职日期。"
    elif held_on.year != plan.year:
        errors["held_on"] = f"述职日期应在{plan.year}年内。"
    elif plan.confirmed_at and held_on < timezone.localdate(plan.confirmed_at):
        errors["held_on"] = (
            f"述职日期早于述职安排落实日期（{long_date(timezone.localdate(plan.confirmed_at))}），请核对。"
        )
    elif held_on > _today():
        errors["held_on"] = "述职日期不能晚于今天；述职会开过之后再登记。"
    if attendance is None or attendance <= 0:
        errors["attendance"] = "请填写到会选民人数。"
    elif meeting.ballots_total is not None and attendance < meeting.ballots_total:
        errors["attendance"] = f"到会选民人数不能少于已录入的评议票数（{meeting.ballots_total}张）。"
    if not (place or "").strip():
        errors["place"] = "请填写述职地点。"
    if errors:
        raise ValidationError(errors)
    meeting.held_on = held_on
    meeting.place = place.strip()
    meeting.attendance = attendance
    meeting.video_url = (video_url or "").strip()
    if meeting.status == DutyMeeting.Status.PREPARING:
        meeting.status = DutyMeeting.Status.HELD
    audited(meeting, action="reports.meeting.recorded", user=acting_user)
    meeting.save(update_fields=["held_on", "place", "attendance", "video_url", "status"])
    return meeting


@transaction.atomic
def meeting_question_save(
    *, meeting: DutyMeeting, question: str, answer: str, acting_user, voter_question: VoterQuestion | None = None
) -> VoterQuestion:
    _require_author(acting_user, meeting.entry.deputy)
    question = (question or "").strip()
    if not question:
        raise ValidationError({"question": "请填写选民提问。"})
    if not meeting.is_held:
        raise ValidationError("述职会登记后才能录入选民提问。")
    if voter_question is None:
        voter_question = VoterQuestion(meeting=meeting)
        action = "reports.meeting.question_added"
    else:
        action = "reports.meeting.question_updated"
    voter_question.question = question
    voter_question.answer = (answer or "").strip()
    audited(voter_question, action=action, user=acting_user)
    voter_question.save()
    return voter_question


@transaction.atomic
def meeting_evaluate(
    *, meeting: DutyMeeting, satisfied: int, basically_satisfied: int, dissatisfied: int, invalid: int,
    comments: str = "", acting_user,
) -> DutyMeeting:
    """评议: paper ballots counted on the spot; the liaison enters the tallies."""
    _require_manager(acting_user)
    if not meeting.is_held:
        raise ValidationError("请先登记述职会的日期和到会人数，再录入评议结果。")
    counts = [satisfied, basically_satisfied, dissatisfied, invalid]
    if any(c is None or c < 0 for c in counts):
        raise ValidationError("票数应为不小于0的整数。")
    total = sum(counts)
    if total == 0:
        raise ValidationError("请录入评议票数。")
    if total > meeting.attendance:
        raise ValidationError(
            f"评议票数合计{total}张，超过到会选民人数{meeting.attendance}人，请核对后重新录入。"
        )
    meeting.ballots_satisfied = satisfied
    meeting.ballots_basically_satisfied = basically_satisfied
    meeting.ballots_dissatisfied = dissatisfied
    meeting.ballots_invalid = invalid
    meeting.voter_comments = (comments or "").strip()
    meeting.status = DutyMeeting.Status.EVALUATED
    meeting.evaluated_at = timezone.now()
    audited(meeting, action="reports.meeting.evaluated", user=acting_user)
    meeting.save(update_fields=[
        "ballots_satisfied", "ballots_basically_satisfied", "ballots_dissatisfied", "ballots_invalid",
        "voter_comments", "status", "evaluated_at",
    ])
    return meeting


# --- Rectification ----------------------------------------------------------------------------------


@transaction.atomic
def rectification_add(
    *, meeting: DutyMeeting, owner: Deputy, issue: str, due_on: dt.date, acting_user
) -> RectificationItem:
    _require_manager(acting_user)
    issue = (issue or "").strip()
    errors: dict[str, str] = {}
    if not meeting.is_held:
        errors["issue"] = "述职会登记后才能从评议意见中提出整改事项。"
    if not issue:
        errors["issue"] = "请填写整改事项。"
    if owner is None or owner.group_id != meeting.entry.plan.group_id:
        errors["owner"] = "责任代表应为本代表组的代表。"
    if due_on is None:
        errors["due_on"] = "请填写整改期限。"
    elif meeting.held_on and due_on < meeting.held_on:
        errors["due_on"] = "整改期限不能早于述职日期。"
    if errors:
        raise ValidationError(errors)
    item = RectificationItem(meeting=meeting, owner=owner, issue=issue, due_on=due_on, created_by=acting_user)
    audited(item, action="reports.rectification.added", user=acting_user)
    item.save()
    if owner.user_id:
        notify_many([Notice(
            recipient_id=owner.user_id, title=f"新的整改事项：{issue[:30]}",
            body=f"选民评议后提出的整改事项，期限{long_date(due_on)}。", url=item.get_absolute_url(),
            dedupe_key=f"reports.rectification.added:{item.pk}",
        )])
    return item


def _may_note(user, item: RectificationItem) -> bool:
    return user is None or _is_manager(user) or item.owner.user_id == user.pk or item.meeting.entry.deputy.user_id == user.pk


@transaction.atomic
def rectification_progress_add(*, item: RectificationItem, note: str, acting_user) -> RectificationProgress:
    if not _may_note(acting_user, item):
        raise PermissionDenied("只有责任代表、联络员和联络工委工作人员可以填写整改进展。")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "请填写整改进展。"})
    if not item.is_open:
        raise ValidationError("该整改事项已完成，不能再添加进展。")
    progress = RectificationProgress(item=item, note=note, author=acting_user)
    audited(progress, action="reports.rectification.progress_noted", user=acting_user)
    progress.save()
    return progress


@transaction.atomic
def rectification_close(*, item: RectificationItem, closing_note: str, acting_user) -> RectificationItem:
    _require_manager(acting_user)
    closing_note = (closing_note or "").strip()
    if not item.is_open:
        raise ValidationError("该整改事项已经完成，不能重复办结。")
    if not closing_note:
        raise ValidationError({"closing_note": "请填写整改结果。"})
    item.status = RectificationItem.Status.CLOSED
    item.closed_on = _today()
    item.closing_note = closing_note
    audited(item, action="reports.rectification.closed", user=acting_user)
    item.save(update_fields=["status", "closed_on", "closing_note"])
    return item


# --- Written reports ----------------------------------------------------------------------------------


@transaction.atomic
def written_report_start(*, deputy: Deputy, year: int, acting_user) -> WrittenReport:
    _require_author(acting_user, deputy)
    existing = WrittenReport.objects.filter(deputy=deputy, year=year).first()
    if existing is not None:
        return existing
    plan = RotationPlan.objects.filter(group_id=deputy.group_id, year=year).first()
    if plan is None or not plan.is_confirmed:
        raise ValidationError(f"{deputy.group.name}{year}年述职安排尚未落实，落实后再撰写书面履职情况报告。")
    if not deputy.is_serving:
        raise ValidationError(f"{deputy.name}已离任，无需撰写书面履职情况报告。")
    if plan.entries.filter(deputy=deputy).exists():
        raise ValidationError(f"{deputy.name}{year}年安排当面述职，无需撰写书面履职情况报告。")
    report = WrittenReport(
        plan=plan, deputy=deputy, year=year,
        part_constituency=constituency_part(deputy, dt.date(year, 1, 1), dt.date(year, 12, 31)),
    )
    audited(report, action="reports.written.started", user=acting_user)
    report.save()
    return report


@transaction.atomic
def written_report_save(*, report: WrittenReport, parts: dict, acting_user) -> WrittenReport:
    _require_author(acting_user, report.deputy)
    report = WrittenReport.objects.select_for_update().get(pk=report.pk)
    if not report.is_editable:
        raise ValidationError(f"报告{report.get_status_display()}，当前不能修改。")
    for name, value in _clean_parts(parts).items():
        setattr(report, name, value)
    audited(report, action="reports.written.saved", user=acting_user)
    report.save(update_fields=REPORT_PART_FIELDS)
    return report


@transaction.atomic
def written_report_submit(*, report: WrittenReport, acting_user) -> WrittenReport:
    _require_author(acting_user, report.deputy)
    report = WrittenReport.objects.select_for_update().get(pk=report.pk)
    if not report.is_editable:
        raise ValidationError(f"该报告已提交（{report.get_status_display()}），不能重复提交。")
    missing = report.missing_parts
    if missing:
        raise ValidationError(f"请把五个部分都写完后再提交，尚未填写：{'；'.join(missing)}。")
    report.status = WrittenReport.Status.SUBMITTED
    report.submitted_at = timezone.now()
    audited(report, action="reports.written.submitted", user=acting_user)
    report.save(update_fields=["status", "submitted_at"])
    return report


@transaction.atomic
def written_report_review(*, report: WrittenReport, accept: bool, comment: str = "", acting_user) -> WrittenReport:
    """The group reviews: accept, or return to the deputy with a comment."""
    _require_manager(acting_user)
    report = WrittenReport.objects.select_for_update().get(pk=report.pk)
    if report.status != WrittenReport.Status.SUBMITTED:
        raise ValidationError(f"只有已提交待审查的报告才能审查，该报告目前{report.get_status_display()}。")
    comment = (comment or "").strip()
    if not accept and not comment:
        raise ValidationError({"comment": "退回修改时请写明审查意见。"})
    report.status = WrittenReport.Status.ACCEPTED if accept else WrittenReport.Status.RETURNED
    report.review_comment = comment
    report.reviewed_by = acting_user
    report.reviewed_at = timezone.now()
    audited(report, action="reports.written.accepted" if accept else "reports.written.returned", user=acting_user)
    report.save(update_fields=["status", "review_comment", "reviewed_by", "reviewed_at"])
    if not accept and report.deputy.user_id:
        notify_many([Notice(
            recipient_id=report.deputy.user_id, title=f"{report.year}年书面履职情况报告被退回修改",
            body=comment, url=report.get_absolute_url(),
            dedupe_key=f"reports.written.returned:{report.pk}:{report.reviewed_at:%Y%m%d%H%M%S}",
        )])
    return report


@transaction.atomic
def written_report_file(*, report: WrittenReport, acting_user) -> WrittenReport:
    """备案 with the liaison working committee (office staff)."""
    _require_staff(acting_user)
    report = WrittenReport.objects.select_for_update().get(pk=report.pk)
    if report.status == WrittenReport.Status.FILED:
        raise ValidationError("该报告已经备案。")
    if report.status != WrittenReport.Status.ACCEPTED:
        raise ValidationError("报告须经代表组审查通过后才能备案。")
    report.status = WrittenReport.Status.FILED
    report.filed_by = acting_user
    report.filed_at = timezone.now()
    audited(report, action="reports.written.filed", user=acting_user)
    report.save(update_fields=["status", "filed_by", "filed_at"])
    return report


# --- Publication -----------------------------------------------------------------------------------------


def _snapshot(publication: PublishedReport, source, deputy: Deputy, plan: RotationPlan) -> None:
    for name in REPORT_PART_FIELDS:
        setattr(publication, name, getattr(source, name))
    publication.term_id = plan.term_id
    publication.year = plan.year
    publication.group_id = plan.group_id
    publication.deputy = deputy
    publication.deputy_name = deputy.name
    publication.deputy_work_unit = deputy.work_unit
    publication.constituency_name = deputy.constituency.name


@transaction.atomic
def report_publish(
    *, acting_user, meeting: DutyMeeting | None = None, written_report: WrittenReport | None = None
) -> PublishedReport:
    """公开刊登: staff publish a face-to-face or written report on the public page."""
    _require_staff(acting_user)
    if (meeting is None) == (written_report is None):
        raise ValidationError("请选择要刊登的一份报告。")
    source = meeting or written_report
    if meeting is not None:
        if not meeting.is_held:
            raise ValidationError("述职会尚未举行，不能公开刊登。")
        existing = PublishedReport.objects.filter(meeting=meeting).first()
        deputy, plan = meeting.entry.deputy, meeting.entry.plan
    else:
        if written_report.status not in (WrittenReport.Status.ACCEPTED, WrittenReport.Status.FILED):
            raise ValidationError("书面报告须经代表组审查通过后才能公开刊登。")
        existing = PublishedReport.objects.filter(written_report=written_report).first()
        deputy, plan = written_report.deputy, written_report.plan
    if source.missing_parts:
        raise ValidationError(f"报告内容不完整（缺少：{'；'.join(source.missing_parts)}），不能公开刊登。")
    if existing is not None and existing.withdrawn_at is None:
        raise ValidationError("该报告已经公开刊登。")
    publication = existing or PublishedReport(
        kind=PublishedReport.Kind.FACE_TO_FACE if meeting is not None else PublishedReport.Kind.WRITTEN,
        meeting=meeting, written_report=written_report,
    )
    _snapshot(publication, source, deputy, plan)
    if meeting is not None:
        publication.held_on = meeting.held_on
        publication.attendance = meeting.attendance
        publication.ballots_satisfied = meeting.ballots_satisfied
        publication.ballots_basically_satisfied = meeting.ballots_basically_satisfied
        publication.ballots_dissatisfied = meeting.ballots_dissatisfied
        publication.ballots_invalid = meeting.ballots_invalid
    publication.withdrawn_at = None
    publication.published_by = acting_user
    if existing is not None:
        publication.published_at = timezone.now()
    audited(publication, action="reports.report.published", user=acting_user)
    publication.save()
    return publication


@transaction.atomic
def published_report_withdraw(*, publication: PublishedReport, acting_user) -> PublishedReport:
    _require_staff(acting_user)
    if publication.withdrawn_at is not None:
        raise ValidationError("该报告已经撤回。")
    publication.withdrawn_at = timezone.now()
    audited(publication, action="reports.report.withdrawn", user=acting_user)
    publication.save(update_fields=["withdrawn_at"])
    return publication
