from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from deputies.models import Deputy, DeputyGroup, Term
from deputies.services import deputy_mark_exemplary
from liaison.autocomplete import AutocompleteWidget
from liaison.figures import figures_pick
from liaison.params import id_param
from liaison.permissions import require_write

from .archive import (
    COLUMNS,
    Period,
    StoredList,
    evaluate,
    stored_of_group,
    totals,
    with_performance,
    year_from_param,
)


@login_required
def archive_group(request):
    term = Term.current()
    if term is None:
        raise Http404("尚未设置本届届次。")
    groups = DeputyGroup.objects.visible_to(request.user)
    group = None
    if request.GET.get("group"):
        group = get_object_or_404(groups, pk=id_param(request, "group"))
    elif request.user.is_deputy and request.user.current_deputy is not None:
        group = request.user.current_deputy.group
    else:
        # The select shows the first group as chosen, so the table is that group's, never "请选择".
        group = groups.first()
    year = year_from_param(term, request.GET.get("year"), timezone.localdate())
    period = Period.of(term, year)
    rows: list = []
    if group is not None:
        rows = list(with_performance(
            Deputy.objects.visible_to(request.user).filter(term=term, group=group).select_related("constituency"),
            period,
        ))
    return render(request, "reports/archive_group.html", {
        "term": term, "group": group, "year": year, "period": period,
        # A province's 8,000 groups: searched as you type, never a full <select> (perf, issue 11).
        "group_search": AutocompleteWidget("autocomplete_groups", "输入代表组名称查找", queryset=groups).render(
            "group", group.pk if group else None, {"id": "id_group"}),
        "years": term.years_so_far(timezone.localdate()),
        "columns": COLUMNS, "rows": rows, "totals": totals(rows) if rows else None,
    })


@login_required
def archive_deputy(request, pk: int):
    deputy = get_object_or_404(
        Deputy.objects.visible_to(request.user).select_related("term", "group", "constituency"), pk=pk
    )
    term = deputy.term
    base = Deputy.objects.filter(pk=deputy.pk)
    years = [(Period.of(term, year), with_performance(base, Period.of(term, year)).get())
             for year in term.years if year <= timezone.localdate().year]
    whole = with_performance(base, Period.of(term, None)).get()
    return render(request, "reports/archive_deputy.html", {
        "deputy": deputy, "columns": COLUMNS, "years": years, "whole": whole,
    })


# Rows a page of 评优参考 shows of each list (the candidates, the groups): a province has 8,000 groups.
EVALUATION_PER_PAGE = 50


@login_required
def evaluation(request):
    """评优参考: who meets the office's conditions; staff mark 履职典型 here. People who see the whole
    district read it from the stored figure (judging a province's 100,000 deputies takes minutes);
    anyone else is judged live over their own groups, through visible_to."""
    term = Term.current()
    if term is None:
        raise Http404("尚未设置本届届次。")
    today = timezone.localdate()
    year = year_from_param(term, request.GET.get("year"), today) or today.year
    if request.method == "POST":
        return _mark_exemplary(request, year)
    deputies = Deputy.objects.visible_to(request.user).filter(term=term)
    groups = DeputyGroup.objects.visible_to(request.user)
    # One group, as a clerk looks for it among a province's thousands (searched as you type).
    group = groups.filter(pk=group_id).first() if (group_id := id_param(request, "group")) else None
    if request.user.sees_district:
        criteria, candidates, group_rows, computed_at = _stored_evaluation(year, group)
    else:
        if group is not None:
            deputies, groups = deputies.filter(group=group), groups.filter(pk=group.pk)
        criteria, rows, group_rows = evaluate(deputies, groups, year, today)
        candidates, computed_at = [row for row in rows if row.qualifies], None
    candidate_page = Paginator(candidates, EVALUATION_PER_PAGE).get_page(request.GET.get("candidates_page"))
    group_page = Paginator(group_rows, EVALUATION_PER_PAGE).get_page(request.GET.get("page"))
    # Read live, not from the figure, so that a deputy just marked shows marked at once; the marked
    # are a handful chosen by hand, not a list that grows with the district.
    exemplary = list(deputies.filter(is_exemplary=True).select_related("group"))
    marked = {row.pk for row in exemplary}
    for row in candidate_page:
        if isinstance(row, dict):
            row["is_exemplary"] = row["pk"] in marked
    return render(request, "reports/evaluation.html", {
        "term": term, "year": year, "criteria": criteria, "years": term.years_so_far(today),
        "candidates": candidate_page, "candidate_page": candidate_page, "exemplary": exemplary,
        "group_rows": group_page, "group_page": group_page, "computed_at": computed_at,
        "may_mark": request.user.is_office_staff and request.user.can_write,
        "group_field": AutocompleteWidget("autocomplete_groups", "输入代表组名称查找", queryset=groups).render(
            "group", group.pk if group else None, attrs={"id": "id_group"}),
    })


def _stored_evaluation(year: int, group: DeputyGroup | None = None):
    """The stored figure's conditions, its two lists to be read a page at a time (or one group's rows),
    and when it was computed: three small queries however many deputies and groups it judged."""
    key = f"reports.evaluation:{year}"
    data, computed_at = figures_pick(key, ["criteria", "candidate_count", "group_count"])
    if group is not None:
        return (data.get("criteria", {}), stored_of_group(key, "candidates", group.pk),
                stored_of_group(key, "groups", group.pk), computed_at)
    return (data.get("criteria", {}), StoredList(key, "candidates", data.get("candidate_count", 0)),
            StoredList(key, "groups", data.get("group_count", 0)), computed_at)


@require_write
def _mark_exemplary(request, year: int):
    deputy = get_object_or_404(Deputy.objects.visible_to(request.user), pk=request.POST.get("deputy"))
    try:
        deputy_mark_exemplary(deputy=deputy, exemplary=request.POST.get("exemplary") == "1", acting_user=request.user)
    except ValidationError as error:
        raise PermissionDenied(error.messages[0]) from error
    messages.success(request, f"已{'标记' if deputy.is_exemplary else '取消'}{deputy.name}为履职典型。")
    return redirect(f"{reverse('reports:evaluation')}?year={year}")
