"""Quarterly summaries (季度汇总) and the standing committee's supervision (重点监督)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from constituents.models import Problem, ProblemCategory
from deputies.models import Constituency, DeputyGroup, Term
from liaison.audit import history_of
from liaison.figures import figures, figures_pick
from liaison.models import Role
from liaison.permissions import require_roles, require_write

from . import services
from .forms import IssueForm, SummaryForm
from .models import QuarterlySummary, SupervisedIssue
from .weeks import Quarter, local_date


def _term_years() -> list[int]:
    """Year filters offer the current term's years so far."""
    today = local_date()
    term = Term.current()
    return term.years_so_far(today) if term else [today.year]

CLOSED_STATES = [Problem.State.RESOLVED, Problem.State.UNSOLVABLE, Problem.State.FED_BACK]


def may_compile(user) -> bool:
    """The group's liaison compiles and submits; the office may do it for them."""
    return user.can_write and (user.is_office_staff or user.is_liaison)


@login_required
def summary_list(request):
    """The district roll-up: every group of the quarter and whether it has reported."""
    if request.user.is_deputy:
        raise PermissionDenied("季度汇总由代表组联络员整理报送。")
    quarter = Quarter.parse(request.GET.get("quarter"), Quarter.of(None).previous())
    user = request.user
    # A page of groups at a time (a province has thousands); the district's problem counts are
    # stored figures (liaison.figures), a liaison's are counted live over their own groups.
    groups = DeputyGroup.objects.visible_to(user).select_related("sub_district")
    page = Paginator(groups, ROLLUP_PAGE).get_page(request.GET.get("page"))
    computed_at = None
    if user.sees_district:  # the page's groups only, not a province's thousands
        counts, computed_at = figures_pick(f"mailbox.rollup:{quarter.year}-{quarter.number}",
                                           [group.pk for group in page])
    else:
        counts = {str(row["group"]): row["n"] for row in Problem.objects.visible_to(user).filter(
            group__in=page.object_list, raised_on__gte=quarter.first_day, raised_on__lte=quarter.last_day,
        ).order_by().values("group").annotate(n=Count("pk"))}
    of_quarter = QuarterlySummary.objects.visible_to(user).filter(year=quarter.year, quarter=quarter.number)
    # Not the submitted lists themselves (snapshot): the rows show only state, time and who.
    summaries = {s.group_id: s for s in of_quarter.filter(group__in=page.object_list).select_related("submitted_by")
                 .only("group_id", "status", "submitted_at", *(f"submitted_by__{name}" for name in USER_NAME))}
    rows = []
    for group in page:
        group.problem_count = counts.get(str(group.pk), 0)
        rows.append({"group": group, "summary": summaries.get(group.pk)})
    from constituents import figures as department_figures
    from constituents.models import Forwarding

    if user.sees_district:  # the stored figures of 有关部门办理情况 for the quarter (liaison.figures)
        district = figures_pick(f"constituents.departments:{quarter.year}-{quarter.number}", ["district"])[0]["district"]
    else:
        district = department_figures.district_figures(Forwarding.objects.visible_to(user),
                                                       department_figures.Period(quarter.year, quarter.number))
    return render(request, "mailbox/summary_list.html", {
        # The quarter's department figures, defined once in constituents/figures.py.
        "figures": district,
        "quarter": quarter, "rows": rows, "page": page, "this_quarter": Quarter.of(None),
        "group_total": page.paginator.count, "computed_at": computed_at,
        "submitted": of_quarter.filter(status=QuarterlySummary.Status.SUBMITTED).count(),
    })


ROLLUP_PAGE = 100
USER_NAME = ("username", "first_name", "last_name")  # what User.display_name reads


@require_write
def summary_detail(request, pk: int):
    summary = get_object_or_404(
        QuarterlySummary.objects.visible_to(request.user).select_related("group", "submitted_by"), pk=pk
    )
    form = SummaryForm(request.POST or None, initial={"remarks": summary.remarks})
    if request.method == "POST":
        if not may_compile(request.user):
            raise PermissionDenied("只有联络员或联络工委工作人员可以整理季度汇总。")
        if form.is_valid():
            try:
                if request.POST.get("submit"):
                    services.summary_submit(summary=summary, remarks=form.cleaned_data["remarks"],
                                            acting_user=request.user)
                    messages.success(request, "季度汇总已报送，报送内容已固定。")
                else:
                    services.summary_save_remarks(summary=summary, remarks=form.cleaned_data["remarks"],
                                                  acting_user=request.user)
                    messages.success(request, "说明已保存（尚未报送）。")
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect(summary)
    data = summary.snapshot if summary.is_submitted else services.summary_rows(
        group=summary.group, quarter=summary.period
    )
    return render(request, "mailbox/summary_detail.html", {
        "summary": summary, "data": data, "form": form,
        "may_compile": may_compile(request.user) and not summary.is_submitted,
        "history": history_of(summary) if request.user.is_office_staff else None,
    })


def _board_period(request) -> tuple[Quarter | None, int]:
    year_text = request.GET.get("year", "")
    current = Quarter.of(None)
    year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else current.year
    quarter_text = request.GET.get("q", "")
    quarter = Quarter(year, int(quarter_text)) if quarter_text in {"1", "2", "3", "4"} else None
    return quarter, year


def _board_problems(request, quarter: Quarter | None, year: int):
    problems = Problem.objects.visible_to(request.user).filter(constituency__isnull=False)
    if quarter is not None:
        return problems.filter(raised_on__gte=quarter.first_day, raised_on__lte=quarter.last_day)
    return problems.filter(raised_on__year=year)


@login_required
def issue_board(request):
    """The district's problems by category and place: what many people raise, and what is under supervision."""
    if not request.user.sees_district:
        raise PermissionDenied("本页面供常委会和联络工委使用。")
    quarter, year = _board_period(request)
    labels = dict(ProblemCategory.choices)
    # The whole district's counts over a year: stored figures (liaison.figures), refreshed by beat.
    period = f"{year}-{quarter.number}" if quarter is not None else str(year)
    data, computed_at = figures(f"mailbox.board:{period}")
    cells, by_category = data["cells"], data["by_category"]
    open_issues = {
        (issue.category, issue.constituency_id): issue
        for issue in SupervisedIssue.objects.visible_to(request.user).filter(is_open=True)
        .only("category", "constituency_id", "title")
    }
    for cell in cells:
        cell["label"] = labels.get(cell["category"], cell["category"])
        cell["issue"] = open_issues.get((cell["category"], cell["constituency"]))
    for row in by_category:
        row["label"] = labels.get(row["category"], row["category"])
    issues = SupervisedIssue.objects.visible_to(request.user).select_related(
        "constituency__group", "marked_by"
    ).annotate(problem_count=Count("problems"))
    # 提级督办: problems sent back for 重办 three times (constituents/services/handling.py).
    escalated = (Problem.objects.visible_to(request.user).filter(escalated_on__isnull=False)
                 .select_related("group", "constituency").order_by("-escalated_on", "-pk")
                 .only("text", "state", "round", "escalated_on", "group__name", "constituency__name")[:50])
    return render(request, "mailbox/issue_board.html", {
        "escalated": escalated,
        "cells": cells, "by_category": by_category, "issues": issues, "quarter": quarter, "year": year,
        "may_mark": request.user.is_committee or request.user.is_office_staff, "form": IssueForm(),
        "years": _term_years(), "computed_at": computed_at,
    })


def board_figures(period: str) -> dict:
    """For liaison.figures: the board's cells and category totals of a year ("2026") or quarter ("2026-3")."""
    year_text, _, number = period.partition("-")
    year = int(year_text)
    quarter = Quarter(year, int(number)) if number else None
    problems = Problem.objects.filter(constituency__isnull=False)
    if quarter is not None:
        problems = problems.filter(raised_on__gte=quarter.first_day, raised_on__lte=quarter.last_day)
    else:
        problems = problems.filter(raised_on__gte=dt.date(year, 1, 1), raised_on__lte=dt.date(year, 12, 31))
    cells = list(
        problems.values("category", "constituency", "constituency__name", "constituency__group__name")
        .annotate(
            total=Count("pk"),
            still_open=Count("pk", filter=~Q(state__in=CLOSED_STATES)),
            letters=Count("letter"),
        )
        .order_by("-total", "category", "constituency__name")[:100]
    )
    by_category = sorted(problems.order_by().values("category").annotate(total=Count("pk")),
                         key=lambda row: -row["total"])
    return {"cells": cells, "by_category": by_category}


def _board_url(quarter: Quarter | None, year: int) -> str:
    query = {"year": year, **({"q": quarter.number} if quarter else {})}
    return f"{reverse('mailbox:issue_board')}?{urlencode(query)}"


@require_roles(Role.COMMITTEE)
@require_POST
def issue_mark(request):
    """The committee (or the office for it) picks a category in a place for supervision."""
    quarter, year = _board_period(request)
    constituency = get_object_or_404(Constituency.objects.visible_to(request.user), pk=request.POST.get("constituency"))
    category = request.POST.get("category", "")
    form = IssueForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写议题和监督意见。")
        return redirect(_board_url(quarter, year))
    problems = _board_problems(request, quarter, year).filter(category=category, constituency=constituency)
    try:
        issue = services.issue_mark(category=category, constituency=constituency, problems=list(problems),
                                    acting_user=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, f"已将“{issue.title}”列为重点监督，相关代表组页面会显示。")
    return redirect(_board_url(quarter, year))


@require_roles(Role.COMMITTEE)
@require_POST
def issue_close(request, pk: int):
    issue = get_object_or_404(SupervisedIssue.objects.visible_to(request.user), pk=pk)
    try:
        services.issue_close(issue=issue, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, f"“{issue.title}”已结束重点监督。")
    return redirect("mailbox:issue_board")
