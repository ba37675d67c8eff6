from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from liaison.audit import history_of, log_access
from liaison.params import year_param

from .filters import ConstituentFilter
from .models import Constituent
from .services import may_see_in_full


@login_required
def constituent_list(request):
    base = Constituent.objects.visible_to(request.user).select_related("community__constituency")
    constituent_filter = ConstituentFilter(request.GET, queryset=base, user=request.user)
    page = Paginator(constituent_filter.qs, 50).get_page(request.GET.get("page"))
    return render(request, "constituents/constituent_list.html", {"filter": constituent_filter, "page": page})


@login_required
def constituent_detail(request, pk: int):
    constituent = get_object_or_404(
        Constituent.objects.visible_to(request.user).select_related("community__constituency__group"), pk=pk
    )
    show_full = False
    if request.method == "POST" and request.POST.get("reveal"):
        if not may_see_in_full(request.user, constituent):
            raise PermissionDenied("您的角色只能查看脱敏信息。")
        log_access(user=request.user, obj=constituent, request=request)
        show_full = True
    return render(
        request,
        "constituents/constituent_detail.html",
        {
            "constituent": constituent,
            "show_full": show_full,
            "may_reveal": may_see_in_full(request.user, constituent),
            "history": history_of(constituent) if request.user.is_office_staff and show_full else None,
        },
    )


@login_required
def department_stats(request):
    """有关部门办理情况: received, returned, acknowledged, replied (on time), per department and year."""
    from django.utils import timezone

    from .conf import casework_setting
    from .models import Forwarding
    from .selectors import department_year_stats

    today = timezone.localdate()
    year = year_param(request, default=today.year)
    rows = department_year_stats(Forwarding.objects.visible_to(request.user), year, today)
    return render(request, "constituents/department_stats.html", {
        "rows": rows, "year": year, "years": list(range(today.year, today.year - 5, -1)),
        "minimum": casework_setting("DEPARTMENT_RANKING_MIN_CASES"),
    })
