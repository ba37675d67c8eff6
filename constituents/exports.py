"""Rows of the casework lists as Excel (issue 12 §2); the writer is liaison/exports.py.

Constituents' names go out masked unless the user may see that person in full
(services.may_see_in_full); those written in full are logged by the writer.
"""

from __future__ import annotations

from django.db.models import Prefetch

from liaison.exports import Export, export_xlsx
from liaison.personal_data import mask_name

from .models import Constituent, Forwarding, Problem
from .services import may_see_in_full

PROBLEM_HEADERS = [
    "编号", "反映日期", "来源", "问题类别", "民生问题", "反映内容", "反映人", "代表组", "责任代表", "选区",
    "状态", "承办部门", "转交日期", "签收日期", "答复日期", "答复用时（工作日）", "答复类别",
    "办结日期", "办理结果", "反馈日期", "反馈方式", "办理轮次",
]
PROBLEM_WIDTHS = [8, 14, 10, 12, 8, 40, 16, 12, 10, 10, 10, 20, 14, 14, 14, 10, 10, 14, 10, 14, 10, 8]


def _people(constituents, user, export: Export) -> str:
    names = []
    for person in constituents:
        if may_see_in_full(user, person):
            export.revealed(person)
            names.append(person.name)
        else:
            names.append(mask_name(person.name))
    return "、".join(names)


def _earliest(days):
    days = [day for day in days if day]
    return min(days) if days else None


def _latest(days):
    days = [day for day in days if day]
    return max(days) if days else None


def problem_row(problem: Problem, export: Export, *, user) -> list:
    """One case with its lifecycle in the current round: forwarded, signed for, replied, resolved, fed back."""
    current = [f for f in problem.forwardings.all() if f.round == problem.round]
    working_days = [f.reply_working_days for f in current if f.reply_working_days is not None]
    classes = [f.get_result_class_display() for f in current if f.result_class]
    return [
        problem.pk, problem.raised_on, problem.get_source_display(), problem.get_category_display(),
        "是" if problem.is_livelihood else "否", problem.text, _people(problem.constituents.all(), user, export),
        problem.group.name, problem.deputy.name if problem.deputy else "",
        problem.constituency.name if problem.constituency else "", problem.get_state_display(),
        "、".join(f.department.name for f in current),
        _earliest(f.forwarded_on for f in current), _earliest(f.accepted_on for f in current),
        _latest(f.replied_on for f in current), max(working_days) if working_days else None,
        "、".join(classes), problem.result_on, problem.get_outcome_display() if problem.outcome else "",
        problem.fed_back_on, problem.get_feedback_method_display() if problem.feedback_method else "",
        problem.round,
    ]


def export_problems(request, queryset):
    queryset = queryset.select_related("group", "deputy", "constituency").prefetch_related(None).prefetch_related(
        Prefetch("forwardings", queryset=Forwarding.objects.select_related("department").order_by(
            "round", "forwarded_on", "pk")),
        Prefetch("constituents", queryset=Constituent.objects.select_related("community").order_by("pk")),
    )
    user = request.user
    user.current_deputy  # noqa: B018 - loaded once, not per row, by may_see_in_full
    return export_xlsx(
        request, title="群众诉求", queryset=queryset, headers=PROBLEM_HEADERS, widths=PROBLEM_WIDTHS,
        row=lambda problem, export: problem_row(problem, export, user=user),
    )
