"""Pages of 述职. Thin: fetch through `visible_to`, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from deputies.models import Deputy, DeputyGroup, Term
from liaison.audit import history_of
from liaison.exports import export_list, export_url, wants_xlsx
from liaison.forms import attach_errors
from liaison.outbox import enqueue
from liaison.params import year_param
from liaison.permissions import require_write

from . import services
from .forms import (
    CloseForm,
    ConfirmForm,
    EntryForm,
    EvaluationForm,
    MeetingFilterForm,
    MeetingRecordForm,
    PlanDraftForm,
    PlanFilterForm,
    ProgressForm,
    PublicSearchForm,
    QuestionForm,
    RectificationForm,
    ReportPartsForm,
    ReviewForm,
    SwapForm,
    WrittenFilterForm,
    WrittenOverviewForm,
    WrittenStartForm,
    year_choices,
)
from .models import (
    REPORT_PART_FIELDS,
    DutyMeeting,
    DutyReportSettings,
    PublishedReport,
    RectificationItem,
    RectificationProgress,
    RotationEntry,
    RotationPlan,
    VoterQuestion,
    WrittenReport,
)
from .selectors import written_overview

HELD = [DutyMeeting.Status.HELD, DutyMeeting.Status.EVALUATED]
# The 提交情况 page shows this many groups at a time (a district's 25 fit on one page; a province's
# 8,000 groups and 100k deputies took 2.8 s and 2.2 MB on one page).
OVERVIEW_GROUPS_PER_PAGE = 50


def can_manage(user) -> bool:
    """Liaisons and office staff organise 述职; the committee reads only."""
    return user.is_authenticated and user.can_write and (user.is_office_staff or user.is_liaison)


def can_author(user, deputy: Deputy) -> bool:
    return can_manage(user) or (user.is_authenticated and user.can_write and deputy.user_id == user.pk)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied("您的角色无权进行此操作。")


def _flash_error(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- Plans ------------------------------------------------------------------------------------------


@login_required
def plan_list(request):
    filters = PlanFilterForm(request.GET or None, user=request.user)
    plans = (
        RotationPlan.objects.visible_to(request.user)
        .select_related("group", "term")
        .annotate(
            entry_count=Count("entries", distinct=True),
            held_count=Count("entries", filter=Q(entries__meeting__status__in=HELD), distinct=True),
        )
        .order_by("-year", "group__sort_order", "group__name")
    )
    if filters.is_valid():
        if filters.cleaned_data.get("year"):
            plans = plans.filter(year=filters.cleaned_data["year"])
        if filters.cleaned_data.get("group"):
            plans = plans.filter(group=filters.cleaned_data["group"])
    page = Paginator(plans, 50).get_page(request.GET.get("page"))
    draft_form = PlanDraftForm(user=request.user) if request.user.is_office_staff and request.user.can_write else None
    return render(request, "reports/plan_list.html", {"filter": filters, "page": page, "draft_form": draft_form})


@require_write
@require_POST
def plan_draft(request):
    _require(request.user.is_office_staff)
    form = PlanDraftForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, "请选择年度和代表组。")
        return redirect("reports:plan_list")
    year, group = form.cleaned_data["year"], form.cleaned_data["group"]
    if group is None:
        enqueue("reports.tasks.draft_duty_report_rotations", year=year, acting_user_id=request.user.pk)
        messages.success(request, f"正在为全部代表组生成{year}年述职安排草稿，已有安排的代表组不受影响。")
        return redirect(f"{reverse('reports:plan_list')}?year={year}")
    try:
        plan = services.rotation_plan_draft(group=group, year=year, acting_user=request.user)
    except ValidationError as error:
        _flash_error(request, error)
        return redirect("reports:plan_list")
    messages.success(request, f"已生成{plan}草稿，请核对后落实。")
    return redirect(plan)


@login_required
def plan_detail(request, pk: int):
    plan = get_object_or_404(
        RotationPlan.objects.visible_to(request.user).select_related("group", "term", "drafted_by", "confirmed_by"),
        pk=pk,
    )
    entries = plan.entries.select_related("deputy", "meeting")
    swaps = plan.swaps.select_related("removed", "added", "swapped_by")
    manager = can_manage(request.user)
    own_entry = None
    if request.user.is_deputy:
        own_entry = next((e for e in entries if e.deputy.user_id == request.user.pk), None)
    return render(request, "reports/plan_detail.html", {
        "plan": plan,
        "entries": entries,
        "swaps": swaps,
        "ranking": sorted(plan.ranking, key=lambda row: row["rank"]),
        "verified": services.rotation_plan_verify(plan),
        "may_manage": manager,
        "own_entry": own_entry,
        "confirm_form": ConfirmForm(initial={"written_deadline": plan.written_deadline})
        if manager and not plan.is_confirmed else None,
        "history": history_of(plan) if request.user.is_office_staff else None,
    })


@require_write
def entry_edit(request, pk: int):
    entry = get_object_or_404(RotationEntry.objects.visible_to(request.user).select_related("plan__group", "deputy"), pk=pk)
    _require(can_manage(request.user))
    form = EntryForm(request.POST or None, initial={
        "planned_month": entry.planned_month, "place": entry.place, "topic": entry.topic,
    })
    if request.method == "POST" and form.is_valid():
        try:
            services.rotation_entry_update(entry=entry, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(error, form)
        else:
            messages.success(request, f"已保存{entry.deputy.name}的述职安排。")
            return redirect(entry.plan)
    return render(request, "reports/entry_form.html", {"entry": entry, "form": form})


@require_write
def entry_swap(request, pk: int):
    entry = get_object_or_404(RotationEntry.objects.visible_to(request.user).select_related("plan__group", "deputy"), pk=pk)
    _require(can_manage(request.user))
    form = SwapForm(request.POST or None, plan=entry.plan, user=request.user)
    if request.method == "POST" and form.is_valid():
        removed = entry.deputy.name
        try:
            services.rotation_swap(entry=entry, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(error, form)
        else:
            messages.success(request, f"已将{removed}调换为{form.cleaned_data['new_deputy'].name}。")
            return redirect(entry.plan)
    return render(request, "reports/entry_swap.html", {"entry": entry, "form": form})


@require_write
@require_POST
def plan_confirm(request, pk: int):
    plan = get_object_or_404(RotationPlan.objects.visible_to(request.user).select_related("group"), pk=pk)
    _require(can_manage(request.user))
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写有效的书面报告截止日期。")
        return redirect(plan)
    try:
        services.rotation_plan_confirm(
            plan=plan, acting_user=request.user, written_deadline=form.cleaned_data["written_deadline"]
        )
    except ValidationError as error:
        _flash_error(request, error)
    else:
        messages.success(request, "述职安排已落实，已通知述职代表和需提交书面报告的代表。")
    return redirect(plan)


# --- Meetings ----------------------------------------------------------------------------------------


@login_required
def meeting_list(request):
    filters = MeetingFilterForm(request.GET or None, user=request.user)
    meetings = DutyMeeting.objects.visible_to(request.user).select_related(
        "entry__deputy", "entry__plan__group"
    ).order_by("-entry__plan__year", "entry__plan__group__sort_order", "held_on", "id")
    if filters.is_valid():
        data = filters.cleaned_data
        if data.get("year"):
            meetings = meetings.filter(entry__plan__year=data["year"])
        if data.get("group"):
            meetings = meetings.filter(entry__plan__group=data["group"])
        if data.get("status"):
            meetings = meetings.filter(status=data["status"])
    page = Paginator(meetings, 50).get_page(request.GET.get("page"))
    return render(request, "reports/meeting_list.html", {"filter": filters, "page": page})


@require_write
@require_POST
def meeting_start(request, entry_pk: int):
    entry = get_object_or_404(
        RotationEntry.objects.visible_to(request.user).select_related("plan__group", "deputy"), pk=entry_pk
    )
    _require(can_author(request.user, entry.deputy))
    try:
        meeting = services.meeting_open(entry=entry, acting_user=request.user)
    except ValidationError as error:
        _flash_error(request, error)
        return redirect(entry.plan)
    return redirect(meeting)


def _meeting_or_404(request, pk: int) -> DutyMeeting:
    return get_object_or_404(
        DutyMeeting.objects.visible_to(request.user).select_related(
            "entry__deputy__constituency", "entry__plan__group", "entry__plan__term"
        ),
        pk=pk,
    )


@login_required
def meeting_detail(request, pk: int):
    meeting = _meeting_or_404(request, pk)
    office = DutyReportSettings.load()
    manager = can_manage(request.user)
    author = can_author(request.user, meeting.entry.deputy)
    publication = PublishedReport.objects.filter(meeting=meeting).first()
    return render(request, "reports/meeting_detail.html", {
        "meeting": meeting,
        "plan": meeting.entry.plan,
        "questions": meeting.questions.all(),
        "rectifications": meeting.rectifications.select_related("owner"),
        "min_attendance": office.min_attendance,
        "below_minimum": meeting.is_below_minimum(office.min_attendance),
        "may_manage": manager,
        "may_author": author,
        "may_publish": request.user.is_office_staff and request.user.can_write,
        "publication": publication,
        "question_form": QuestionForm() if author and meeting.is_held else None,
        "history": history_of(meeting) if request.user.is_office_staff else None,
    })


@require_write
def meeting_report_edit(request, pk: int):
    meeting = _meeting_or_404(request, pk)
    _require(can_author(request.user, meeting.entry.deputy))
    initial = {name: getattr(meeting, name) for name in REPORT_PART_FIELDS}
    form = ReportPartsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_report_save(meeting=meeting, parts=form.cleaned_data, acting_user=request.user)
        except ValidationError as error:
            attach_errors(error, form)
        else:
            messages.success(request, "述职报告已保存。")
            return redirect(meeting)
    return render(request, "reports/report_form.html", {
        "form": form, "title": f"{meeting.entry.deputy.name}{meeting.entry.plan.year}年当面述职报告",
        "back": meeting.get_absolute_url(),
    })


@require_write
def meeting_record_edit(request, pk: int):
    meeting = _meeting_or_404(request, pk)
    _require(can_manage(request.user))
    form = MeetingRecordForm(request.POST or None, initial={
        "held_on": meeting.held_on, "place": meeting.place, "attendance": meeting.attendance,
        "video_url": meeting.video_url,
    })
    office = DutyReportSettings.load()
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_record(meeting=meeting, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(error, form)
        else:
            messages.success(request, "述职会情况已登记。")
            if meeting.is_below_minimum(office.min_attendance):
                messages.warning(
                    request, f"到会选民{meeting.attendance}人，少于联络工委规定的{office.min_attendance}人，请注意保证参会选民数量。"
                )
            return redirect(meeting)
    return render(request, "reports/meeting_record_form.html", {
        "meeting": meeting, "form": form, "min_attendance": office.min_attendance,
    })


@require_write
@require_POST
def meeting_question_add(request, pk: int):
    meeting = _meeting_or_404(request, pk)
    _require(can_author(request.user, meeting.entry.deputy))
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_question_save(meeting=meeting, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _flash_error(request, error)
        else:
            messages.success(request, "已登记选民提问。")
    else:
        messages.error(request, "请填写选民提问。")
    return redirect(f"{meeting.get_absolute_url()}#questions")


@require_write
def meeting_question_edit(request, pk: int):
    voter_question = get_object_or_404(
        VoterQuestion.objects.visible_to(request.user).select_related("meeting__entry__deputy"), pk=pk
    )
    meeting = voter_question.meeting
    _require(can_author(request.user, meeting.entry.deputy))
    form = QuestionForm(request.POST or None, initial={"question": voter_question.question,
                                                       "answer": voter_question.answer})
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_question_save(
                meeting=meeting, voter_question=voter_question, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            attach_errors(error, form)
        else:
            messages.success(request, "已保存。")
            return redirect(f"{meeting.get_absolute_url()}#questions")
    return render(request, "reports/simple_form.html", {
        "form": form, "title": "修改选民提问和代表回答", "back": meeting.get_absolute_url(),
    })


@require_write
def meeting_evaluation(request, pk: int):
    meeting = _meeting_or_404(request, pk)
    _require(can_manage(request.user))
    if not meeting.is_held or meeting.attendance is None:
        # Ballots are counted against the attendance: the meeting comes first.
        messages.info(request, "请先登记述职会的日期、地点和到会选民人数，再录入评议结果。")
        return redirect("reports:meeting_record", meeting.pk)
    initial = {
        "satisfied": meeting.ballots_satisfied, "basically_satisfied": meeting.ballots_basically_satisfied,
        "dissatisfied": meeting.ballots_dissatisfied, "invalid": meeting.ballots_invalid or 0,
        "comments": meeting.voter_comments,
    }
    form = EvaluationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_evaluate(meeting=meeting, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(error, form)
        else:
            messages.success(request, "评议结果已录入。")
            return redirect(meeting)
    return render(request, "reports/evaluation_form.html", {"meeting": meeting, "form": form})


@require_write
def rectification_add(request, pk: int):
    meeting = _meeting_or_404(request, pk)
    _require(can_manage(request.user))
    form = RectificationForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.rectification_add(meeting=meeting, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(error, form)
        else:
            messages.success(request, "已登记整改事项。")
            return redirect(f"{meeting.get_absolute_url()}#rectifications")
    return render(request, "reports/simple_form.html", {
        "form": form, "title": f"登记整改事项：{meeting}", "back": meeting.get_absolute_url(),
        "intro": meeting.voter_comments,
    })


# --- Rectification -------------------------------------------------------------------------------------


def filtered_rectifications(request):
    """The rectification list's rows for its filters (also the export's, liaison.exports.SHEETS)."""
    filters = PlanFilterForm(request.GET or None, user=request.user)
    state = request.GET.get("state", "open")
    items = RectificationItem.objects.visible_to(request.user).select_related(
        "owner", "meeting__entry__plan__group", "meeting__entry__deputy"
    )
    if state in RectificationItem.Status.values:
        items = items.filter(status=state)
    if filters.is_valid():
        if filters.cleaned_data.get("year"):
            items = items.filter(meeting__entry__plan__year=filters.cleaned_data["year"])
        if filters.cleaned_data.get("group"):
            items = items.filter(meeting__entry__plan__group=filters.cleaned_data["group"])
    return filters, state, items


@login_required
def rectification_list(request):
    if wants_xlsx(request):
        return export_list(request, "rectifications")
    filters, state, items = filtered_rectifications(request)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(request, "reports/rectification_list.html", {
        "filter": filters, "page": page, "state": state, "today": timezone.localdate(),
        "export_url": export_url(request),
    })


def _item_or_404(request, pk: int) -> RectificationItem:
    return get_object_or_404(
        RectificationItem.objects.visible_to(request.user).select_related(
            "owner", "meeting__entry__plan__group", "meeting__entry__deputy", "created_by"
        ),
        pk=pk,
    )


@login_required
def rectification_detail(request, pk: int):
    item = _item_or_404(request, pk)
    may_note = request.user.can_write and (
        can_manage(request.user) or request.user.pk in (item.owner.user_id, item.meeting.entry.deputy.user_id)
    )
    return render(request, "reports/rectification_detail.html", {
        "item": item,
        "notes": RectificationProgress.objects.filter(item=item).select_related("author"),
        "progress_form": ProgressForm() if may_note and item.is_open else None,
        "close_form": CloseForm() if can_manage(request.user) and item.is_open else None,
        "today": timezone.localdate(),
        "history": history_of(item) if request.user.is_office_staff else None,
    })


@require_write
@require_POST
def rectification_progress(request, pk: int):
    item = _item_or_404(request, pk)
    form = ProgressForm(request.POST)
    if form.is_valid():
        try:
            services.rectification_progress_add(item=item, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _flash_error(request, error)
        else:
            messages.success(request, "已记录整改进展。")
    else:
        messages.error(request, "请填写整改进展。")
    return redirect(item)


@require_write
@require_POST
def rectification_close(request, pk: int):
    item = _item_or_404(request, pk)
    _require(can_manage(request.user))
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.rectification_close(item=item, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _flash_error(request, error)
        else:
            messages.success(request, "整改事项已办结。")
    else:
        messages.error(request, "请填写整改结果。")
    return redirect(item)


@login_required
def group_briefing(request, pk: int):
    """通报: what the group reads out at its next activity — evaluations and open rectification."""
    group = get_object_or_404(DeputyGroup.objects.visible_to(request.user), pk=pk)
    year = year_param(request, default=timezone.localdate().year)
    meetings = (
        DutyMeeting.objects.visible_to(request.user)
        .filter(entry__plan__group=group, entry__plan__year=year, status__in=HELD)
        .select_related("entry__deputy")
        .order_by("held_on")
    )
    open_items = (
        RectificationItem.objects.visible_to(request.user)
        .filter(meeting__entry__plan__group=group, status=RectificationItem.Status.OPEN)
        .select_related("owner", "meeting__entry__plan")
    )
    return render(request, "reports/group_briefing.html", {
        "group": group, "year": year, "meetings": meetings, "open_items": open_items,
        "years": [y for y, _ in year_choices()], "today": timezone.localdate(),
    })


# --- Written reports -------------------------------------------------------------------------------------


def filtered_written_reports(request):
    """The written-report list's rows for its filters (also the export's, liaison.exports.SHEETS)."""
    filters = WrittenFilterForm(request.GET or None, user=request.user)
    reports = WrittenReport.objects.visible_to(request.user).select_related("deputy", "plan__group")
    if filters.is_valid():
        data = filters.cleaned_data
        if data.get("year"):
            reports = reports.filter(year=data["year"])
        if data.get("group"):
            reports = reports.filter(plan__group=data["group"])
        if data.get("status"):
            reports = reports.filter(status=data["status"])
    return filters, reports


@login_required
def written_list(request):
    if wants_xlsx(request):
        return export_list(request, "written")
    filters, reports = filtered_written_reports(request)
    page = Paginator(reports, 50).get_page(request.GET.get("page"))
    return render(request, "reports/written_list.html", {
        "filter": filters, "page": page, "export_url": export_url(request),
    })


def overview_groups(request):
    """The 提交情况 page's year, its group search, and the groups it reports on (also the export's)."""
    year = year_param(request, default=timezone.localdate().year)
    filters = WrittenOverviewForm(request.GET or None, user=request.user)
    groups = DeputyGroup.objects.visible_to(request.user).select_related("sub_district").order_by(
        "sort_order", "name", "pk"
    )
    if filters.is_valid() and filters.cleaned_data.get("group"):
        groups = groups.filter(pk=filters.cleaned_data["group"].pk)
    return year, filters, groups


@login_required
def written_missing(request):
    _require(request.user.sees_district or request.user.is_liaison)
    if wants_xlsx(request):
        from .exports import export_written_overview

        return export_written_overview(request)  # every group (or the one searched for), not a page
    year, filters, groups = overview_groups(request)
    page = Paginator(groups, OVERVIEW_GROUPS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "reports/written_missing.html", {
        "rows": written_overview(request.user, year, groups=page.object_list), "page": page, "filter": filters,
        "year": year, "years": [y for y, _ in year_choices()],
        "may_file": request.user.is_office_staff and request.user.can_write, "export_url": export_url(request),
    })


@require_write
def written_start(request):
    user = request.user
    form = WrittenStartForm(request.POST or None, user=user)
    if user.is_deputy and user.current_deputy is None:
        raise PermissionDenied("您的账号还没有关联到本届代表档案。")
    if request.method == "POST" and form.is_valid():
        deputy = user.current_deputy if user.is_deputy else form.cleaned_data["deputy"]
        _require(can_author(user, deputy))
        try:
            report = services.written_report_start(
                deputy=deputy, year=form.cleaned_data["year"], acting_user=user
            )
        except ValidationError as error:
            attach_errors(error, form)
        else:
            return redirect("reports:written_edit", pk=report.pk)
    if not (user.is_deputy or can_manage(user)):
        raise PermissionDenied("您的角色无权进行此操作。")
    return render(request, "reports/simple_form.html", {
        "form": form, "title": "撰写书面履职情况报告", "back": reverse("reports:written_list"),
        "submit_label": "开始撰写",
    })


def _written_or_404(request, pk: int) -> WrittenReport:
    return get_object_or_404(
        WrittenReport.objects.visible_to(request.user).select_related(
            "deputy__constituency", "plan__group", "plan__term", "reviewed_by", "filed_by"
        ),
        pk=pk,
    )


@login_required
def written_detail(request, pk: int):
    report = _written_or_404(request, pk)
    user = request.user
    return render(request, "reports/written_detail.html", {
        "report": report,
        "may_author": can_author(user, report.deputy) and report.is_editable,
        "review_form": ReviewForm() if can_manage(user) and report.status == WrittenReport.Status.SUBMITTED else None,
        "may_file": user.is_office_staff and user.can_write and report.status == WrittenReport.Status.ACCEPTED,
        "may_publish": user.is_office_staff and user.can_write,
        "publication": PublishedReport.objects.filter(written_report=report).first(),
        "history": history_of(report) if user.is_office_staff else None,
    })


@require_write
def written_edit(request, pk: int):
    report = _written_or_404(request, pk)
    _require(can_author(request.user, report.deputy))
    initial = {name: getattr(report, name) for name in REPORT_PART_FIELDS}
    form = ReportPartsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.written_report_save(report=report, parts=form.cleaned_data, acting_user=request.user)
            if "submit" in request.POST:
                services.written_report_submit(report=report, acting_user=request.user)
        except ValidationError as error:
            attach_errors(error, form)
        else:
            messages.success(request, "报告已提交代表组审查。" if "submit" in request.POST else "报告已保存。")
            return redirect("reports:written_detail", pk=report.pk)
    return render(request, "reports/report_form.html", {
        "form": form, "title": f"{report.deputy.name}{report.year}年书面履职情况报告",
        "back": report.get_absolute_url(), "report": report, "may_submit": report.is_editable,
        "deadline": report.plan.written_deadline,
    })


@require_write
@require_POST
def written_submit(request, pk: int):
    report = _written_or_404(request, pk)
    try:
        services.written_report_submit(report=report, acting_user=request.user)
    except ValidationError as error:
        _flash_error(request, error)
    else:
        messages.success(request, "报告已提交代表组审查。")
    return redirect(report)


@require_write
@require_POST
def written_review(request, pk: int):
    report = _written_or_404(request, pk)
    _require(can_manage(request.user))
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择审查结论。")
        return redirect(report)
    try:
        services.written_report_review(
            report=report, accept=form.cleaned_data["decision"] == "accept",
            comment=form.cleaned_data["comment"], acting_user=request.user,
        )
    except ValidationError as error:
        _flash_error(request, error)
    else:
        messages.success(request, "审查结果已保存。")
    return redirect(report)


@require_write
@require_POST
def written_file(request, pk: int):
    report = _written_or_404(request, pk)
    _require(request.user.is_office_staff)
    try:
        services.written_report_file(report=report, acting_user=request.user)
    except ValidationError as error:
        _flash_error(request, error)
    else:
        messages.success(request, "报告已备案。")
    return redirect(report)


@require_write
@require_POST
def written_file_group(request, pk: int):
    """File every accepted report of a group for a year at once."""
    plan = get_object_or_404(RotationPlan.objects.visible_to(request.user).select_related("group"), pk=pk)
    _require(request.user.is_office_staff)
    accepted = list(plan.written_reports.filter(status=WrittenReport.Status.ACCEPTED))
    for report in accepted:
        services.written_report_file(report=report, acting_user=request.user)
    messages.success(request, f"{plan.group.name}已备案{len(accepted)}份书面履职情况报告。")
    return redirect(f"{reverse('reports:written_missing')}?year={plan.year}")


# --- Publication ------------------------------------------------------------------------------------------


@require_write
@require_POST
def publish_meeting(request, pk: int):
    meeting = _meeting_or_404(request, pk)
    _require(request.user.is_office_staff)
    try:
        services.report_publish(meeting=meeting, acting_user=request.user)
    except ValidationError as error:
        _flash_error(request, error)
    else:
        messages.success(request, "述职报告已公开刊登。")
    return redirect(meeting)


@require_write
@require_POST
def publish_written(request, pk: int):
    report = _written_or_404(request, pk)
    _require(request.user.is_office_staff)
    try:
        services.report_publish(written_report=report, acting_user=request.user)
    except ValidationError as error:
        _flash_error(request, error)
    else:
        messages.success(request, "书面履职情况报告已公开刊登。")
    return redirect(report)


@require_write
@require_POST
def publication_withdraw(request, pk: int):
    _require(request.user.is_office_staff)
    publication = get_object_or_404(PublishedReport.objects.select_related("meeting", "written_report"), pk=pk)
    try:
        services.published_report_withdraw(publication=publication, acting_user=request.user)
    except ValidationError as error:
        _flash_error(request, error)
    else:
        messages.success(request, "已撤回公开刊登。")
    return redirect(publication.meeting or publication.written_report)


# --- The public page (no login) ------------------------------------------------------------------------------


def public_list(request):
    published = PublishedReport.objects.public()
    terms = Term.objects.filter(pk__in=published.values("term_id")).order_by("-number")
    groups = DeputyGroup.objects.filter(pk__in=published.values("group_id"))
    years = published.order_by("-year").values_list("year", flat=True).distinct()
    form = PublicSearchForm(request.GET or None, terms=terms, years=list(years), groups=groups)
    reports = published
    if form.is_valid():
        data = form.cleaned_data
        if data.get("term"):
            reports = reports.filter(term_id=data["term"])
        if data.get("year"):
            reports = reports.filter(year=data["year"])
        if data.get("group"):
            reports = reports.filter(group_id=data["group"])
        if data.get("kind"):
            reports = reports.filter(kind=data["kind"])
        if data.get("q"):
            q = data["q"].strip()
            match = Q(deputy_name__contains=q) | Q(group__name__contains=q) | Q(deputy_work_unit__contains=q)
            for name in REPORT_PART_FIELDS:
                match |= Q(**{f"{name}__contains": q})
            reports = reports.filter(match)
    # Plain rows, no model objects: the list shows these columns only (reports_tags.public_report_rows).
    rows = reports.values("pk", "deputy_name", "kind", "year", "term__name", "group__name", "constituency_name",
                          "held_on")
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    return render(request, "reports/public_list.html", {"form": form, "page": page})


def public_detail(request, pk: int):
    report = get_object_or_404(PublishedReport.objects.public().select_related("term", "group"), pk=pk)
    return render(request, "reports/public_detail.html", {"report": report})

