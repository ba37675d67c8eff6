"""Casework pages (群众诉求): lists with overdue views, the detail with its timeline, one page per step."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from deputies.models import Constituency
from liaison.autocomplete import AutocompleteWidget, is_many
from liaison.exports import export_list, export_url, wants_xlsx
from liaison.forms import attach_errors
from liaison.pagination import capped_page
from liaison.params import year_param
from liaison.permissions import require_write

from . import selectors, services
from .filters import ProblemFilter
from .forms import (
    AcceptForm,
    CallbackForm,
    ExtensionDecisionForm,
    ExtensionForm,
    FeedbackForm,
    FollowUpForm,
    ForwardForm,
    LinkForm,
    ProblemEditForm,
    ProblemRegisterForm,
    RemindForm,
    ReopenForm,
    ReplyForm,
    ResolveForm,
    ReturnForm,
    SendBackForm,
    UnsolvableForm,
    add_proxy_field,
)
from .list_rows import problem_row
from .models import (
    Callback,
    CallbackResult,
    Constituent,
    ExtensionRequest,
    Forwarding,
    Problem,
    ProblemCategory,
    ProblemFeedback,
)
from .permissions import department_ids, is_proxy, may, refused

State = Problem.State

# What a row of the list reads (list_rows.problem_row, _next_action, may()): not the texts of the
# result, the reasons or the timestamps, nor a deputy's or group's other columns (perf, issue 11).
LIST_FIELDS = ("source", "state", "text", "category", "is_livelihood", "raised_on", "round", "open_deadline",
               "linked_to_id", "group__name", "deputy__name")


# What a row reads of a current forwarding (list_rows._forwarding_cell, _state_actions, the overdue rule):
# not the reply, the return reason or who recorded each step.
FORWARDING_FIELDS = ("problem_id", "round", "status", "forwarded_on", "deadline", "deadline_is_estimate",
                     "department__name")


@login_required
def problem_list(request):
    if wants_xlsx(request):
        return export_list(request, "problems")
    today = timezone.localdate()
    base = Problem.objects.visible_to(request.user).select_related("group", "deputy").only(*LIST_FIELDS)
    problem_filter = ProblemFilter(request.GET, queryset=base, user=request.user, today=today)
    page = capped_page(problem_filter.qs, 30, request.GET)
    problems = list(page)
    current = _page_forwardings(problems)
    facts = _round_facts(problems, current)
    for problem in problems:
        problem.current_forwardings = current[problem.pk]
        problem.is_overdue = problem.is_overdue(today, current=problem.current_forwardings)
        problem.overdue_days = problem.days_overdue(today)  # the longest, by the stored earliest open deadline
        for forwarding in problem.current_forwardings:
            forwarding.overdue_days = (today - forwarding.deadline).days if forwarding.is_overdue(today) else 0
        # A phone shows each case as a card with its next step (the first the state machine allows).
        problem.next_action = _next_action(problem, problem.current_forwardings, request.user, **facts[problem.pk])
    can_bulk = may(request.user, "bulk")[0]  # the bulk bar (_bulk_bar.html, views_bulk.py)
    return render(request, "constituents/problem_list.html", {
        "filter": problem_filter, "page": page, "today": today, "view": request.GET.get("view", ""),
        "export_url": export_url(request), "can_bulk": can_bulk,
        "rows": [problem_row(problem, can_bulk=can_bulk) for problem in problems],
    })


@require_write
def problem_create(request):
    user = request.user
    if not user.can_write:
        raise PermissionDenied(user.write_refusal)
    allowed, reason = may(user, "register")
    if not allowed:
        return refused(request, reason)
    constituencies = Constituency.objects.visible_to(user).filter(term__is_current=True)
    wanted = request.POST.get("constituency") or request.GET.get("constituency")
    constituency = constituencies.filter(pk=wanted).first() if wanted and str(wanted).isdigit() else None
    if constituency is None:
        deputy = user.current_deputy if user.is_deputy else None
        constituency = deputy.constituency if deputy else constituencies.first()
    data = request.POST if request.method == "POST" and request.POST.get("action") != "switch" else None
    form = ProblemRegisterForm(data, user=user, constituency=constituency,
                               initial={"raised_on": timezone.localdate(), "constituency": constituency})
    if data is not None and form.is_valid():
        cleaned = form.cleaned_data
        try:
            problem = services.problem_register(
                source=cleaned["source"], text=cleaned["text"], category=cleaned["category"],
                group=cleaned["constituency"].group, deputy=cleaned["deputy"], constituency=cleaned["constituency"],
                constituents=cleaned["constituents"], is_livelihood=cleaned["is_livelihood"],
                raised_on=cleaned["raised_on"], acting_user=user,
            )
        except ValidationError as error:
            attach_errors(error, form)
        else:
            messages.success(request, "群众诉求已登记，请尽快转交有关部门。")
            return redirect(problem)
    # The picker above the form: a <select> of a district's constituencies, a search box past a hundred.
    picker = None if not is_many(constituencies) else AutocompleteWidget(
        "autocomplete_constituencies", "输入选区或代表组名称查找", queryset=constituencies,
    ).render("constituency", constituency.pk if constituency else None, attrs={"id": "pick-constituency"})
    return render(request, "constituents/problem_form.html", {"form": form, "constituency": constituency,
                                                              "constituencies": constituencies, "picker": picker})


@require_write
@require_POST
def problem_link(request, pk: int):
    """并入: link this newly registered problem into the similar case chosen on its page."""
    problem = get_object_or_404(Problem.objects.visible_to(request.user), pk=pk)
    allowed, reason = may(request.user, "link", problem=problem)
    if not allowed:
        return refused(request, reason)
    form = LinkForm(request.POST)
    if not form.is_valid():
        raise BadRequest("要并入的诉求编号不正确。")
    main = get_object_or_404(Problem.objects.visible_to(request.user), pk=form.cleaned_data["main"])
    try:
        services.problem_link(problem=problem, main=main, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, f"已并入诉求{problem.linked_to_id}：随主件转交办理，办理结果将告知本诉求的反映人。")
    return redirect(problem.get_absolute_url())


def _available_actions(problem: Problem, current: list[Forwarding], user=None, **facts) -> list[tuple[str, str]]:
    """The steps the state machine allows now and the role table allows this person, as (action, label);
    `facts` as _state_actions takes them, where the caller knows them already."""
    actions = _state_actions(problem, current, **facts)
    if user is None:
        return actions
    return [(step, label) for step, label in actions if may(user, step, problem=problem)[0]]


def _next_action(problem: Problem, current: list[Forwarding], user, **facts) -> tuple[str, str] | None:
    """The first step, other than editing, that the state machine and the role table allow now."""
    for step, label in _state_actions(problem, current, **facts):
        if step != "edit" and may(user, step, problem=problem)[0]:
            return step, label
    return None


def _page_forwardings(problems: list[Problem]) -> dict[int, list[Forwarding]]:
    """Each problem's forwardings of its current round, for the rows of one page, in one query, each
    with has_pending_extension. For the rows shown only: an EXISTS in the problems' SELECT would be
    evaluated for every row an OFFSET skips as well (seconds on a deep page of millions), and a
    prefetch builds a queryset per problem and per forwarding (perf, issue 11)."""
    current: dict[int, list[Forwarding]] = {p.pk: [] for p in problems}
    if not problems:
        return current
    by_round: dict[int, list[int]] = {}
    for problem in problems:
        by_round.setdefault(problem.round, []).append(problem.pk)
    this_round = Q()
    for round_, ids in by_round.items():  # this round's forwardings only, not those of rounds before
        this_round |= Q(problem_id__in=ids, round=round_)
    pending = ExtensionRequest.objects.filter(forwarding=OuterRef("pk"), status=ExtensionRequest.Status.PENDING)
    for forwarding in (Forwarding.objects.filter(this_round).select_related("department")
                       .only(*FORWARDING_FIELDS).annotate(has_pending_extension=Exists(pending))
                       .order_by("forwarded_on", "pk")):
        current[forwarding.problem_id].append(forwarding)
    return current


def _round_facts(problems: list[Problem], current: dict[int, list[Forwarding]]) -> dict[int, dict[str, bool]]:
    """_state_actions' two facts for a page of problems, without a prefetch per problem and per
    forwarding: whether an extension request of a current forwarding awaits a decision (read with
    the forwardings by _page_forwardings), and whether a dissatisfied callback of this round
    has not been sent back yet (one query, when the page has fed-back rows)."""
    fed_back = {p.pk: p.round for p in problems if p.state == State.FED_BACK}
    awaiting = {problem_id for problem_id, round_ in Callback.objects.filter(
        problem_id__in=list(fed_back), result=CallbackResult.DISSATISFIED, sent_back=False,
    ).values_list("problem_id", "round") if fed_back[problem_id] == round_} if fed_back else set()
    return {p.pk: {"pending_extension": any(f.has_pending_extension for f in current[p.pk]),
                   "awaiting_send_back": p.pk in awaiting} for p in problems}


def _state_actions(problem: Problem, current: list[Forwarding], *, pending_extension: bool | None = None,
                   awaiting_send_back: bool | None = None) -> list[tuple[str, str]]:
    """The steps the state machine allows now. The two facts that need more than the problem and its
    current forwardings are read from their prefetched rows unless the caller has them already (a
    list reads them for the whole page at once: _round_facts)."""
    actions = []
    state = problem.state
    if state in (State.REGISTERED, State.FORWARDED, State.HANDLING):
        actions.append(("forward", "转交部门" if state == State.REGISTERED else "增加承办部门"))
    if state in (State.FORWARDED, State.HANDLING):
        if any(f.status == Forwarding.Status.PENDING for f in current):
            actions.append(("accept", "登记部门受理"))
        if any(f.is_open for f in current):
            actions.append(("return", "登记退办"))
            actions.append(("extend", "申请延期"))
        if pending_extension is None:
            pending_extension = any(e.status == ExtensionRequest.Status.PENDING
                                    for f in current for e in f.extension_requests.all())
        if pending_extension:
            actions.append(("decide_extension", "审批延期"))
    if state == State.HANDLING:
        if any(f.status == Forwarding.Status.HANDLING for f in current):
            actions.append(("reply", "登记部门答复"))
        if current and not any(f.is_open for f in current) and any(
            f.status == Forwarding.Status.REPLIED for f in current
        ):
            actions += [("resolve", "办结"), ("unsolvable", "暂不能解决")]
    if state in (State.RESOLVED, State.UNSOLVABLE):
        actions.append(("feedback", "登记反馈"))
    if state in (State.RESOLVED, State.UNSOLVABLE, State.FED_BACK):
        actions.append(("callback", "回访"))
    if state == State.FED_BACK:
        if awaiting_send_back is None:
            awaiting_send_back = any(c.round == problem.round and c.result == CallbackResult.DISSATISFIED
                                     and not c.sent_back for c in problem.callbacks.all())
        if awaiting_send_back:
            actions.append(("send_back", "发回重办"))
        actions.append(("reopen", "重新办理"))
    if state in (State.FORWARDED, State.HANDLING) and any(f.is_open for f in current):
        actions.append(("remind", "催办"))
    if state in (State.FORWARDED, State.HANDLING, State.RESOLVED, State.UNSOLVABLE):
        actions.append(("followup", "记录督办"))
    if not problem.has_result:
        actions.append(("edit", "修改登记内容"))
    return actions


STEP_TITLES = {
    "forward": "转交有关部门", "accept": "签收（受理）", "reply": "部门答复", "return": "退办",
    "extend": "申请延期", "decide_extension": "审批延期",
    "resolve": "办结", "unsolvable": "暂不能解决", "feedback": "登记反馈", "reopen": "重新办理",
    "callback": "回访", "send_back": "发回重办",
    "followup": "记录督办", "remind": "催办承办部门", "edit": "修改登记内容",
}
FORWARDING_STEPS = ("accept", "reply", "return", "extend")


def _step_form(step: str, problem: Problem, user, data, files=None, chosen: str | None = None):
    form = _bare_step_form(step, problem, user, data, files, chosen)
    if is_proxy(user, step):
        department = None
        choice = form.fields.get("forwarding")
        if choice is not None:
            department = next((f.department for f in choice.queryset), None)
        elif step in ("resolve", "unsolvable"):
            replied = problem.forwardings.filter(round=problem.round, status=Forwarding.Status.REPLIED)
            department = next((f.department for f in replied.select_related("department")), None)
        add_proxy_field(form, department)
    return form


def _bare_step_form(step: str, problem: Problem, user, data, files, chosen):
    today = {"forwarded_on": timezone.localdate()}
    current = problem.forwardings.filter(round=problem.round).select_related("department")
    if user.is_department:
        current = current.filter(department_id__in=department_ids(user))
    if chosen and chosen.isdigit() and current.filter(pk=chosen).exists():
        current = current.filter(pk=chosen)
    day = timezone.localdate()
    if step == "forward":
        return ForwardForm(data, initial=today)
    if step == "accept":
        return AcceptForm(data, forwardings=current.filter(status=Forwarding.Status.PENDING),
                          initial={"accepted_on": day})
    if step == "reply":
        return ReplyForm(data, files, forwardings=current.filter(status=Forwarding.Status.HANDLING),
                         initial={"replied_on": day})
    if step == "return":
        return ReturnForm(data, forwardings=current.filter(status__in=Forwarding.OPEN_STATUSES),
                          initial={"returned_on": day})
    if step == "extend":
        return ExtensionForm(data, forwardings=current.filter(status__in=Forwarding.OPEN_STATUSES))
    if step == "decide_extension":
        return ExtensionDecisionForm(data, extensions=ExtensionRequest.objects.filter(
            forwarding__problem=problem, status=ExtensionRequest.Status.PENDING,
        ).select_related("forwarding__department"))
    if step == "callback":
        return CallbackForm(data, raisers=problem.constituents.select_related("community"), initial={"called_on": day})
    if step == "send_back":
        return SendBackForm(data, callbacks=Callback.objects.filter(
            problem=problem, round=problem.round, result=CallbackResult.DISSATISFIED, sent_back=False,
        ).select_related("constituent"), initial={"sent_on": day})
    if step == "resolve":
        return ResolveForm(data, initial={"resolved_on": day})
    if step == "unsolvable":
        return UnsolvableForm(data, initial={"decided_on": day})
    if step == "feedback":
        waiting = Constituent.objects.filter(
            feedbacks__problem=problem, feedbacks__status=ProblemFeedback.Status.PENDING
        ).select_related("community").distinct()
        return FeedbackForm(data, waiting=waiting, initial={"when": day})
    if step == "reopen":
        return ReopenForm(data, initial={"reopened_on": day})
    if step == "remind":
        return RemindForm(data)
    if step == "followup":
        return FollowUpForm(data, forwardings=current.exclude(status=Forwarding.Status.RETURNED),
                            initial={"followed_on": day})
    if step == "edit":
        return ProblemEditForm(data, problem=problem, user=user, initial={
            "text": problem.text, "category": problem.category, "is_livelihood": problem.is_livelihood,
            "deputy": problem.deputy_id,
        })
    raise PermissionDenied("没有这个办理步骤。")


def _run_step(step: str, problem: Problem, data: dict, user) -> str:
    common = {"problem": problem, "acting_user": user}
    proxy = {"proxy_contact": data.get("proxy_contact", "")}
    if step == "forward":
        services.problem_forward(departments=data["departments"], forwarded_on=data["forwarded_on"],
                                 deadline_days=data.get("deadline_days"), deadline=data.get("deadline"),
                                 needs_contact=data.get("needs_contact", False), **common)
        return "已转交有关部门，承办单位已收到通知。"
    if step == "accept":
        services.problem_start_handling(forwarding=data["forwarding"], accepted_on=data["accepted_on"],
                                        **proxy, **common)
        return "已签收，诉求进入办理中。"
    if step == "reply":
        services.problem_record_reply(forwarding=data["forwarding"], reply_text=data["reply_text"],
                                      result_class=data["result_class"], replied_on=data["replied_on"],
                                      attachments=data.get("attachments") or [], **proxy, **common)
        return "答复已保存。"
    if step == "return":
        services.problem_return(forwarding=data["forwarding"], reason=data["reason"],
                                returned_on=data["returned_on"], **proxy, **common)
        return "已退办；联络工委将转交正确的部门。"
    if step == "extend":
        services.extension_request(forwarding=data["forwarding"], reason=data["reason"],
                                   new_deadline=data["new_deadline"], **proxy, **common)
        return "延期申请已提交，联络工委同意后答复期限才会改变。"
    if step == "decide_extension":
        extension = services.extension_decide(extension=data["extension"], approve=data["decision"] == "approve",
                                              note=data.get("note", ""), acting_user=user)
        return "已同意延期，答复期限已更新。" if extension.status == ExtensionRequest.Status.APPROVED else "已不同意延期。"
    if step == "resolve":
        services.problem_resolve(result_summary=data["result_summary"], resolved_on=data["resolved_on"],
                                 **proxy, **common)
        return "诉求已办结，请尽快告知反映人。"
    if step == "unsolvable":
        services.problem_mark_unsolvable(reason=data["reason"], result_summary=data.get("result_summary", ""),
                                         decided_on=data["decided_on"], **proxy, **common)
        return "已登记为暂不能解决，请向反映人说明原因。"
    if step == "callback":
        services.callback_record(constituent=data.get("constituent"), result=data["result"],
                                 note=data.get("note", ""), called_on=data["called_on"], **common)
        return "回访结果已保存。"
    if step == "send_back":
        services.problem_send_back(callback=data["callback"], reason=data.get("reason", ""),
                                   sent_on=data["sent_on"], **common)
        return "已发回重办，请重新转交有关部门。"
    if step == "feedback":
        chosen = data.get("constituents")
        services.problem_feedback(how=data["how"], when=data["when"], note=data.get("note", ""),
                                  constituents=list(chosen) if chosen else None, **common)
        return "已登记反馈。"
    if step == "reopen":
        services.problem_reopen(reason=data["reason"], reopened_on=data["reopened_on"], **common)
        return "已重新办理，请再次转交有关部门。"
    if step == "remind":
        reminded = services.problem_remind(**common)
        return "已催办" + "、".join(f.department.name for f in reminded) + "，部门账号已收到通知。"
    if step == "followup":
        services.followup_add(followed_on=data["followed_on"], method=data["method"],
                              department_said=data["department_said"], forwarding=data.get("forwarding"),
                              note=data.get("note", ""), **common)
        return "督办记录已保存。"
    if step == "edit":
        services.problem_update(text=data["text"], category=data["category"], is_livelihood=data["is_livelihood"],
                                deputy=data["deputy"], **common)
        return "登记内容已修改。"
    raise PermissionDenied("没有这个办理步骤。")


@require_write
def problem_step(request, pk: int, step: str):
    """One page per step of the pipeline. The role table (`may`) decides who may do the step,
    on every request; the services decide whether the state allows it now."""
    if not request.user.can_write:
        raise PermissionDenied(request.user.write_refusal)
    problem = get_object_or_404(
        Problem.objects.visible_to(request.user).select_related("group", "deputy", "constituency"), pk=pk
    )
    if step not in STEP_TITLES:
        raise Http404("没有这个办理步骤。")
    allowed, reason = may(request.user, step, problem=problem)
    if not allowed:
        return refused(request, reason)
    back = _back_url(request, problem)
    if request.method != "POST":
        current = list(problem.forwardings.filter(round=problem.round).prefetch_related("extension_requests"))
        if step not in dict(_state_actions(problem, current)):
            messages.info(request, f"该诉求当前为“{problem.display_state}”，现在不能{STEP_TITLES[step]}。")
            return redirect(back)
    posted = request.method == "POST"
    form = _step_form(step, problem, request.user, request.POST if posted else None,
                      request.FILES if posted else None, request.GET.get("forwarding"))
    if request.method == "POST" and form.is_valid():
        try:
            message = _run_step(step, problem, form.cleaned_data, request.user)
        except ValidationError as error:
            attach_errors(error, form)
        else:
            messages.success(request, message)
            return redirect(back)
    return render(request, "constituents/problem_step.html", {
        "problem": problem, "form": form, "step": step, "title": STEP_TITLES[step], "back": back,
        "proxy": is_proxy(request.user, step),
    })


def _back_url(request, problem: Problem) -> str:
    """A department goes back to its own forwarding page; everyone else to the problem."""
    if request.user.is_department:
        mine = problem.forwardings.filter(department_id__in=department_ids(request.user)).order_by("-round", "-pk")
        forwarding_id = mine.values_list("pk", flat=True).first()
        if forwarding_id:
            return reverse("constituents:forwarding_detail", args=[forwarding_id])
    return problem.get_absolute_url()


def _common_problems_stored(by: str, year: int | None, category: str | None):
    """(rows, categories, computed_at) from the stored figures, filtered as the page asked."""
    from liaison.figures import figures

    data, computed_at = figures(f"{selectors.COMMON_FIGURES}{by}/{year or 'all'}")
    rows = [row for row in data["rows"] if not category or row["category"] == category][:selectors.COMMON_ROWS]
    categories = [row for row in data["categories"] if not category or row["category"] == category]
    return rows, categories, computed_at


def _stored_common_problems(user, year: int | None, term_years: list[int]) -> bool:
    """Whether the page reads stored figures: for the whole district (others count their own groups
    live, through visible_to), for a year of the term or all years (a year from the query string
    must not make a figure beat then keeps computing)."""
    return user.sees_district and (not year or year in term_years)


@login_required
def common_problems(request):
    """What many people raise, by category and place: the starting point of a bill or suggestion."""
    by = request.GET.get("by") if request.GET.get("by") in ("constituency", "community") else "constituency"
    year = year_param(request)
    category = request.GET.get("category")
    category = category if category in ProblemCategory.values else None
    from deputies.models import Term

    term = Term.current()
    term_years = term.years_so_far(timezone.localdate()) if term else []
    computed_at = None
    if _stored_common_problems(request.user, year, term_years):
        rows, categories, computed_at = _common_problems_stored(by, year, category)
    else:
        problems = Problem.objects.visible_to(request.user)
        if year:
            problems = problems.filter(raised_on__year=year)
        if category:
            problems = problems.filter(category=category)
        rows = list(selectors.common_problems(problems, by=by)[:selectors.COMMON_ROWS])
        categories = list(selectors.common_categories(problems))
    labels = dict(ProblemCategory.choices)
    place_key = "constituency_id" if by == "constituency" else "community_id"
    place_name = "constituency__name" if by == "constituency" else "community__name"
    for row in rows:
        row["category_label"] = labels.get(row["category"], row["category"])
        row["place"] = row[place_name]
        params = f"category={row['category']}&{by}={row[place_key]}"
        row["list_url"] = f"{reverse('constituents:problem_list')}?{params}"
        row["draft_url"] = f"{reverse('constituents:suggestion_create')}?{params}"
    for row in categories:
        row["category_label"] = labels.get(row["category"], row["category"])
        row["draft_url"] = f"{reverse('constituents:suggestion_create')}?category={row['category']}"
    return render(request, "constituents/common_problems.html", {
        "rows": rows, "categories": categories, "by": by, "year": year or "", "category": category or "",
        "years": term_years, "category_choices": ProblemCategory.choices, "computed_at": computed_at,
    })
