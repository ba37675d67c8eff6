"""The problem page (群众诉求详情): its lists, each read only when it has a row, and its timeline.

The rows' markup is built in Python (problem_rows.py); the page's template places it.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Prefetch, prefetch_related_objects
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from . import problem_rows, selectors
from .models import (
    Callback,
    ExtensionRequest,
    FollowUp,
    Forwarding,
    ForwardingAttachment,
    Problem,
    ProblemFeedback,
    Suggestion,
)
from .permissions import department_ids, may
from .views_casework import _available_actions

State = Problem.State

# What each audited action means, for people (the dotted names stay in the database).
ACTION_LABELS = {
    "constituents.problem.registered": "登记诉求",
    "constituents.problem.updated": "修改登记内容",
    "constituents.problem.forwarded": "转交有关部门",
    "constituents.problem.handling": "部门受理，开始办理",
    "constituents.problem.returned": "部门退办，待重新转交",
    "constituents.problem.resolved": "办结",
    "constituents.problem.unsolvable": "登记为暂不能解决",
    "constituents.problem.fed_back": "已向反映人反馈",
    "constituents.problem.reopened": "选民不满意，重新办理",
    "constituents.problem.suggestion_replied": "议案/建议答复送达",
    "constituents.problem.sent_back": "回访不满意，发回重办",
}


@login_required
def problem_detail(request, pk: int):
    # Not the source activity (来源活动): few problems have one, and it is read when there is.
    problem = get_object_or_404(
        Problem.objects.visible_to(request.user).select_related("group", "deputy", "constituency"), pk=pk
    )
    if request.user.is_department:
        # A department sees its own forwarding of the problem, never the constituents or other departments.
        mine = problem.forwardings.filter(department_id__in=department_ids(request.user)).order_by("-round", "-pk")
        return redirect("constituents:forwarding_detail", mine.values_list("pk", flat=True).first())
    has_rows = _lists_with_rows(problem.pk)
    forwardings = _forwardings(problem, has_rows)
    # Files show under a reply only.
    files = {}
    replied = [f for f in forwardings if f.replied_on]
    if has_rows["attachments"] and replied:
        for file in ForwardingAttachment.objects.filter(forwarding__in=replied):
            files.setdefault(file.forwarding_id, []).append(file)
    # Read once, for the 回访 card and for the 发回重办 step of a fed-back problem (_available_actions).
    if has_rows["callbacks"]:
        prefetch_related_objects([problem], Prefetch(
            "callbacks", Callback.objects.select_related("constituent", "recorded_by").order_by("-round", "called_on"),
        ))
    follow_ups = (list(problem.follow_ups.select_related("forwarding__department", "recorded_by"))
                  if has_rows["follow_ups"] else [])
    feedbacks = list(problem.feedbacks.select_related("constituent", "suggestion")) if has_rows["feedbacks"] else []
    history = _distinct_steps(
        problem.history.select_related("history_user").only(*_HISTORY_FIELDS)
        .order_by("-history_date", "-history_id")[:100]
    )
    today = timezone.localdate()
    current = [f for f in forwardings if f.round == problem.round]
    problem.current_forwardings = current
    problem_overdue = problem.is_overdue(today, current=current)
    extensions = sorted((extension for f in forwardings for extension in f.extension_requests.all()),
                        key=lambda extension: (extension.requested_on, extension.pk),
                        reverse=True) if has_rows["extension_requests"] else []
    # A list with no row has no pending extension and no callback to send back: no need to read it.
    facts = {**({} if has_rows["extension_requests"] else {"pending_extension": False}),
             **({} if has_rows["callbacks"] else {"awaiting_send_back": False})}
    actions = _available_actions(problem, current, request.user, **facts)
    return render(request, "constituents/problem_detail.html", {
        "problem": problem,
        "actions": actions,
        "action_buttons": problem_rows.action_buttons(problem.pk, actions),
        "constituent_links": problem_rows.constituent_links(
            problem.constituents.select_related("community") if has_rows["constituents"] else []
        ),
        "forwarding_rows": problem_rows.forwarding_rows(
            forwardings, files=files, current_round=problem.round, problem_overdue=problem_overdue, today=today
        ),
        "extension_items": problem_rows.extension_items(extensions),
        "follow_up_items": problem_rows.follow_up_items(follow_ups),
        "feedback_items": problem_rows.feedback_items(feedbacks, current_round=problem.round),
        "callback_items": problem_rows.callback_items(problem.callbacks.all() if has_rows["callbacks"] else []),
        "suggestions": list(problem.suggestions.only("kind", "title", "state")) if has_rows["suggestions"] else [],
        "timeline_items": problem_rows.timeline_items(
            _timeline(problem, forwardings, follow_ups, feedbacks, reversed(history))
        ),
        "history_rows": problem_rows.history_rows(history),
        **_linking_context(problem, request.user, forwardings, has_linked=has_rows["linked_problems"]),
        "any_estimate": any(f.deadline_is_estimate and f.is_open for f in current),
    })


# What the 操作记录 and 办理经过 read of each past version of the problem (not its text, nor the rest).
_HISTORY_FIELDS = (
    "history_id", "history_date", "history_change_reason", "state", "state_since", "result_on", "result_summary",
    "reopen_reason", "history_user__username", "history_user__first_name", "history_user__last_name",
)

# The page's lists, each read only when it has a row: most problems have no 延期, 督办, 反馈, 回访,
# 议案建议 or linked problems yet, and one round trip that says which lists are empty costs less
# than the queries it saves. Plain SQL: the same EXISTS as ORM annotations take longer to build in
# Python than those queries take to run. (list, table, how a row names the problem)
_LISTS = (
    ("forwardings", Forwarding, "problem_id"),
    ("extension_requests", ExtensionRequest, "forwarding.problem_id"),
    ("attachments", ForwardingAttachment, "forwarding.problem_id"),
    ("follow_ups", FollowUp, "problem_id"),
    ("feedbacks", ProblemFeedback, "problem_id"),
    ("callbacks", Callback, "problem_id"),
    ("constituents", Problem.constituents.through, "problem_id"),
    ("suggestions", Suggestion.problems.through, "problem_id"),
    ("linked_problems", Problem, "linked_to_id"),
)


@functools.cache
def _lists_sql() -> str:
    quote = connection.ops.quote_name
    forwardings = quote(Forwarding._meta.db_table)
    checks = []
    for _name, model, column in _LISTS:
        table = quote(model._meta.db_table)
        if column.startswith("forwarding."):  # a row of a forwarding of the problem
            checks.append(f"EXISTS (SELECT 1 FROM {table} JOIN {forwardings} ON {forwardings}.id = "
                          f"{table}.forwarding_id WHERE {forwardings}.problem_id = %s)")
        else:
            checks.append(f"EXISTS (SELECT 1 FROM {table} WHERE {table}.{column} = %s)")
    return "SELECT " + ", ".join(checks)


def _lists_with_rows(problem_id: int) -> dict[str, bool]:
    """Which of the page's lists have a row for this problem, in one query."""
    with connection.cursor() as cursor:
        cursor.execute(_lists_sql(), [problem_id] * len(_LISTS))
        return {name: bool(found) for (name, _model, _column), found in zip(_LISTS, cursor.fetchone(), strict=True)}


def _forwardings(problem: Problem, has_rows: dict[str, bool]) -> list[Forwarding]:
    """The problem's forwardings, each with its 延期申请."""
    if not has_rows["forwardings"]:
        return []
    forwardings = problem.forwardings.select_related("department").order_by("forwarded_on", "pk")
    if has_rows["extension_requests"]:
        forwardings = forwardings.prefetch_related(Prefetch(
            "extension_requests", ExtensionRequest.objects.select_related("decided_by"),
        ))
    return list(forwardings)


def _linking_context(problem: Problem, user, forwardings: list[Forwarding], *, has_linked: bool) -> dict:
    """并入 on the problem page: the case it follows, the problems that follow it, and — while it is
    newly registered — the similar open cases it could be linked into (相似诉求)."""
    visible = Problem.objects.visible_to(user)
    context = {
        "main_case": visible.filter(pk=problem.linked_to_id).first() if problem.linked_to_id else None,
        "linked_problems": list(visible.filter(linked_to=problem).order_by("raised_on", "pk")
                                .prefetch_related("constituents")) if has_linked else [],
        "similar": [],
    }
    can_link = (
        problem.linked_to_id is None and problem.state == State.REGISTERED and problem.round == 1
        and not forwardings and not context["linked_problems"] and may(user, "link", problem=problem)[0]
    )
    if can_link:
        context["similar"] = selectors.similar_problems(visible, problem=problem)
    return context


def _proxy(contact: str) -> str:
    return f"（代录，部门联系人：{contact}）" if contact else ""


@dataclass
class TimelineEntry:
    day: dt.date
    title: str
    detail: str = ""
    tone: str = "secondary"


def _timeline(problem: Problem, forwardings, follow_ups, feedbacks, history) -> list[TimelineEntry]:
    entries = [TimelineEntry(problem.raised_on, f"群众反映（{problem.get_source_display()}）", problem.text[:80], "primary")]
    for f in forwardings:
        deadline = f"答复期限{f.deadline:%Y年%-m月%-d日}" + ("（估算，未含调休）" if f.deadline_is_estimate else "")
        entries.append(TimelineEntry(f.forwarded_on, f"转交{f.department.name}", deadline, "info"))
        if f.accepted_on:
            entries.append(TimelineEntry(f.accepted_on, f"{f.department.name}签收，开始办理{_proxy(f.accept_proxy_contact)}",
                                         "", "info"))
        if f.reminded_on:  # the latest 催办 (each one is in the forwarding's history)
            entries.append(TimelineEntry(f.reminded_on, f"催办{f.department.name}", "", "dark"))
        if f.returned_on:
            entries.append(TimelineEntry(f.returned_on, f"{f.department.name}退办{_proxy(f.return_proxy_contact)}",
                                         f.return_reason, "warning"))
        if f.replied_on:
            entries.append(TimelineEntry(
                f.replied_on, f"{f.department.name}答复（{f.get_result_class_display()}）{_proxy(f.reply_proxy_contact)}",
                f.reply_text, "success",
            ))
    for follow_up in follow_ups:
        whom = f"（{follow_up.forwarding.department.name}）" if follow_up.forwarding_id else ""
        entries.append(TimelineEntry(
            follow_up.followed_on, f"督办：{follow_up.get_method_display()}{whom}",
            f"部门答复情况：{follow_up.department_said}", "dark",
        ))
    for row in history:
        reason = row.history_change_reason or ""
        if reason in ("constituents.problem.resolved", "constituents.problem.unsolvable",
                      "constituents.problem.reopened", "constituents.problem.suggestion_replied",
                      "constituents.problem.sent_back"):
            new_round = reason.endswith(("reopened", "sent_back"))
            detail = row.reopen_reason if new_round else row.result_summary
            day = row.result_on if not new_round and row.result_on else row.state_since
            entries.append(TimelineEntry(day, ACTION_LABELS[reason], detail, "success"))
    for feedback in feedbacks:
        if feedback.status == ProblemFeedback.Status.DONE:
            who = feedback.constituent.masked_name if feedback.constituent_id else "反映人"
            entries.append(TimelineEntry(
                feedback.told_on, f"已告知{who}（{feedback.get_method_display()}）", feedback.note, "success"
            ))
    entries.sort(key=lambda entry: entry.day)
    return entries


def _distinct_steps(rows) -> list:
    """History rows, newest first, without the echo a many-to-many change leaves after its save."""
    result = []
    for row in rows:
        row.action_label = ACTION_LABELS.get(row.history_change_reason or "", "修改")
        if result and (result[-1].history_change_reason, result[-1].state) == (row.history_change_reason, row.state):
            continue
        result.append(row)
    return result
