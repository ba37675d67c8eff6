"""Contact activities (联系选民活动): list, log, detail, photos, the two-a-year statistics."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from deputies.models import Community, Constituency, Deputy, DeputyGroup, Term
from liaison.exports import export_list, export_url, wants_xlsx
from liaison.forms import attach_errors
from liaison.params import id_param, year_param
from liaison.permissions import require_write

from . import selectors, services
from .conf import casework_setting
from .filters import ContactActivityFilter
from .forms import ConstituentChoiceField, ContactActivityForm, NewConstituentFormSet, PhotoForm, RaisedProblemFormSet
from .models import (
    ActivityOrganizer,
    ActivityPhoto,
    AskType,
    Constituent,
    ConstituentCategory,
    ContactActivity,
    Problem,
)


@login_required
def activity_list(request):
    if wants_xlsx(request):
        return export_list(request, "activities")
    base = (
        ContactActivity.objects.visible_to(request.user)
        .select_related("group", "constituency")
        .prefetch_related(Prefetch("deputies", queryset=Deputy.objects.only("pk", "name")))
        .annotate(constituent_count=Count("constituents", distinct=True))
        .order_by("-held_on", "-id")
    )
    activity_filter = ContactActivityFilter(request.GET, queryset=base, user=request.user)
    page = Paginator(activity_filter.qs, 30).get_page(request.GET.get("page"))
    # The community filter is hidden (the coverage planner sets it): say which one is in use.
    met_id = activity_filter.form.cleaned_data.get("community") if activity_filter.is_valid() else None
    met_community = Community.objects.visible_to(request.user).filter(pk=int(met_id)).first() if met_id else None
    return render(request, "constituents/activity_list.html", {
        "filter": activity_filter, "page": page, "export_url": export_url(request), "met_community": met_community,
    })


def _chosen_constituency(request, user) -> Constituency | None:
    constituencies = Constituency.objects.visible_to(user).filter(term__is_current=True)
    wanted = request.POST.get("constituency") or request.GET.get("constituency")
    if wanted and str(wanted).isdigit():
        found = constituencies.filter(pk=wanted).first()
        if found is not None:
            return found
    deputy = user.current_deputy if user.is_deputy else None
    if deputy is not None:
        return deputy.constituency
    return constituencies.first()


def _raiser_choices(constituent_options, new_rows: int) -> list[tuple[str, str]]:
    choices = [(f"c{c.pk}", ConstituentChoiceField.label_for(c)) for c in constituent_options]
    choices += [(f"n{i}", f"新增选民第{i + 1}行") for i in range(new_rows)]
    return choices


def _picker_rows(constituents, query: str, picked_ids: set[int]) -> list[tuple[int, str, bool]]:
    """The picker's checkboxes: who is already picked (kept checked), then who matches the search."""
    picked = [c for c in constituents.filter(pk__in=picked_ids)] if picked_ids else []
    matches = selectors.constituents_matching(constituents, query).exclude(pk__in=picked_ids)
    matches = matches.order_by("name", "pk")[:selectors.PICKER_LIMIT]
    return ([(c.pk, ConstituentChoiceField.label_for(c), True) for c in picked]
            + [(c.pk, ConstituentChoiceField.label_for(c), False) for c in matches])


def _picked_ids(values) -> set[int]:
    return {int(value) for value in values if str(value).isdigit()}


# Buttons of the visit form that change the form without saving it: the page is
# drawn again from what was typed (htmx swaps only the part that changes).
FORM_ACTIONS = {"switch", "add_problem", "add_person"}


def _with_extra_row(data, prefix: str):
    data = data.copy()
    try:
        total = int(data.get(f"{prefix}-TOTAL_FORMS", 0))
    except ValueError:
        total = 0
    data[f"{prefix}-TOTAL_FORMS"] = str(min(total + 1, 20))
    return data


@login_required
def activity_constituent_search(request):
    """htmx: the picker's list for what was typed, keeping who is already checked."""
    constituency = _chosen_constituency(request, request.user)
    constituents = (
        Constituent.objects.visible_to(request.user).filter(community__constituency=constituency)
        .select_related("community") if constituency else Constituent.objects.none()
    )
    query = request.GET.get("constituent_q", "")[:40]
    return render(request, "constituents/_constituent_choices.html", {
        "picker_rows": _picker_rows(constituents, query, _picked_ids(request.GET.getlist("constituents"))),
        "constituent_query": query,
    })


@require_write
def activity_create(request):
    user = request.user
    if not user.can_write:
        raise PermissionDenied(user.write_refusal)
    constituency = _chosen_constituency(request, user)
    communities = (
        Community.objects.visible_to(user).filter(constituency=constituency)
        if constituency else Community.objects.none()
    )
    data = request.POST if request.method == "POST" else None
    action = request.POST.get("action") if data is not None else None
    if action == "add_problem":
        data = _with_extra_row(data, "problem")
    elif action == "add_person":
        data = _with_extra_row(data, "new")
    initial = {"held_on": timezone.localdate(), **(_prefill(request) if data is None else {})}
    form = ContactActivityForm(data, request.FILES or None, user=user, constituency=constituency, initial=initial)
    if user.is_deputy and user.current_deputy is not None:
        form.fields["deputies"].initial = [user.current_deputy.pk]
    if action in FORM_ACTIONS:  # a redraw (another constituency, a row more), not a submission: nothing is wrong yet
        form.errors.clear()
    people = NewConstituentFormSet(data, prefix="new", form_kwargs={"communities": communities})
    options = list(form.fields["constituents"].queryset)
    problem_forms = RaisedProblemFormSet(
        data, prefix="problem", form_kwargs={"raiser_choices": _raiser_choices(options, people.total_form_count())}
    )
    if request.method == "POST" and action not in FORM_ACTIONS:
        valid = all([form.is_valid(), people.is_valid(), problem_forms.is_valid()])
        if valid:
            try:
                activity = _save_activity(form, people, problem_forms, user)
            except ValidationError as error:
                attach_errors(error, form)
            else:
                messages.success(request, "联系选民活动已保存。")
                if activity.mismatch_note:
                    messages.warning(request, activity.mismatch_note)
                return redirect(activity)
        messages.error(request, "活动未保存，请按提示修改后重新提交（照片需重新选择）。")
    query = (data.get("constituent_q", "") if data is not None else "")[:40]
    picked = _picked_ids(data.getlist("constituents")) if data is not None else set()
    picker_rows = _picker_rows(form.fields["constituents"].queryset, query, picked)
    if data is None and not picker_rows:
        picker_rows = _planned_rows(request, form.fields["constituents"].queryset)
    return render(request, "constituents/activity_form.html", {
        "form": form, "people": people, "problem_forms": problem_forms, "constituency": constituency,
        "picker_rows": picker_rows, "constituent_query": query,
    })


def _prefill(request) -> dict:
    """The 三问 coverage planner opens the form for one gap: ?ask_type=…&place=… (bad values are ignored)."""
    initial = {}
    if request.GET.get("ask_type") in AskType.values:
        initial["ask_type"] = request.GET["ask_type"]
    place = request.GET.get("place", "").strip()
    if place and len(place) <= 120:
        initial["place"] = place
    return initial


def _planned_rows(request, constituents) -> list[tuple[int, str, bool]]:
    """?community=…&category=…: the picker lists that community's people of that category, unchecked."""
    community, category = request.GET.get("community", ""), request.GET.get("category", "")
    if not (community.isascii() and community.isdigit() and len(community) < 19) \
            or category not in ConstituentCategory.values:
        return []
    planned = constituents.filter(community_id=int(community), category=category).order_by("name", "pk")
    return [(c.pk, ConstituentChoiceField.label_for(c), False) for c in planned[:selectors.PICKER_LIMIT]]


def _save_activity(form, people, problem_forms, user) -> ContactActivity:
    data = form.cleaned_data
    picked = list(data["constituents"])
    picked_ids = {c.pk for c in picked}
    options = {c.pk: c for c in form.fields["constituents"].queryset}
    new_people = [
        services.NewConstituent(name=row["name"].strip(), community=row["community"], category=row["category"],
                                phone=row.get("phone", ""))
        for row in (f.cleaned_data for f in people.forms)
        if row.get("name")
    ]
    new_row_index = {}
    for index, f in enumerate(people.forms):
        if f.cleaned_data.get("name"):
            new_row_index[index] = len(new_row_index)
    raised = []
    for f in problem_forms.forms:
        row = f.cleaned_data
        if not row.get("text"):
            continue
        indexes = []
        for choice in row.get("raisers", []):
            if choice.startswith("c"):
                pk = int(choice[1:])
                if pk not in picked_ids:  # naming a raiser means they were met
                    picked.append(options[pk])
                    picked_ids.add(pk)
                indexes.append(("c", pk))
            elif int(choice[1:]) in new_row_index:
                indexes.append(("n", new_row_index[int(choice[1:])]))
        raised.append((row, indexes))
    position = {c.pk: i for i, c in enumerate(picked)}
    problems = [
        services.RaisedProblem(
            text=row["text"], category=row["category"], is_livelihood=row.get("is_livelihood", False),
            constituent_indexes=tuple(position[key] if kind == "c" else len(picked) + key for kind, key in indexes),
        )
        for row, indexes in raised
    ]
    organizer = data["organizer"] if not user.is_deputy else ActivityOrganizer.PERSONAL
    return services.activity_log(
        organizer=organizer, deputies=list(data["deputies"]), held_on=data["held_on"], ask_type=data["ask_type"],
        form=data["form"], place=data["place"], constituency=data["constituency"], summary=data["summary"],
        constituents=picked, new_constituents=new_people, crowd_count=data["crowd_count"],
        photos=[(upload, "") for upload in data["photos"]], problems=problems, acting_user=user,
    )


@login_required
def activity_detail(request, pk: int):
    activity = get_object_or_404(
        ContactActivity.objects.visible_to(request.user).select_related("group", "constituency", "recorded_by"), pk=pk
    )
    return render(request, "constituents/activity_detail.html", {
        "activity": activity,
        "deputies": activity.deputies.select_related("constituency"),
        "constituents": activity.constituents.select_related("community"),
        "photos": activity.photos.all(),
        "problems": activity.problems.select_related("deputy"),
        "photo_form": PhotoForm(),
        "can_add_photo": request.user.can_write,
    })


@require_write
def activity_photo_add(request, pk: int):
    activity = get_object_or_404(ContactActivity.objects.visible_to(request.user), pk=pk)
    if request.method != "POST":
        return redirect(activity)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.activity_photo_add(activity=activity, image=form.cleaned_data["image"],
                                        caption=form.cleaned_data["caption"], acting_user=request.user)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, "照片已上传。")
    else:
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    return redirect(activity)


@login_required
def activity_photo(request, pk: int):
    """Photos are served through the page's scoping, never from a public folder."""
    photo = get_object_or_404(ActivityPhoto.objects.visible_to(request.user), pk=pk)
    try:
        return FileResponse(photo.image.open("rb"))
    except FileNotFoundError as error:
        raise Http404("照片文件不存在。") from error


# Groups one page of the statistics shows: a district's 25 at once, a province's 8,000 in pages.
STATS_GROUPS_PER_PAGE = 50


@login_required
def activity_stats(request):
    """Per group and per deputy: activities this year against the two-a-year rule; livelihood problems solved.

    The groups come in pages (?gpage=), and without a chosen group the deputies listed are those of the
    page's groups: a province's 8,000 groups and 100k deputies, each counted and sorted by its count,
    took seconds and 1.4 MB (perf, issue 11). A district's groups all fit on the first page, as before."""
    user = request.user
    today = timezone.localdate()
    year = year_param(request, default=today.year)
    visible_groups = DeputyGroup.objects.visible_to(user)
    group_page = Paginator(visible_groups.values_list("pk", flat=True), STATS_GROUPS_PER_PAGE).get_page(
        request.GET.get("gpage"))
    page_group_ids = list(group_page.object_list)
    summaries = {group.pk: group for group in selectors.group_year_summary(
        visible_groups.filter(pk__in=page_group_ids), year)}
    groups = [summaries[pk] for pk in page_group_ids if pk in summaries]
    group_id = id_param(request, "group")
    deputies = selectors.with_year_counts(
        Deputy.objects.visible_to(user).filter(term__is_current=True).select_related("group", "constituency"), year
    ).order_by("group__sort_order", "activity_count", "name")
    deputies = deputies.filter(group_id=group_id) if group_id else deputies.filter(group_id__in=page_group_ids)
    page = Paginator(deputies, 60).get_page(request.GET.get("page"))
    term = Term.current()
    term_years = term.years_so_far(today) if term else [today.year]
    return render(request, "constituents/activity_stats.html", {
        "year": year, "years": term_years, "groups": groups, "group_page": group_page, "page": page,
        "group_id": group_id, "minimum": casework_setting("ACTIVITIES_PER_YEAR"),
        "goal_min": casework_setting("LIVELIHOOD_GOAL_MIN"), "goal_max": casework_setting("LIVELIHOOD_GOAL_MAX"),
        "problem_source_visit": Problem.Source.VISIT,
    })
