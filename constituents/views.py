from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from deputies.models import Term
from liaison.audit import history_of, log_access
from liaison.exports import export_list, export_url, wants_xlsx
from liaison.figures import figures as stored_figures
from liaison.figures import figures_slice as stored_figures_slice
from liaison.pagination import capped_page
from liaison.params import year_param

from .exports import export_department_figures
from .filters import ConstituentFilter
from .models import Constituent, Problem, ProblemFeedback
from .models_handling import Callback
from .services import may_see_in_full


@login_required
def constituent_list(request):
    if wants_xlsx(request):
        return export_list(request, "constituents")
    # In the order of the unique index (community, name, phone): a community's constituents together by
    # name, read from the index a page at a time. The model's order (constituency name, community name,
    # name) spans three tables, so a page of it sorted a province's million rows (0.7 s, perf issue 11).
    base = Constituent.objects.visible_to(request.user).order_by("community_id", "name", "phone")
    rows = base.select_related("community__constituency")
    constituent_filter = ConstituentFilter(request.GET, queryset=base, user=request.user)
    # A province's million constituents: a capped count, not a COUNT(*) of them all on every view.
    page = capped_page(constituent_filter.qs, 50, request.GET, rows=rows)
    return render(request, "constituents/constituent_list.html", {
        "filter": constituent_filter, "page": page, "export_url": export_url(request),
    })


def _mask_reason(user) -> str:
    if user.has_left_office:
        return user.write_refusal
    if user.is_deputy:
        return "您只能查看本人选区选民的完整信息，本组其他选区的选民只显示脱敏信息。"
    return "您的角色只能查看脱敏信息。"


@login_required
def constituent_detail(request, pk: int):
    if request.user.has_left_office:
        # Refused outright (a 403, so the try is in the security log), whichever id was asked for.
        raise PermissionDenied("您已离任，不能再查看选民信息。")
    constituent = get_object_or_404(
        Constituent.objects.visible_to(request.user).select_related("community__constituency__group"), pk=pk
    )
    show_full = False
    if request.method == "POST" and request.POST.get("reveal"):
        if not may_see_in_full(request.user, constituent):
            raise PermissionDenied(_mask_reason(request.user))
        log_access(user=request.user, obj=constituent, request=request)
        show_full = True
    return render(
        request,
        "constituents/constituent_detail.html",
        {
            "constituent": constituent,
            "show_full": show_full,
            "may_reveal": may_see_in_full(request.user, constituent),
            "mask_reason": "" if request.user.is_office_staff or request.user.is_liaison else _mask_reason(request.user),
            "history": history_of(constituent) if request.user.is_office_staff and show_full else None,
            **_casework_of(request.user, constituent),
        },
    )


def _casework_of(user, constituent: Constituent) -> dict:
    """The problems this constituent raised and what they were told (issue 12 §7), each scoped
    by visible_to: a deputy of another group sees none of them, a department no 回访."""
    problems = (
        Problem.objects.visible_to(user).filter(constituents=constituent)
        .only("id", "text", "state", "raised_on", "category").order_by("-raised_on", "-id")
    )
    feedbacks = (
        ProblemFeedback.objects.visible_to(user).filter(constituent=constituent)
        .select_related("problem").only("id", "status", "method", "told_on", "note", "round",
                                         "problem__id", "problem__text").order_by("-created_at", "-id")
    )
    callbacks = (
        Callback.objects.visible_to(user).filter(constituent=constituent)
        .select_related("problem").only("id", "result", "called_on", "note", "round", "sent_back",
                                         "problem__id", "problem__text").order_by("-called_on", "-id")
    )
    return {"problems": list(problems), "feedbacks": list(feedbacks), "callbacks": list(callbacks)}


def _term_years(today) -> list[int]:
    term = Term.current()
    return term.years_so_far(today) if term else [today.year]


GROUPS_PER_PAGE = 100
# A district has a few dozen departments, one page; a province's 500 are read and shown a page at a time.
DEPARTMENTS_PER_PAGE = 100


def _stored_page(key: str, list_key: str, per_page: int, number):
    """One page of the list data[list_key] of a stored figure, cut out of it by the database: (the rest of
    the data, the page's rows, the page, when it was computed). A page past the end or not a number
    is the one Django's Paginator.get_page gives."""
    text = str(number or "1")
    start = max(0, int(text) - 1) * per_page if text.isascii() and text.isdigit() and 0 < len(text) < 7 else 0
    rest, rows, total, computed_at = stored_figures_slice(key, list_key, start, start + per_page)
    page = Paginator(range(total), per_page).get_page(number)
    if page.start_index() - 1 != start and total:
        start = page.start_index() - 1
        rest, rows, total, computed_at = stored_figures_slice(key, list_key, start, start + per_page)
    return rest, rows, page, computed_at


@login_required
def department_stats(request):
    """有关部门办理情况: the figures of constituents/figures.py per department, per group and
    district-wide, for a year or a quarter, each shown with its definition."""
    from django.utils import timezone

    from . import figures
    from .conf import casework_setting
    from .models import Forwarding

    today = timezone.localdate()
    year = year_param(request, default=today.year)
    quarter_text = request.GET.get("quarter") or ""
    if quarter_text and quarter_text not in {"1", "2", "3", "4"}:
        raise BadRequest("季度应为 1—4。")
    quarter = int(quarter_text) if quarter_text else None
    period = figures.Period(year, quarter)
    computed_at = None
    if request.user.sees_district:
        # The whole district's figures: stored (liaison.figures), refreshed by beat; a province's
        # forwardings take seconds to count, and its thousands of groups are shown a page at a time.
        suffix = f"{year}" + (f"-{quarter}" if quarter else "")
        departments_key = f"constituents.departments:{suffix}"
        groups_key = f"constituents.department_groups:{suffix}"
        if wants_xlsx(request):
            data = stored_figures(departments_key)[0]
            return export_department_figures(request, period=period, rows=data["departments"],
                                             district=data["district"], groups=stored_figures(groups_key)[0]["groups"])
        rest, rows, department_page, computed_at = _stored_page(departments_key, "departments", DEPARTMENTS_PER_PAGE,
                                                                request.GET.get("dpage"))
        district = rest["district"]
        _rest, groups, group_page, _at = _stored_page(groups_key, "groups", GROUPS_PER_PAGE, request.GET.get("page"))
    else:
        forwardings = Forwarding.objects.visible_to(request.user)
        all_rows = figures.department_figures(forwardings, period)
        all_groups = figures.group_figures(forwardings, period)
        district = figures.district_figures(forwardings, period)
        if wants_xlsx(request):
            return export_department_figures(request, period=period, rows=all_rows, groups=all_groups,
                                             district=district)
        department_page = Paginator(all_rows, DEPARTMENTS_PER_PAGE).get_page(request.GET.get("dpage"))
        rows = list(department_page.object_list)
        group_page = Paginator(all_groups, GROUPS_PER_PAGE).get_page(request.GET.get("page"))
        groups = list(group_page.object_list)
    return render(request, "constituents/department_stats.html", {
        "period": period, "year": year, "quarter": quarter, "years": _term_years(today),
        "rows": rows, "groups": groups, "district": district, "export_url": export_url(request),
        "page": group_page, "department_page": department_page, "computed_at": computed_at,
        "definitions": figures.definitions(), "minimum": casework_setting("DEPARTMENT_RANKING_MIN_CASES"),
    })
