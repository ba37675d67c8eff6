from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from deputies.models import Constituency, DeputyGroup, DeputyStatus
from liaison.audit import history_of
from liaison.autocomplete import AutocompleteWidget
from liaison.forms import attach_errors
from liaison.pagination import capped_page
from liaison.params import id_param, text_param
from liaison.permissions import require_write

from . import selectors, services
from .forms import LetterRowFormSet, MailboxForm, OpeningForm, RetireForm
from .models import Letter, Mailbox, Opening
from .weeks import Week

GROUPS_PER_PAGE = 50


def may_manage(user) -> bool:
    """Office staff and liaisons set boxes up and change their keepers; deputies and the committee do not."""
    return user.can_write and (user.is_office_staff or user.is_liaison)


def may_open(user, mailbox: Mailbox) -> bool:
    """The group's liaison or the office, or the deputy who keeps the box (the row came through visible_to)."""
    if not user.can_write:
        return False
    if user.is_office_staff or user.is_liaison:
        return True
    return user.is_deputy and mailbox.keeper_deputy_id is not None and mailbox.keeper_deputy.user_id == user.pk


def _week_from(request) -> Week:
    try:
        return Week.from_key(request.GET.get("week", ""))
    except ValueError:
        return Week.current()


@login_required
def mailbox_list(request):
    week = _week_from(request)
    boxes = Mailbox.objects.visible_to(request.user).filter(constituency__term__is_current=True)
    group_id = id_param(request, "group")
    if group_id:
        boxes = boxes.filter(constituency__group_id=group_id)
    status = request.GET.get("status", Mailbox.Status.ACTIVE)
    if status in Mailbox.Status.values:
        boxes = boxes.filter(status=status)
    # A province has 100k boxes: paged by ids, counted up to the cap, the week's columns made for
    # the page's rows only (perf, issue 11).
    page = capped_page(boxes, 50, request.GET, rows=selectors.mailboxes_with_week(boxes, week))
    manages = may_manage(request.user)
    return render(request, "mailbox/mailbox_list.html", {
        "page": page, "week": week, "this_week": Week.current(), "group_id": group_id, "status": status,
        "statuses": Mailbox.Status.choices, "may_manage": manages,
        # 8,000 groups and their constituencies at a province: searched as you type, never a <select>.
        "group_field": AutocompleteWidget(
            "autocomplete_groups", "输入代表组名称查找", queryset=DeputyGroup.objects.visible_to(request.user)
        ).render("group", group_id, attrs={"id": "id_group"}),
        "constituency_field": AutocompleteWidget(
            "autocomplete_constituencies", "输入选区名称查找", queryset=Constituency.objects.none()
        ).render("constituency", None, attrs={"id": "id_constituency"}) if manages else None,
    })


@login_required
def mailbox_new(request):
    """The list's "设立新信箱" form: on to the chosen constituency's form, or back with a message."""
    constituency_id = id_param(request, "constituency")
    current = Constituency.objects.visible_to(request.user).filter(term__is_current=True)
    if constituency_id and current.filter(pk=constituency_id).exists():
        return redirect("mailbox:mailbox_create", constituency_pk=constituency_id)
    messages.error(request, "请先输入并选择一个本届的选区，再设立信箱。")
    return redirect("mailbox:mailbox_list")


@login_required
def week_overview(request):
    """Which boxes are opened this week: the totals over the user's scope, then per group, a page at a time."""
    week = _week_from(request)
    groups = DeputyGroup.objects.visible_to(request.user).select_related("sub_district")
    query = text_param(request)
    if query:
        groups = groups.filter(name__contains=query)
    totals, computed_at = selectors.week_totals(request.user, week)
    page = Paginator(groups, GROUPS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "mailbox/week_overview.html", {
        "page": page, "rows": selectors.group_week_rows(page.object_list, week), "week": week,
        "this_week": Week.current(), "query": query, "totals": totals,
        "computed_at": computed_at,
    })


@login_required
def mailbox_detail(request, pk: int):
    mailbox = get_object_or_404(
        Mailbox.objects.visible_to(request.user).select_related(
            "constituency__group", "community", "keeper_deputy", "entrusted_to"
        ),
        pk=pk,
    )
    this_week = Week.current()
    recent_weeks = [this_week]
    while len(recent_weeks) < 12 and recent_weeks[-1].previous().end >= mailbox.set_up_on:
        recent_weeks.append(recent_weeks[-1].previous())
    openings = list(
        mailbox.openings.filter(opened_at__gte=recent_weeks[-1].starts_at).select_related("recorded_by")
    )
    opened_keys = {opening.week.key for opening in openings}
    week_marks = [{"week": week, "opened": week.key in opened_keys} for week in recent_weeks]
    all_openings = Paginator(mailbox.openings.select_related("recorded_by"), 20).get_page(request.GET.get("page"))
    return render(request, "mailbox/mailbox_detail.html", {
        "mailbox": mailbox, "deputies": mailbox.deputies.all(), "week_marks": week_marks,
        "page": all_openings, "may_open": may_open(request.user, mailbox) and mailbox.is_active,
        "may_manage": may_manage(request.user), "retire_form": RetireForm(),
        "history": history_of(mailbox) if request.user.is_office_staff else None,
    })


def _mailbox_form_kwargs(form) -> dict:
    data = form.cleaned_data
    return {
        "name": data["name"], "location": data["location"], "community": data.get("community"),
        "deputies": list(data.get("deputies") or []), "keeping": data["keeping"],
        "keeper_deputy": data.get("keeper_deputy"), "entrusted_to": data.get("entrusted_to"),
        "entrusted_reason": data.get("entrusted_reason", ""), "entrusted_on": data.get("entrusted_on"),
    }


@require_write
def mailbox_create(request, constituency_pk: int):
    if not may_manage(request.user):
        raise PermissionDenied("只有联络员和联络工委工作人员可以设立信箱。")
    constituency = get_object_or_404(
        Constituency.objects.visible_to(request.user).filter(term__is_current=True).select_related("group"),
        pk=constituency_pk,
    )
    form = MailboxForm(request.POST or None, constituency=constituency,
                       initial={"keeping": Mailbox.Keeping.DEPUTY, "set_up_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            mailbox = services.mailbox_create(
                constituency=constituency, set_up_on=form.cleaned_data["set_up_on"], acting_user=request.user,
                **_mailbox_form_kwargs(form),
            )
        except ValidationError as error:
            attach_errors(error, form)
        else:
            messages.success(request, f"已设立“{mailbox.name}”。")
            return redirect(mailbox)
    return render(request, "mailbox/mailbox_form.html", {"form": form, "constituency": constituency})


@require_write
def mailbox_edit(request, pk: int):
    if not may_manage(request.user):
        raise PermissionDenied("只有联络员和联络工委工作人员可以修改信箱。")
    mailbox = get_object_or_404(Mailbox.objects.visible_to(request.user).select_related("constituency__group"), pk=pk)
    initial = {
        "name": mailbox.name, "location": mailbox.location, "community": mailbox.community_id,
        "deputies": list(mailbox.deputies.values_list("pk", flat=True)), "keeping": mailbox.keeping,
        "keeper_deputy": mailbox.keeper_deputy_id, "entrusted_to": mailbox.entrusted_to_id,
        "entrusted_reason": mailbox.entrusted_reason, "entrusted_on": mailbox.entrusted_on,
    }
    form = MailboxForm(request.POST or None, constituency=mailbox.constituency, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.mailbox_update(mailbox=mailbox, acting_user=request.user, **_mailbox_form_kwargs(form))
        except ValidationError as error:
            attach_errors(error, form)
        else:
            messages.success(request, "信箱信息已保存。")
            return redirect(mailbox)
    return render(request, "mailbox/mailbox_form.html", {
        "form": form, "constituency": mailbox.constituency, "mailbox": mailbox,
    })


@require_write
@require_POST
def mailbox_retire(request, pk: int):
    if not may_manage(request.user):
        raise PermissionDenied("只有联络员和联络工委工作人员可以撤除信箱。")
    mailbox = get_object_or_404(Mailbox.objects.visible_to(request.user), pk=pk)
    form = RetireForm(request.POST)
    if form.is_valid():
        try:
            services.mailbox_retire(mailbox=mailbox, retired_on=form.cleaned_data["retired_on"],
                                    acting_user=request.user)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, f"“{mailbox.name}”已撤除，原有记录保留。")
    else:
        messages.error(request, "请填写正确的撤除日期。")
    return redirect(mailbox)


def _letter_inputs(formset) -> list[services.LetterInput]:
    return [
        services.LetterInput(
            text=row["text"], category=row["category"], sender_name=row.get("sender_name", ""),
            sender_contact=row.get("sender_contact", ""), deputy=row.get("deputy"),
        )
        for row in formset.letters()
    ]


def _served_deputies(mailbox: Mailbox):
    return mailbox.deputies.filter(status=DeputyStatus.SERVING)


@require_write
def opening_create(request, pk: int):
    """One form: the opening and the letters found in the box, saved together or not at all."""
    mailbox = get_object_or_404(
        Mailbox.objects.visible_to(request.user).select_related("constituency__group", "keeper_deputy"), pk=pk
    )
    if not may_open(request.user, mailbox):
        raise PermissionDenied("只有保管代表、本组联络员或联络工委工作人员可以登记开启。")
    form = OpeningForm(request.POST or None, initial={
        "opened_at": timezone.localtime().replace(second=0, microsecond=0),
        "opened_by": request.user.display_name,
    })
    formset = LetterRowFormSet(request.POST or None, prefix="letters", deputies=_served_deputies(mailbox))
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            opening = services.opening_record(
                mailbox=mailbox, acting_user=request.user, letters=_letter_inputs(formset), **form.cleaned_data
            )
        except ValidationError as error:
            attach_errors(error, form)
        else:
            count = opening.letters.count()
            messages.success(request, f"已登记开启，来信 {opening.letter_count} 封，已登记 {count} 封。")
            return redirect(opening)
    return render(request, "mailbox/opening_form.html", {"form": form, "formset": formset, "mailbox": mailbox})


@require_write
def opening_add_letters(request, pk: int):
    """补登: letters of an earlier opening not registered at the time."""
    opening = get_object_or_404(
        Opening.objects.visible_to(request.user).select_related("mailbox__constituency__group",
                                                                "mailbox__keeper_deputy"),
        pk=pk,
    )
    if not may_open(request.user, opening.mailbox):
        raise PermissionDenied("只有保管代表、本组联络员或联络工委工作人员可以登记来信。")
    formset = LetterRowFormSet(request.POST or None, prefix="letters", deputies=_served_deputies(opening.mailbox))
    errors: list[str] = []
    if request.method == "POST" and formset.is_valid():
        letters = _letter_inputs(formset)
        try:
            with transaction.atomic():
                for index, letter in enumerate(letters, start=1):
                    try:
                        services.letter_register(opening=opening, letter=letter, acting_user=request.user)
                    except ValidationError as error:
                        raise ValidationError(f"第 {index} 封来信：{'；'.join(error.messages)}") from error
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, f"已补登 {len(letters)} 封来信。")
            return redirect(opening)
    return render(request, "mailbox/opening_add_letters.html", {
        "opening": opening, "mailbox": opening.mailbox, "formset": formset, "errors": errors,
    })


@login_required
def opening_detail(request, pk: int):
    opening = get_object_or_404(
        Opening.objects.visible_to(request.user).select_related("mailbox__constituency__group", "recorded_by"),
        pk=pk,
    )
    letters = Letter.objects.visible_to(request.user).filter(opening=opening).select_related("problem__deputy")
    return render(request, "mailbox/opening_detail.html", {
        "opening": opening, "mailbox": opening.mailbox, "letters": letters,
        "may_add": may_open(request.user, opening.mailbox) and opening.mailbox.is_active,
        "history": history_of(opening) if request.user.is_office_staff else None,
    })
