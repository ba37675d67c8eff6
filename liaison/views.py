from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from deputies.models import DeputyGroup, DeputyStatus

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
        template = "liaison/home_deputy.html"
    else:
        groups = (
            DeputyGroup.objects.visible_to(user)
            .select_related("sub_district")
            .annotate(
                serving_count=Count(
                    "deputies",
                    filter=Q(deputies__status=DeputyStatus.SERVING, deputies__term__is_current=True),
                    distinct=True,
                ),
                left_count=Count(
                    "deputies",
                    filter=~Q(deputies__status=DeputyStatus.SERVING) & Q(deputies__term__is_current=True),
                    distinct=True,
                ),
                constituency_count=Count(
                    "constituencies", filter=Q(constituencies__term__is_current=True), distinct=True
                ),
            )
        )
        context["groups"] = groups
        template = "liaison/home_liaison.html" if user.is_liaison else "liaison/home_district.html"
    return render(request, template, context)


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
