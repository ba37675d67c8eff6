"""The mailbox's chart: how many of each group's boxes were opened, week by week."""

from __future__ import annotations

import pygal
from django.db.models import Count, Q

from deputies.models import DeputyGroup
from liaison import charts
from liaison.charts import Chart

from .models import Mailbox
from .weeks import Week

WEEKS_SHOWN = 8


def opening_rate_strip(user, *, weeks: int = WEEKS_SHOWN, today_week: Week | None = None) -> Chart:
    """Opening rate per group per week (boxes opened ÷ boxes due, by the mailbox rule of `Mailbox.due_in`).

    One query per week shown (a fixed number), each a GROUP BY over the groups. `user=None` is the
    whole district (the stored chart, district_snapshot)."""
    last = today_week or Week.current()
    shown = [last]
    while len(shown) < weeks:
        shown.insert(0, shown[0].previous())
    groups = DeputyGroup.objects.all() if user is None else DeputyGroup.objects.visible_to(user)
    groups = list(groups.order_by("sort_order", "name").values_list("pk", "name"))
    boxes = Mailbox.objects.all() if user is None else Mailbox.objects.visible_to(user)
    cells: dict[tuple[int, str], tuple[int, int]] = {}
    for week in shown:
        for row in (boxes.due_in(week).with_week(week).order_by().values("constituency__group_id")
                    .annotate(due=Count("pk", distinct=True),
                              opened=Count("pk", filter=Q(opened_in_week=True), distinct=True))):
            cells[row["constituency__group_id"], week.key] = (row["opened"], row["due"])
    groups = [(pk, name) for pk, name in groups if any((pk, week.key) in cells for week in shown)]

    def mean_rate(group: tuple[int, str]) -> float:
        rates = [opened / due for opened, due in (cells.get((group[0], week.key)) for week in shown) if due]
        return sum(rates) / len(rates) if rates else 0.0

    groups, capped = charts.most_in_need(groups, need=mean_rate, noun="代表组", measure="平均开启率")
    labels = [f"{week.start.month}/{week.start.day}" for week in shown]
    title = f"各代表组信箱每周开启率（最近 {weeks} 周）"

    def cell_text(pk: int, week: Week) -> str:
        if (pk, week.key) not in cells:
            return "—"
        opened, due = cells[pk, week.key]
        return f"{opened}/{due}（{opened / due:.0%}）"

    chart = Chart(
        key="mailbox-opening", title=title, columns=["代表组", *(f"{label}起一周" for label in labels)],
        rows=[[name, *(cell_text(pk, week) for week in shown)] for pk, name in groups],
        empty_text="还没有在用的代表信箱。",
        footnotes=["每周一至周日，每个在用信箱至少开启一次；圆点越大，开启的信箱占比越高，没有圆点的一周一个也没有开启。"
                   f"最后一周（{shown[-1].label}）尚未结束。", *capped],
    )
    if groups:
        drawing = charts.make(
            pygal.Dot, height=charts.horizontal_height(len(groups), per_row=30, extra=70), show_legend=False,
            x_labels=labels, x_label_rotation=35, value_formatter=lambda value: f"{value:.0f}%",
            style=charts.style(colors=("#198754",) * len(groups)), margin_left=charts.label_margin(
                [name for _pk, name in groups]),
        )
        for pk, name in groups:
            values = []
            for week in shown:
                opened, due = cells.get((pk, week.key), (0, 0))
                values.append(round(100 * opened / due) if due else None)
            drawing.add(name, values)
        chart.svg = charts.render(drawing, label=title)
    return chart


def district_snapshot(_current: str) -> dict:
    """For liaison.figures ("charts.mailbox:current"): the district home's strip over every box."""
    return charts.stored([opening_rate_strip(None)])
