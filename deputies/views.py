from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render

from liaison.audit import history_of
from liaison.exports import export_list, export_url, wants_xlsx
from liaison.pagination import capped_page

from .filters import DeputyFilter, GroupSearchFilter
from .models import Deputy, DeputyGroup, DeputyStatus

# Groups a page of the group list shows: a district's 25 on one page, a province's 8,000 in pages.
GROUPS_PER_PAGE = 50


@login_required
def group_list(request):
    """Every group the user may see, in pages, with a name search (a province has some 8,000).
    The two counts are made for the page's groups only (the rows of capped_page)."""
    groups = DeputyGroup.objects.visible_to(request.user)
    search = GroupSearchFilter(request.GET, queryset=groups)
    counted = groups.select_related("sub_district").annotate(
        serving_count=Count(
            "deputies",
            filter=Q(deputies__status=DeputyStatus.SERVING, deputies__term__is_current=True),
            distinct=True,
        ),
        constituency_count=Count("constituencies", filter=Q(constituencies__term__is_current=True), distinct=True),
    )
    page = capped_page(search.qs, GROUPS_PER_PAGE, request.GET, rows=counted)
    return render(request, "deputies/group_list.html", {
        "search": search, "page": page, "groups": page.object_list,
        "searched": bool(search.form.is_valid() and search.form.cleaned_data.get("name")),
    })


@login_required
def group_detail(request, pk: int):
    group = get_object_or_404(
        DeputyGroup.objects.visible_to(request.user).select_related("sub_district"), pk=pk
    )
    deputies = (
        Deputy.objects.visible_to(request.user)
        .filter(group=group, term__is_current=True)
        .select_related("constituency")
    )
    constituencies = group.constituencies.filter(term__is_current=True).annotate(
        community_count=Count("communities", distinct=True)
    )
    return render(
        request,
        "deputies/group_detail.html",
        {
            "group": group,
            "deputies": deputies,
            "constituencies": constituencies,
            "liaisons": group.liaisons.all(),
            "history": history_of(group) if request.user.is_office_staff else None,
        },
    )


@login_required
def deputy_list(request):
    if wants_xlsx(request):
        return export_list(request, "deputies")
    base = Deputy.objects.visible_to(request.user).filter(term__is_current=True).select_related(
        "group", "constituency"
    )
    deputy_filter = DeputyFilter(request.GET, queryset=base, user=request.user)
    # A province's 100k deputies: a capped count and links that seek, not a COUNT(*) of them all.
    page = capped_page(deputy_filter.qs, 50, request.GET)
    return render(request, "deputies/deputy_list.html", {
        "filter": deputy_filter, "page": page, "export_url": export_url(request),
    })


@login_required
def deputy_detail(request, pk: int):
    deputy = get_object_or_404(
        Deputy.objects.visible_to(request.user).select_related("term", "group__sub_district", "constituency"),
        pk=pk,
    )
    return render(
        request,
        "deputies/deputy_detail.html",
        {
            "deputy": deputy,
            "communities": deputy.constituency.communities.all(),
            "history": history_of(deputy) if request.user.is_office_staff else None,
        },
    )
