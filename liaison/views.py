from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from deputies.models import DeputyGroup, DeputyStatus

from .home import deputy_panels
from .models import Role
from .notifications import mark_read


@login_required
def home(request):
    user = request.user
    if user.is_administrator:
        # 三员分立: the administrators work in their own places, not in casework.
        return redirect("audit_log" if user.role == Role.AUDIT_ADMIN else "admin:index")
    context: dict = {}
    if user.is_department:  # a department's home is its workspace (constituents/views_department.py)
        return redirect("constituents:department_workspace")
    if user.is_deputy:
        deputy = user.current_deputy
        context["deputy"] = deputy
        if deputy is not None:
            context["colleagues"] = (
                deputy.group.deputies.visible_to(user).filter(term_id=deputy.term_id).exclude(pk=deputy.pk)
            )
            context["communities"] = deputy.constituency.communities.visible_to(user)
            context["panels"], context["panels_computed_at"] = deputy_panels(request, deputy)
        template = "liaison/home_deputy.html"
    elif user.sees_district:
        # The whole district: the first groups from stored figures (liaison.figures), with their time.
        from .figures import figures

        data, context["computed_at"] = figures("liaison.district_groups")
        context.update(groups=data["groups"], group_total=data["total"])
        template = "liaison/home_district.html"
    else:
        context["groups"] = _groups_with_counts(DeputyGroup.objects.visible_to(user))
        template = "liaison/home_liaison.html" if user.is_liaison else "liaison/home_district.html"
    return render(request, template, context)


HOME_GROUPS = 100


def _groups_with_counts(groups):
    current = Q(deputies__term__is_current=True)
    return groups.select_related("sub_district").annotate(
        serving_count=Count("deputies", filter=Q(deputies__status=DeputyStatus.SERVING) & current, distinct=True),
        left_count=Count("deputies", filter=~Q(deputies__status=DeputyStatus.SERVING) & current, distinct=True),
        constituency_count=Count("constituencies", filter=Q(constituencies__term__is_current=True), distinct=True),
    )


def district_group_figures() -> dict:
    """For liaison.figures: the first HOME_GROUPS groups of the district with their counts, and how many there are."""
    groups = DeputyGroup.objects.all()
    rows = [
        {"name": group.name, "get_absolute_url": group.get_absolute_url(),
         "sub_district": {"name": group.sub_district.name}, "serving_count": group.serving_count,
         "left_count": group.left_count, "constituency_count": group.constituency_count}
        for group in _groups_with_counts(groups.filter(pk__in=groups.order_by("sort_order", "name")
                                                       .values("pk")[:HOME_GROUPS]))
    ]
    return {"groups": rows, "total": groups.count()}


@login_required
def notification_list(request):
    notices = request.user.notifications.all()
    page = Paginator(notices, 30).get_page(request.GET.get("page"))
    return render(request, "liaison/notification_list.html", {"page": page})


@login_required
@require_POST
def notification_mark_read(request):
    ids = request.POST.getlist("ids") or None
    mark_read(user=request.user, notification_ids=ids)
    return redirect("notifications")
