"""Rows of the casework lists and the constituent roster as Excel (issue 12 §2); the writer is
liaison/exports.py, which finds the sheet builders below by kind (liaison.exports.SHEETS).

Each builder takes the request (or the export task's ListRequest: user + query string)
and applies the list page's own filters to `visible_to(user)`. Constituents' names and
phones go out masked unless the user may see that person in full
(services.may_see_in_full); those written in full are logged by the writer.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch
from django.utils import timezone

from deputies.models import Deputy
from liaison.exports import Export, Sheet
from liaison.personal_data import mask_name

from .models import CATEGORY_ASK_TYPE, AskType, Constituent, ContactActivity, Forwarding, Problem, Suggestion
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


def problem_sheet(request) -> Sheet:
    """The problem list (constituents:problem_list) with its filters."""
    from .filters import ProblemFilter

    user = request.user
    queryset = ProblemFilter(request.GET, queryset=Problem.objects.visible_to(user), user=user,
                             today=timezone.localdate()).qs
    queryset = queryset.select_related("group", "deputy", "constituency").prefetch_related(None).prefetch_related(
        Prefetch("forwardings", queryset=Forwarding.objects.select_related("department").order_by(
            "round", "forwarded_on", "pk")),
        Prefetch("constituents", queryset=Constituent.objects.select_related("community").order_by("pk")),
    )
    user.current_deputy  # noqa: B018 - loaded once, not per row, by may_see_in_full
    return Sheet(title="群众诉求", queryset=queryset, headers=PROBLEM_HEADERS, widths=PROBLEM_WIDTHS,
                 row=lambda problem, export: problem_row(problem, export, user=user))


ACTIVITY_HEADERS = [
    "编号", "活动日期", "组织方式", "活动形式", "“三问”类型", "活动地点", "代表组", "选区", "参加代表",
    "登记选民数", "参加群众人数", "活动情况",
]
ACTIVITY_WIDTHS = [8, 14, 12, 12, 10, 20, 12, 10, 24, 10, 10, 40]


def activity_row(activity, export: Export) -> list:
    # Constituents are counted, not named: the activity list holds no personal data.
    return [
        activity.pk, activity.held_on, activity.get_organizer_display(), activity.get_form_display(),
        activity.get_ask_type_display(), activity.place, activity.group.name if activity.group else "",
        activity.constituency.name if activity.constituency else "",
        "、".join(deputy.name for deputy in activity.deputies.all()), activity.constituent_count,
        activity.crowd_count, activity.summary,
    ]


def activity_sheet(request) -> Sheet:
    """The activity list (constituents:activity_list) with its filters."""
    from .filters import ContactActivityFilter

    base = (
        ContactActivity.objects.visible_to(request.user)
        .select_related("group", "constituency")
        .prefetch_related(Prefetch("deputies", queryset=Deputy.objects.only("pk", "name")))
        .annotate(constituent_count=Count("constituents", distinct=True))
        .order_by("-held_on", "-id")
    )
    queryset = ContactActivityFilter(request.GET, queryset=base, user=request.user).qs
    return Sheet(title="联系选民活动", queryset=queryset, headers=ACTIVITY_HEADERS, widths=ACTIVITY_WIDTHS,
                 row=activity_row)


SUGGESTION_HEADERS = [
    "编号", "类型", "标题（案由）", "问题类别", "代表组", "领衔代表", "提出代表人数", "状态", "提交日期",
    "交办日期", "主办单位", "答复期限", "答复日期", "答复类别", "代表满意度", "相关群众诉求数",
]
SUGGESTION_WIDTHS = [8, 8, 40, 12, 12, 10, 10, 10, 14, 14, 20, 14, 14, 10, 10, 10]


def suggestion_row(suggestion, export: Export) -> list:
    return [
        suggestion.pk, suggestion.get_kind_display(), suggestion.title, suggestion.get_category_display(),
        suggestion.group.name if suggestion.group else "",
        suggestion.lead_deputy.name if suggestion.lead_deputy else "", suggestion.proposer_count,
        suggestion.get_state_display(), suggestion.submitted_on, suggestion.assigned_on,
        suggestion.lead_department.name if suggestion.lead_department else "", suggestion.reply_due,
        suggestion.replied_on, suggestion.get_result_class_display() if suggestion.result_class else "",
        suggestion.get_satisfaction_display() if suggestion.satisfaction else "", suggestion.problem_count,
    ]


def suggestion_sheet(request) -> Sheet:
    """The suggestion list (constituents:suggestion_list) with its filters."""
    from .filters import SuggestionFilter

    base = (
        Suggestion.objects.visible_to(request.user)
        .select_related("lead_deputy", "lead_department", "group")
        .annotate(proposer_count=Count("proposers", distinct=True), problem_count=Count("problems", distinct=True))
        .order_by("-created_at", "-id")
    )
    queryset = SuggestionFilter(request.GET, queryset=base, user=request.user).qs
    return Sheet(title="议案建议", queryset=queryset, headers=SUGGESTION_HEADERS, widths=SUGGESTION_WIDTHS,
                 row=suggestion_row)


CONSTITUENT_HEADERS = ["编号", "姓名", "联系电话", "住址", "类别", "“三问”对象", "社区/单位", "选区", "登记日期"]
CONSTITUENT_WIDTHS = [8, 10, 16, 30, 16, 10, 20, 12, 14]
ASK_LABELS = dict(AskType.choices)


def constituent_row(person: Constituent, export: Export, *, user) -> list:
    """The roster: name, phone and address whole only for those who may see this person whole (and logged)."""
    if may_see_in_full(user, person):
        export.revealed(person)
        name, phone, address = person.name, person.phone, person.address
    else:
        name, phone, address = person.masked_name, person.masked_phone, person.masked_address
    community = person.community
    return [
        person.pk, name, phone, address, person.get_category_display(),
        ASK_LABELS.get(CATEGORY_ASK_TYPE.get(person.category), ""), community.name,
        community.constituency.name, timezone.localtime(person.created_at).date(),
    ]


def constituent_sheet(request) -> Sheet:
    """The constituent roster (constituents:constituent_list) with its filters."""
    from .filters import ConstituentFilter

    user = request.user
    base = Constituent.objects.visible_to(user).select_related("community__constituency")
    queryset = ConstituentFilter(request.GET, queryset=base, user=user).qs
    user.current_deputy  # noqa: B018 - loaded once, not per row, by may_see_in_full
    return Sheet(title="选民名册", queryset=queryset, headers=CONSTITUENT_HEADERS, widths=CONSTITUENT_WIDTHS,
                 row=lambda person, export: constituent_row(person, export, user=user))


FIGURE_HEADERS = [
    "排名", "名称", "转交", "退办", "已由建议答复", "签收及时率", "按期答复率", "解决率", "满意率", "回访人次",
    "首次办复解决率", "发回重办率", "平均答复用时（工作日）", "承办件数",
]
FIGURE_WIDTHS = [8, 24, 8, 8, 12, 12, 12, 10, 10, 10, 14, 12, 16, 10]
_RATES = ("response_rate", "on_time_reply_rate", "solved_rate", "satisfaction_rate")


def _percent(rate):
    return None if rate is None else round(float(rate) * 100, 1)


def figure_row(row: dict, export: Export) -> list:
    """A department, a group or the district: rates as percentages (one decimal)."""
    return [
        row.get("rank") or ("件数不足" if row.get("ranked") is False else ""), row["name"], row["received"],
        row["returned"], row["by_suggestion"], *(_percent(row[key]) for key in _RATES), row["reached"],
        _percent(row["first_time_solved_rate"]), _percent(row["sent_back_rate"]),
        None if row["mean_reply_days"] is None else round(float(row["mean_reply_days"]), 1), row.get("kept"),
    ]


def export_department_figures(request, *, period, rows: list[dict], groups: list[dict], district: dict):
    lines = [{**district, "name": "全区合计"}] + rows + [{**group, "name": f"代表组：{group['name']}"} for group in groups]
    from liaison.exports import export_xlsx

    return export_xlsx(request, title=f"有关部门办理情况{period.label}", queryset=lines, count=len(lines),
                       headers=FIGURE_HEADERS, widths=FIGURE_WIDTHS, row=figure_row)
