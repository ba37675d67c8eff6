"""The 三问 coverage planner pages (issue 12 §5); the reading is in coverage.py."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from deputies.models import Constituency, DeputyGroup, Term
from liaison.pagination import capped_page
from liaison.params import id_param, year_param

from . import coverage


def _years(today) -> list[int]:
    term = Term.current()
    return term.years_so_far(today) if term else [today.year]


@login_required
def coverage_index(request):
    """Every group the user may see with its coverage; a deputy or a one-group liaison goes straight to theirs."""
    user = request.user
    today = timezone.localdate()
    year = year_param(request, default=today.year)
    groups = DeputyGroup.objects.visible_to(user).select_related("sub_district").order_by("sort_order", "name", "pk")
    if not user.sees_district:
        only = list(groups[:2])
        if len(only) == 1:
            return redirect(f"{reverse('constituents:coverage_group', args=[only[0].pk])}?year={year}")
    page = capped_page(groups, 30, request.GET)
    constituencies = Constituency.objects.visible_to(user).filter(
        term__is_current=True, group__in=[group.pk for group in page]
    )
    group_of = dict(constituencies.values_list("pk", "group_id"))
    per_constituency = coverage.tallies(coverage.cell_counts(constituencies, year, user))
    for group in page:
        group.coverage = coverage.total(
            tally for constituency_id, tally in per_constituency.items() if group_of.get(constituency_id) == group.pk
        )
    return render(request, "constituents/coverage_index.html", {
        "page": page, "year": year, "years": _years(today),
    })


@login_required
def coverage_group(request, pk: int):
    """One group's planner: each constituency's percentage, and the matrix of the chosen constituency."""
    user = request.user
    today = timezone.localdate()
    group = get_object_or_404(DeputyGroup.objects.visible_to(user).select_related("sub_district"), pk=pk)
    year = year_param(request, default=today.year)
    constituencies = list(
        Constituency.objects.visible_to(user).filter(group=group, term__is_current=True).order_by("name", "pk")
    )
    wanted = id_param(request, "constituency")
    deputy = user.current_deputy if user.is_deputy else None
    if wanted is None and deputy is not None:
        wanted = deputy.constituency_id
    chosen = next((c for c in constituencies if c.pk == wanted), None)
    if wanted is not None and chosen is None and request.GET.get("constituency"):
        raise Http404("没有这个选区，或您无权查看。")
    chosen = chosen or (constituencies[0] if constituencies else None)
    ids = [c.pk for c in constituencies]
    cells = coverage.cell_counts(Constituency.objects.filter(pk__in=ids), year, user)
    per_constituency = coverage.tallies(cells)
    for constituency in constituencies:
        constituency.coverage = per_constituency.get(constituency.pk, coverage.Tally())
    rows = coverage.matrix(chosen, cells, user) if chosen else []
    for row in rows:
        for cell in row.cells:
            if cell.covered:
                cell.url = coverage.activities_url(group_id=group.pk, year=year, community_id=row.community.pk,
                                                   category=cell.category)
            elif cell.registered and user.can_write and year == today.year:
                cell.url = coverage.plan_url(constituency_id=chosen.pk, community=row.community,
                                             category=cell.category)
    return render(request, "constituents/coverage_group.html", {
        "group": group, "year": year, "years": _years(today), "constituencies": constituencies,
        "chosen": chosen, "rows": rows, "columns": coverage.ASK_COLUMNS,
        "group_coverage": coverage.total(per_constituency.values()),
        "chosen_coverage": per_constituency.get(chosen.pk, coverage.Tally()) if chosen else coverage.Tally(),
        "is_deputy": user.is_deputy,
    })
