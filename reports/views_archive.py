from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from deputies.models import Deputy, DeputyGroup, Term
from deputies.services import deputy_mark_exemplary
from liaison.autocomplete import AutocompleteWidget
from liaison.params import id_param
from liaison.permissions import require_write

from .archive import COLUMNS, Period, evaluate, totals, with_performance, year_from_param


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


@login_required
def evaluation(request):
    """评优参考: who meets the office's conditions; staff mark 履职典型 here."""
    term = Term.current()
    if term is None:
        raise Http404("尚未设置本届届次。")
    today = timezone.localdate()
    year = year_from_param(term, request.GET.get("year"), today) or today.year
    if request.method == "POST":
        return _mark_exemplary(request, year)
    deputies = Deputy.objects.visible_to(request.user).filter(term=term)
    groups = DeputyGroup.objects.visible_to(request.user)
    criteria, rows, group_rows = evaluate(deputies, groups, year, today)
    return render(request, "reports/evaluation.html", {
        "term": term, "year": year, "criteria": criteria, "years": term.years_so_far(today),
        "candidates": [row for row in rows if row.qualifies],
        "exemplary": [row for row in rows if row.is_exemplary],
        "group_rows": group_rows, "may_mark": request.user.is_office_staff and request.user.can_write,
    })


@require_write
def _mark_exemplary(request, year: int):
    deputy = get_object_or_404(Deputy.objects.visible_to(request.user), pk=request.POST.get("deputy"))
    try:
        deputy_mark_exemplary(deputy=deputy, exemplary=request.POST.get("exemplary") == "1", acting_user=request.user)
    except ValidationError as error:
        raise PermissionDenied(error.messages[0]) from error
    messages.success(request, f"已{'标记' if deputy.is_exemplary else '取消'}{deputy.name}为履职典型。")
    return redirect(f"{reverse('reports:evaluation')}?year={year}")
