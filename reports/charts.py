"""The 述职 chart: how far each group is with this year's face-to-face reports."""

from __future__ import annotations

import pygal
from django.db.models import Count, Q

from liaison import charts
from liaison.charts import Chart

from .models import DutyMeeting, RotationEntry

HELD = [DutyMeeting.Status.HELD, DutyMeeting.Status.EVALUATED]


def duty_progress(user, year: int) -> Chart:
    """Per group: deputies arranged to report this year, and how many meetings were held (one query).
    `user=None` is the whole district (the stored chart, district_snapshot)."""
    entries = RotationEntry.objects.all() if user is None else RotationEntry.objects.visible_to(user)
    rows = list(
        entries.filter(plan__year=year).order_by()
        .values("plan__group_id", "plan__group__name", "plan__group__sort_order")
        .annotate(planned=Count("pk", distinct=True),
                  held=Count("pk", filter=Q(meeting__status__in=HELD), distinct=True))
        .order_by("plan__group__sort_order", "plan__group__name")
    )
    rows, capped = charts.most_in_need(rows, need=lambda row: row["held"] / row["planned"], noun="代表组",
                                       measure="进度")
    title = f"{year}年各代表组代表述职进度"
    chart = Chart(
        key="duty-progress", title=title, columns=["代表组", "安排述职", "已召开述职会", "尚未召开", "进度"],
        rows=[[row["plan__group__name"], row["planned"], row["held"], row["planned"] - row["held"],
               f"{row['held'] / row['planned']:.0%}"] for row in rows],
        empty_text=f"{year}年还没有代表组安排代表述职。", footnotes=capped,
    )
    if rows:
        names = [row["plan__group__name"] for row in reversed(rows)]
        drawing = charts.make(pygal.HorizontalStackedBar, height=charts.horizontal_height(len(rows), per_row=24),
                              x_labels=names, legend_at_bottom_columns=2,
                              y_labels=charts.whole_number_labels(max(row["planned"] for row in rows)))
        drawing.add("已召开述职会", [row["held"] or None for row in reversed(rows)])
        drawing.add("尚未召开", [(row["planned"] - row["held"]) or None for row in reversed(rows)])
        chart.svg = charts.render(drawing, label=title)
    return chart


def district_snapshot(year: str) -> dict:
    """For liaison.figures ("charts.reports:2026"): the district home's 述职 chart over every group."""
    return charts.stored([duty_progress(None, int(year))])
