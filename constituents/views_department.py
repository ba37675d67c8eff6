"""承办单位 workspace: what was forwarded to a department, one forwarding's page, and its files.

A department user sees the problem's text, place and category and the history of its
own forwarding; the constituents' names and contacts only when the office ticked
需要联系反映人 on that forwarding, and then every view is logged."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from deputies.models import Department
from liaison.audit import action_label, log_access
from liaison.pagination import capped_page
from liaison.workdays import add_working_days

from .conf import casework_setting
from .models import Forwarding, ForwardingAttachment, Problem
from .permissions import may

SHOWN_PER_GROUP = 20  # each list's first rows on the workspace; "查看全部" pages through one list
SECTION_PAGE = 50


@login_required
def workspace(request):
    """新转交 / 已签收 / 3个工作日内到期 / 已超期 / 已退办 / 已答复, each a list of its own."""
    user = request.user
    mine = Forwarding.objects.visible_to(user)
    department = None
    if user.sees_district and (request.GET.get("department") or "").isdigit():
        department = get_object_or_404(Department.objects.visible_to(user), pk=request.GET["department"])
        mine = mine.filter(department=department)
    elif not user.is_department:
        raise Http404("承办单位工作台只供承办单位账号使用。")
    today = timezone.localdate()
    horizon, _estimate = add_working_days(today, casework_setting("DUE_SOON_WORKING_DAYS"))
    listed = mine.select_related("problem__constituency", "department").order_by("deadline", "pk")
    open_cases = listed.filter(status__in=Forwarding.OPEN_STATUSES, problem__state__in=Problem.WITH_DEPARTMENTS)
    groups = [
        ("overdue", "已超期", "danger", open_cases.filter(deadline__lt=today)),
        ("due_soon", "3个工作日内到期", "warning", open_cases.filter(deadline__gte=today, deadline__lte=horizon)),
        ("new", "新转交", "primary", open_cases.filter(status=Forwarding.Status.PENDING, deadline__gt=horizon)),
        ("signed", "已签收", "info", open_cases.filter(status=Forwarding.Status.HANDLING, deadline__gt=horizon)),
        ("returned", "已退办", "secondary",
         listed.filter(status=Forwarding.Status.RETURNED).order_by("-returned_on", "-pk")),
        ("answered", "已答复", "success", listed.filter(status=Forwarding.Status.REPLIED).order_by("-replied_on", "-pk")),
    ]
    counts = mine.aggregate(
        overdue=Count("pk", filter=Q(status__in=Forwarding.OPEN_STATUSES, problem__state__in=Problem.WITH_DEPARTMENTS,
                                     deadline__lt=today)),
        due_soon=Count("pk", filter=Q(status__in=Forwarding.OPEN_STATUSES, problem__state__in=Problem.WITH_DEPARTMENTS,
                                      deadline__gte=today, deadline__lte=horizon)),
        new=Count("pk", filter=Q(status=Forwarding.Status.PENDING, problem__state__in=Problem.WITH_DEPARTMENTS,
                                 deadline__gt=horizon)),
        signed=Count("pk", filter=Q(status=Forwarding.Status.HANDLING, problem__state__in=Problem.WITH_DEPARTMENTS,
                                    deadline__gt=horizon)),
        returned=Count("pk", filter=Q(status=Forwarding.Status.RETURNED)),
        answered=Count("pk", filter=Q(status=Forwarding.Status.REPLIED)),
    )
    chosen = request.GET.get("section")
    page = None
    if chosen in counts:  # one list in full, a page at a time (a province's department answers thousands)
        key, title, tone, rows = next(group for group in groups if group[0] == chosen)
        page = capped_page(rows, SECTION_PAGE, request.GET)
        sections = [{"key": key, "title": title, "tone": tone, "rows": list(page), "count": counts[key]}]
    else:
        sections = [{"key": key, "title": title, "tone": tone, "rows": list(rows[:SHOWN_PER_GROUP]),
                     "count": counts[key]} for key, title, tone, rows in groups]
    names = department.name if department else "、".join(user.departments.values_list("name", flat=True))
    return render(request, "constituents/department_workspace.html", {
        "sections": sections, "today": today, "department_names": names, "shown": SHOWN_PER_GROUP,
        "page": page, "department_id": department.pk if department else None,
    })


def _actions(user, forwarding: Forwarding) -> list[tuple[str, str]]:
    """The department's steps on this forwarding that its state and the role table allow now."""
    problem = forwarding.problem
    candidates = []
    if forwarding.round == problem.round and problem.state in Problem.WITH_DEPARTMENTS and forwarding.is_open:
        if forwarding.status == Forwarding.Status.PENDING:
            candidates.append(("accept", "签收"))
        if forwarding.status == Forwarding.Status.HANDLING and problem.state == Problem.State.HANDLING:
            candidates.append(("reply", "答复"))
        candidates.append(("return", "退办"))
        if not any(e.status == e.Status.PENDING for e in forwarding.extension_requests.all()):
            candidates.append(("extend", "申请延期"))
    if (forwarding.round == problem.round and problem.state == Problem.State.HANDLING
            and forwarding.status == Forwarding.Status.REPLIED
            and not problem.forwardings.filter(round=problem.round, status__in=Forwarding.OPEN_STATUSES).exists()):
        candidates += [("resolve", "办结"), ("unsolvable", "暂不能解决")]
    return [(step, label) for step, label in candidates if may(user, step, forwarding=forwarding)[0]]


@login_required
def forwarding_detail(request, pk: int):
    forwarding = get_object_or_404(
        Forwarding.objects.visible_to(request.user).select_related(
            "problem__constituency", "problem__community", "department", "accepted_by", "replied_by", "returned_by",
        ).prefetch_related("attachments", "extension_requests__requested_by", "extension_requests__decided_by"),
        pk=pk,
    )
    problem = forwarding.problem
    raisers = []
    if forwarding.needs_contact or not request.user.is_department:
        raisers = list(problem.constituents.select_related("community"))
    if forwarding.needs_contact and request.user.is_department:
        # The office allowed this department to contact the constituents: each view is an access to personal data.
        for person in raisers:
            log_access(user=request.user, obj=person, request=request)
    history = list(forwarding.history.select_related("history_user").order_by("-history_date", "-history_id")[:50])
    for row in history:
        row.action_label = action_label(row.history_change_reason) or "修改"
    return render(request, "constituents/forwarding_detail.html", {
        "forwarding": forwarding, "problem": problem, "raisers": raisers,
        "show_contact": forwarding.needs_contact and request.user.is_department,
        "history_rows": history, "actions": _actions(request.user, forwarding), "today": timezone.localdate(),
    })


@login_required
def attachment_download(request, pk: int):
    """A reply's attachment, only to those who may see its forwarding."""
    attachment = get_object_or_404(ForwardingAttachment.objects.visible_to(request.user), pk=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404("附件文件不存在。") from error
    return FileResponse(handle, as_attachment=True, filename=attachment.original_name,
                        content_type=attachment.content_type)
