"""Letters (来信): the liaison sees every letter of the group and its state (畅通信息);
delivery (送交) and the deputy's reply are recorded here, the rest of the
pipeline on the problem."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from constituents.models import Problem
from deputies.models import Deputy, DeputyGroup, DeputyStatus
from liaison.audit import history_of, log_access
from liaison.autocomplete import AutocompleteWidget
from liaison.exports import export_list, export_url, wants_xlsx
from liaison.forms import attach_errors
from liaison.pagination import capped_page
from liaison.params import id_param
from liaison.permissions import require_write

from . import services
from .forms import DeliverForm, ReplyForm
from .models import Letter

STAGES = [
    ("late", "超过期限（待送交或待回复）"),
    ("undelivered", "待送交代表"),
    ("unreplied", "待代表回复"),
    ("in_pipeline", "办理中"),
    ("closed", "已办结或已反馈"),
]


def _stage_filter(stage: str) -> Q | None:
    closed = [Problem.State.RESOLVED, Problem.State.UNSOLVABLE, Problem.State.FED_BACK]
    if stage == "late":  # what the daily letters digest counts
        return services.late_letters_condition(timezone.localdate())
    return {
        "undelivered": Q(delivered_at__isnull=True),
        "unreplied": Q(delivered_at__isnull=False, replied_at__isnull=True),
        "in_pipeline": Q(replied_at__isnull=False) & ~Q(problem__state__in=closed),
        "closed": Q(problem__state__in=closed),
    }.get(stage)


LETTER_ROW = ("pk", "channel", "received_at", "delivered_at", "replied_at", "mailbox__name", "problem__text",
              "problem__state", "problem__group__name", "problem__deputy__name")


def may_deliver(user, letter: Letter) -> bool:
    return user.can_write and (user.is_office_staff or user.is_liaison)


def may_reply(user, letter: Letter) -> bool:
    """The deputy it was delivered to; the liaison may record it on the deputy's behalf."""
    from constituents.permissions import may

    if letter.delivered_at is None or not may(user, "letter_reply")[0]:
        return False
    if user.is_office_staff or user.is_liaison:
        return True
    deputy = letter.problem.deputy
    return user.is_deputy and deputy is not None and deputy.user_id == user.pk


def may_see_sender(user) -> bool:
    # A deputy who left office reads their own past letters masked.
    return user.is_office_staff or user.is_liaison or (user.is_deputy and not user.has_left_office)


def filtered_letters(request):
    """The letter list's rows for its filters (also the export's, liaison.exports.SHEETS["letters"])."""
    letters = Letter.objects.visible_to(request.user).select_related(
        "problem__group", "problem__deputy", "mailbox"
    )
    stage = request.GET.get("stage", "")
    condition = _stage_filter(stage)
    if condition is not None:
        letters = letters.filter(condition)
    channel = request.GET.get("channel", "")
    if channel in Letter.Channel.values:
        letters = letters.filter(channel=channel)
    group_id = id_param(request, "group")
    if group_id:
        letters = letters.filter(problem__group_id=group_id)
    return letters


@login_required
def letter_list(request):
    if wants_xlsx(request):
        return export_list(request, "letters")
    letters = filtered_letters(request)
    stage, channel, group_id = request.GET.get("stage", ""), request.GET.get("channel", ""), id_param(request, "group")
    # A page's rows as the values they show (mailbox/templatetags/letter_tags.py), not five model
    # objects a row; counted and paged without the joins those values need.
    page = capped_page(letters, 50, request.GET, rows=letters.values(*LETTER_ROW))
    return render(request, "mailbox/letter_list.html", {
        "page": page, "stages": STAGES, "stage": stage, "channels": Letter.Channel.choices, "channel": channel,
        "group_id": group_id, "export_url": export_url(request),
        # A deputy's list has no group filter (the template shows none): no widget, no lookup of its label.
        "group_field": None if request.user.is_deputy else AutocompleteWidget(
            "autocomplete_groups", "输入代表组名称查找", queryset=DeputyGroup.objects.visible_to(request.user)
        ).render("group", group_id, attrs={"id": "id_group"}),
    })


def _letter_or_404(request, pk: int) -> Letter:
    return get_object_or_404(
        Letter.objects.visible_to(request.user).select_related(
            "problem__group", "problem__deputy", "problem__constituency", "mailbox", "opening", "delivered_by",
        ),
        pk=pk,
    )


def _deliver_form(letter: Letter, data=None) -> DeliverForm:
    deputies = Deputy.objects.filter(group_id=letter.problem.group_id, status=DeputyStatus.SERVING,
                                     term__is_current=True)
    if letter.problem.constituency_id:
        deputies = deputies.filter(constituency_id=letter.problem.constituency_id)
    return DeliverForm(data, deputies=deputies, initial={
        "deputy": letter.problem.deputy_id, "delivered_at": timezone.localtime().replace(second=0, microsecond=0),
    })


@login_required
def letter_detail(request, pk: int):
    letter = _letter_or_404(request, pk)
    show_sender = False
    if request.method == "POST" and request.POST.get("reveal"):
        if not may_see_sender(request.user):
            raise PermissionDenied("您的角色只能查看脱敏信息。")
        log_access(user=request.user, obj=letter, request=request)
        show_sender = True
    return _render_detail(request, letter, show_sender=show_sender)


def _render_detail(request, letter: Letter, *, show_sender=False, deliver_form=None, reply_form=None):
    problem = letter.problem
    return render(request, "mailbox/letter_detail.html", {
        "letter": letter, "problem": problem, "show_sender": show_sender,
        "may_see_sender": may_see_sender(request.user),
        "deliver_form": deliver_form or (_deliver_form(letter) if may_deliver(request.user, letter)
                                         and letter.delivered_at is None else None),
        "reply_form": reply_form or (ReplyForm(initial={"reply": letter.reply, "public_reply": letter.public_reply})
                                     if may_reply(request.user, letter) else None),
        "forwardings": problem.forwardings.select_related("department"),
        "follow_ups": problem.follow_ups.all(),
        "feedbacks": problem.feedbacks.all(),
        # The casework page, where forwarding, follow-ups, the result and feedback are recorded.
        "problem_url": problem.get_absolute_url(),
        "history": history_of(letter) if request.user.is_office_staff else None,
    })


@require_write
@require_POST
def letter_deliver(request, pk: int):
    letter = _letter_or_404(request, pk)
    if not may_deliver(request.user, letter):
        raise PermissionDenied("只有联络员或联络工委工作人员可以登记送交。")
    form = _deliver_form(letter, request.POST)
    if form.is_valid():
        try:
            services.letter_deliver(letter=letter, deputy=form.cleaned_data["deputy"],
                                    delivered_at=form.cleaned_data["delivered_at"], acting_user=request.user)
        except ValidationError as error:
            attach_errors(error, form)
        else:
            messages.success(request, "已登记送交代表。")
            return redirect(letter)
    return _render_detail(request, letter, deliver_form=form)


@require_write
@require_POST
def letter_reply(request, pk: int):
    letter = _letter_or_404(request, pk)
    if not may_reply(request.user, letter):
        raise PermissionDenied("只有收信代表、本组联络员或联络工委工作人员可以登记回复。")
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.letter_reply(letter=letter, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(error, form)
        else:
            messages.success(request, "回复已保存，代表组可以看到。")
            return redirect(letter)
    return _render_detail(request, letter, reply_form=form)
