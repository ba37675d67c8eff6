from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render

from liaison.audit import history_of
from liaison.exports import export_list, export_url, wants_xlsx

from .filters import DeputyFilter
from .models import Deputy, DeputyGroup, DeputyStatus


@login_required
def group_list(request):
    groups = (
        DeputyGroup.objects.visible_to(request.user)
        .select_related("sub_district")
        .annotate(
            serving_count=Count(
                "deputies",
                filter=Q(deputies__status=DeputyStatus.SERVING, deputies__term__is_current=True),
                distinct=True,
            ),
            constituency_count=Count("constituencies", filter=Q(constituencies__term__is_current=True), distinct=True),
        )
    )
    return render(request, "deputies/group_list.html", {"groups": groups})


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
    page = Paginator(deputy_filter.qs, 50).get_page(request.GET.get("page"))
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
