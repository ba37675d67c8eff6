"""Bills and suggestions (议案/建议): list, draft from problems, submit, hand over, reply (fan-out), satisfaction."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from liaison.autocomplete import LIMIT as AUTOCOMPLETE_LIMIT
from liaison.exports import export_list, export_url, wants_xlsx
from liaison.forms import attach_errors
from liaison.params import MAX_ID, text_param
from liaison.permissions import require_write

from . import services
from .conf import casework_setting
from .filters import SuggestionFilter
from .forms import AssignForm, MergeForm, SatisfactionForm, SubmitForm, SuggestionForm, SuggestionReplyForm
from .models import Problem, ProblemCategory, ProblemFeedback, Suggestion
from .permissions import may, refused


def _refusal(request, step: str):
    """Every suggestion step asks the role table (constituents/permissions.py) first."""
    allowed, reason = may(request.user, step)
    return None if allowed else refused(request, reason)


@login_required
def suggestion_list(request):
    if wants_xlsx(request):
        return export_list(request, "suggestions")
    base = (
        Suggestion.objects.visible_to(request.user)
        .select_related("lead_deputy", "lead_department", "group")
        .annotate(proposer_count=Count("proposers", distinct=True), problem_count=Count("problems", distinct=True))
        .order_by("-created_at", "-id")
    )
    suggestion_filter = SuggestionFilter(request.GET, queryset=base, user=request.user)
    page = Paginator(suggestion_filter.qs, 30).get_page(request.GET.get("page"))
    return render(request, "constituents/suggestion_list.html", {
        "filter": suggestion_filter, "page": page, "today": timezone.localdate(), "export_url": export_url(request),
    })


def _problem_choices(user):
    """Every problem the user may link: what the form validates against, never what it lists."""
    return Problem.objects.visible_to(user).select_related("constituency").order_by("category", "-raised_on")


# The problems offered unchecked under the chosen ones: the category's newest (a province has 3M problems).
OFFERED_PROBLEMS = 100


def _category(value) -> str | None:
    return value if value in ProblemCategory.values else None


def _place(query) -> dict:
    """?constituency= / ?community= from 群众反映集中的问题: the place the drafting started from."""
    place = {}
    for name in ("constituency", "community"):
        value = (query.get(name) or "").strip()
        if value.isascii() and value.isdigit() and 0 < int(value) <= MAX_ID:
            place[f"{name}_id"] = int(value)
    return place


def _offered_problems(user, category: str | None, place: dict):
    problems = Problem.objects.visible_to(user).select_related("constituency").filter(**place)
    if category:
        problems = problems.filter(category=category)
    return problems.order_by("-raised_on", "-id")[:OFFERED_PROBLEMS]


SEARCHES = ("proposers", "problems")


def _search(request, *, category: str | None = None) -> JsonResponse:
    """The form's search boxes ask the page itself (?search=proposers|problems&q=): the same rows the form
    accepts, the first matches only, as {"results": [{"id", "text"}]} (liaison/autocomplete.py's shape)."""
    query = text_param(request)
    if request.GET["search"] == "proposers":
        field = SuggestionForm.base_fields["proposers"]
        rows = SuggestionForm.serving_deputies()
        rows = (rows.filter(name__contains=query) if query else rows).order_by("name", "pk")
    else:
        field = SuggestionForm.base_fields["problems"]
        rows = _problem_choices(request.user)
        if category := category or _category(request.GET.get("category")):
            rows = rows.filter(category=category)
        # icontains: UPPER(text) LIKE, which the trigram index search_problem_text_trgm answers (the search box's).
        rows = (rows.filter(text__icontains=query) if query else rows).order_by("-raised_on", "-id")
    return JsonResponse({"results": [
        {"id": row.pk, "text": field.label_from_instance(row)} for row in rows[:AUTOCOMPLETE_LIMIT]
    ]})


@require_write
def suggestion_create(request):
    user = request.user
    if not user.can_write:
        raise PermissionDenied(user.write_refusal)
    if (refusal := _refusal(request, "suggestion_draft")) is not None:
        return refusal
    if request.GET.get("search") in SEARCHES:
        return _search(request)
    problems = _problem_choices(user)
    initial: dict = {}
    category = _category(request.GET.get("category"))
    place = _place(request.GET)
    if category:
        initial["category"] = category
        preselect = problems.filter(category=category, **place)
        initial["problems"] = list(preselect.values_list("pk", flat=True)[:200])
    if user.is_deputy and user.current_deputy is not None:
        initial["lead_deputy"] = user.current_deputy.pk
    form = SuggestionForm(
        request.POST or None, user=user, problems=problems, initial=initial, search_url=request.path,
        offered_problems=_offered_problems(user, _category(request.POST.get("category")) or category, place),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            suggestion = services.suggestion_draft(
                kind=data["kind"], title=data["title"], content=data["content"], category=data["category"],
                lead_deputy=data["lead_deputy"], proposers=list(data["proposers"]), problems=data["problems"],
                research_notes=data["research_notes"], acting_user=user,
            )
        except ValidationError as error:
            attach_errors(error, form)
        else:
            messages.success(request, f"{suggestion.get_kind_display()}草稿已保存。")
            return redirect(suggestion)
    return render(request, "constituents/suggestion_form.html", {
        "form": form, "title": "起草议案/建议", "bill_minimum": casework_setting("BILL_MIN_PROPOSERS"),
    })


@require_write
def suggestion_edit(request, pk: int):
    suggestion = get_object_or_404(Suggestion.objects.visible_to(request.user), pk=pk)
    if not request.user.can_write:
        raise PermissionDenied(request.user.write_refusal)
    if (refusal := _refusal(request, "suggestion_edit")) is not None:
        return refusal
    if request.GET.get("search") in SEARCHES:
        return _search(request, category=suggestion.category)
    form = SuggestionForm(
        request.POST or None, user=request.user, problems=_problem_choices(request.user), editing=True,
        search_url=request.path, offered_problems=_offered_problems(request.user, suggestion.category, {}),
        initial={
            "title": suggestion.title, "content": suggestion.content, "research_notes": suggestion.research_notes,
            "proposers": list(suggestion.proposers.values_list("pk", flat=True)),
            "problems": list(suggestion.problems.values_list("pk", flat=True)),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.suggestion_update(
                suggestion=suggestion, title=data["title"], content=data["content"],
                research_notes=data["research_notes"], proposers=list(data["proposers"]), problems=data["problems"],
                acting_user=request.user,
            )
        except ValidationError as error:
            attach_errors(error, form)
        else:
            messages.success(request, "已保存。")
            return redirect(suggestion)
    return render(request, "constituents/suggestion_form.html", {
        "form": form, "title": f"修改{suggestion.get_kind_display()}", "suggestion": suggestion,
        "bill_minimum": casework_setting("BILL_MIN_PROPOSERS"),
    })


@login_required
def suggestion_detail(request, pk: int):
    suggestion = get_object_or_404(
        Suggestion.objects.visible_to(request.user).select_related("lead_deputy", "lead_department", "group",
                                                                   "created_by", "merged_into"),
        pk=pk,
    )
    # Only the linked problems this person may see are listed; the rest are counted.
    problems = list(Problem.objects.visible_to(request.user).filter(suggestions=suggestion)
                    .select_related("constituency", "deputy"))
    hidden_problem_count = suggestion.problems.count() - len(problems)
    feedbacks = ProblemFeedback.objects.filter(suggestion=suggestion)
    feedback_counts = {
        "total": feedbacks.count(),
        "pending": feedbacks.filter(status=ProblemFeedback.Status.PENDING).count(),
    }
    history = list(suggestion.history.select_related("history_user").order_by("-history_date", "-history_id")[:50])
    return render(request, "constituents/suggestion_detail.html", {
        "hidden_problem_count": hidden_problem_count,
        "merged_items": Suggestion.objects.visible_to(request.user).filter(merged_into=suggestion),
        "suggestion": suggestion,
        "proposers": suggestion.proposers.select_related("group"),
        "co_departments": suggestion.co_departments.all(),
        "problems": problems,
        "feedback_counts": feedback_counts,
        "actions": _suggestion_actions(suggestion, request.user),
        "history_rows": history,
        "today": timezone.localdate(),
        "bill_minimum": casework_setting("BILL_MIN_PROPOSERS"),
    })


def _suggestion_actions(suggestion: Suggestion, user) -> list[tuple[str, str]]:
    """The steps the state allows now, shown only when the role table lets this person do them."""
    state = suggestion.state
    actions = []
    if state == Suggestion.State.DRAFT:
        actions += [("edit", "修改"), ("submit", "提交")]
    if state == Suggestion.State.SUBMITTED:
        actions.append(("assign", "交办部门"))
    if state in (Suggestion.State.SUBMITTED, Suggestion.State.ASSIGNED) and not suggestion.merged_into_id:
        actions.append(("merge", "并案办理"))
    if state == Suggestion.State.ASSIGNED and not suggestion.merged_into_id:
        actions.append(("reply", "登记答复"))
    if state == Suggestion.State.REPLIED:
        actions.append(("satisfaction", "登记代表满意度"))
    return [(step, label) for step, label in actions if may(user, f"suggestion_{step}")[0]]


SUGGESTION_STEPS = {
    "submit": ("提交", SubmitForm, "submitted_on"),
    "assign": ("交办部门", AssignForm, "assigned_on"),
    "reply": ("登记答复", SuggestionReplyForm, "replied_on"),
    "satisfaction": ("登记代表满意度", SatisfactionForm, None),
    "merge": ("并案办理", MergeForm, None),
}


@require_write
def suggestion_step(request, pk: int, step: str):
    suggestion = get_object_or_404(Suggestion.objects.visible_to(request.user).select_related("lead_deputy"), pk=pk)
    if step not in SUGGESTION_STEPS:
        raise PermissionDenied("您无权进行此操作。")
    if (refusal := _refusal(request, f"suggestion_{step}")) is not None:
        return refusal
    title, form_class, date_field = SUGGESTION_STEPS[step]
    initial = {date_field: timezone.localdate()} if date_field else {}
    form = form_class(request.POST or None, initial=initial)
    if step == "merge":
        form.fields["into"].queryset = (
            Suggestion.objects.visible_to(request.user)
            .filter(state=Suggestion.State.ASSIGNED, merged_into__isnull=True, term_id=suggestion.term_id)
            .exclude(pk=suggestion.pk)
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        common = {"suggestion": suggestion, "acting_user": request.user}
        try:
            if step == "submit":
                services.suggestion_submit(submitted_on=data["submitted_on"], **common)
                message = "已提交。"
            elif step == "assign":
                services.suggestion_assign(lead_department=data["lead_department"],
                                           co_departments=data["co_departments"], assigned_on=data["assigned_on"],
                                           **common)
                message = "已交办，答复期限为交办后三个月。"
            elif step == "reply":
                queued = services.suggestion_record_reply(reply_text=data["reply_text"],
                                                          result_class=data["result_class"],
                                                          replied_on=data["replied_on"], **common)
                message = f"答复已登记，并送达每一条相关群众诉求；生成待反馈事项 {queued} 条。"
            elif step == "merge":
                services.suggestion_merge(into=data["into"], **common)
                message = f"已并入“{data['into'].title}”办理，主件答复后本件同时答复。"
            else:
                services.suggestion_record_satisfaction(satisfaction=data["satisfaction"], note=data["note"],
                                                        **common)
                message = "代表满意度已登记。"
        except ValidationError as error:
            attach_errors(error, form)
        else:
            messages.success(request, message)
            return redirect(suggestion)
    return render(request, "constituents/suggestion_step.html", {
        "suggestion": suggestion, "form": form, "title": title,
    })
