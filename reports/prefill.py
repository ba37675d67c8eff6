"""Part three of a duty report (联系原选区选民情况), prefilled from casework.

The deputy edits the text afterwards; this only saves them from counting by
hand. It names no constituent and quotes no letter or problem text (those may
carry personal data, and reports are published): only counts, the categories
of the problems and the titles of bills and suggestions.

The text is content only: it is stored, published and printed as it stands, so
what the deputy should do with it (核对补充) lives in the form's help text,
DRAFTING_HINT, never in the text itself.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from constituents.models import (
    ActivityForm,
    ActivityOrganizer,
    AskType,
    ContactActivity,
    FollowUp,
    Problem,
    ProblemCategory,
    Suggestion,
)
from deputies.models import Deputy

# Shown under part three in the report forms; never written into the report.
DRAFTING_HINT = "系统已根据登记记录预填本部分，请核对补充；如有批评和意见，请补充。"


def _period(start: dt.date, end: dt.date) -> str:
    if start.year == end.year and (start.month, start.day) == (1, 1):
        return f"{start.year}年"
    return f"{start.year}年{start.month}月以来"


def _join(parts: list[str]) -> str:
    return "、".join(p for p in parts if p)


def _activities(deputy: Deputy, start: dt.date, end: dt.date) -> str:
    rows = list(
        ContactActivity.objects.filter(deputies=deputy, held_on__range=(start, end))
        .values("organizer", "ask_type", "form")
        .annotate(n=Count("id", distinct=True))
    )
    total = sum(r["n"] for r in rows)
    if not total:
        return "未登记进选区联系选民活动。"

    def count(field: str, value: str) -> int:
        return sum(r["n"] for r in rows if r[field] == value)

    organizers = _join([
        f"代表组统一组织{count('organizer', ActivityOrganizer.GROUP)}次" if count("organizer", ActivityOrganizer.GROUP) else "",
        f"个人开展{count('organizer', ActivityOrganizer.PERSONAL)}次" if count("organizer", ActivityOrganizer.PERSONAL) else "",
    ])
    asks = _join([f"{label}{count('ask_type', value)}次" for value, label in AskType.choices if count("ask_type", value)])
    forms = _join([label for value, label in ActivityForm.choices if count("form", value)])
    return f"参加进选区联系选民活动{total}次（{organizers}），其中{asks}；活动形式有{forms}。"


def _problems(deputy: Deputy, start: dt.date, end: dt.date) -> str:
    raised = Problem.objects.filter(deputy=deputy, raised_on__range=(start, end))
    done = [Problem.State.RESOLVED, Problem.State.FED_BACK]
    totals = raised.aggregate(
        total=Count("id"),
        livelihood=Count("id", filter=Q(is_livelihood=True)),
        resolved=Count("id", filter=Q(outcome=Problem.Outcome.RESOLVED) | Q(state=Problem.State.RESOLVED)),
        unsolvable=Count("id", filter=Q(outcome=Problem.Outcome.UNSOLVABLE) | Q(state=Problem.State.UNSOLVABLE)),
        in_hand=Count("id", filter=~Q(state__in=[*done, Problem.State.UNSOLVABLE])),
        fed_back=Count("id", filter=Q(state=Problem.State.FED_BACK)),
    )
    if not totals["total"]:
        return "未登记反映的群众意见。"
    categories = (
        raised.values("category").annotate(n=Count("id")).order_by("-n", "category")[:5]
    )
    labels = dict(ProblemCategory.choices)
    top = _join([f"{labels.get(row['category'], row['category'])}{row['n']}件" for row in categories])
    livelihood_solved = Problem.objects.livelihood_solved().filter(
        deputy=deputy, result_on__range=(start, end)
    ).count()
    follow_ups = FollowUp.objects.filter(problem__deputy=deputy, followed_on__range=(start, end)).count()
    livelihood = f"（其中民生问题{totals['livelihood']}件）" if totals["livelihood"] else ""
    outcomes = _join([
        f"已办结{totals['resolved']}件" if totals["resolved"] else "",
        f"暂不能解决并已说明原因{totals['unsolvable']}件" if totals["unsolvable"] else "",
        f"正在办理{totals['in_hand']}件" if totals["in_hand"] else "",
    ])
    text = (
        f"听取并反映群众意见{totals['total']}件{livelihood}，主要涉及{top}。"
        f"这些问题均转交有关部门办理，本人跟踪督促，不直接处理：{outcomes}。"
    )
    if totals["fed_back"]:
        text += f"已将办理结果反馈给反映人{totals['fed_back']}件。"
    if follow_ups:
        text += f"跟踪督办{follow_ups}次。"
    if livelihood_solved:
        text += f"推动{livelihood_solved}个民生问题得到解决。"
    return text


def _suggestions(deputy: Deputy, start: dt.date, end: dt.date) -> str:
    suggestions = list(
        Suggestion.objects.filter(proposers=deputy, submitted_on__range=(start, end))
        .exclude(state=Suggestion.State.DRAFT)
        .only("id", "kind", "title", "state", "lead_deputy_id")
        .order_by("submitted_on", "id")
    )
    if not suggestions:
        return "未提出议案、建议。"
    bills = [s for s in suggestions if s.kind == Suggestion.Kind.BILL]
    others = [s for s in suggestions if s.kind == Suggestion.Kind.SUGGESTION]
    led = sum(1 for s in suggestions if s.lead_deputy_id == deputy.pk)
    answered = sum(1 for s in suggestions if s.state in (Suggestion.State.REPLIED, Suggestion.State.CLOSED))
    titles = _join([f"《{s.title}》" for s in suggestions[:6]])
    counts = _join([f"议案{len(bills)}件" if bills else "", f"建议{len(others)}件" if others else ""])
    return (
        f"向区人民代表大会提出{counts}（其中领衔{led}件），包括{titles}"
        f"{'等' if len(suggestions) > 6 else ''}；已答复{answered}件。"
    )


def constituency_part(deputy: Deputy, start: dt.date, end: dt.date) -> str:
    """A draft of part three for `deputy` between `start` and `end` (inclusive): a few
    aggregate queries, whatever the amount of casework."""
    return "\n".join([
        f"{_period(start, end)}，本人联系原选区选民的情况如下：",
        f"一、联系选民。{_activities(deputy, start, end)}",
        f"二、反映和督促解决群众意见。{_problems(deputy, start, end)}",
        f"三、提出议案、建议、批评和意见。{_suggestions(deputy, start, end)}",
    ])
