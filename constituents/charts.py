"""Charts of activities and casework: each builder takes querysets already scoped with
`visible_to`, counts with one GROUP BY query and draws with liaison.charts."""

from __future__ import annotations

from collections.abc import Iterable

import pygal
from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractMonth

from deputies.models import Deputy, DeputyStatus
from liaison import charts
from liaison.charts import Chart

from . import figures
from .conf import casework_setting
from .models import ContactActivity, Problem, ProblemCategory
from .selectors import with_year_counts


def problems_by_month(problems: QuerySet[Problem], year: int) -> Chart:
    """Problems raised each month of the year, stacked by category (one query)."""
    counts = (
        problems.filter(raised_on__year=year).order_by()
        .annotate(month=ExtractMonth("raised_on")).values("month", "category")
        .annotate(n=Count("pk", distinct=True))
    )
    table: dict[str, list[int]] = {}
    for row in counts:
        table.setdefault(row["category"], [0] * 12)[row["month"] - 1] += row["n"]
    categories = [(value, label) for value, label in ProblemCategory.choices if value in table]
    chart = Chart(
        key="problems-by-month", title=f"{year}年各月群众反映问题（按类别）",
        columns=["月份", *(label for _value, label in categories), "合计"],
        rows=[[month, *(table[value][index] for value, _label in categories),
               sum(table[value][index] for value, _label in categories)]
              for index, month in enumerate(charts.MONTHS)],
        empty_text=f"{year}年还没有登记群众反映的问题。",
    )
    if categories:
        drawing = charts.make(pygal.StackedBar, height=300 + 26 * ((len(categories) + 2) // 3),
                              x_labels=[str(month) for month in range(1, 13)], x_title="月份",
                              y_labels=charts.whole_number_labels(max(row[-1] for row in chart.rows)))
        for value, label in categories:
            drawing.add(label, [n or None for n in table[value]])
        chart.svg = charts.render(drawing, label=chart.title)
    return chart


def problems_by_category(counts: Iterable[tuple[str, int]], *, title: str, key: str = "problems-by-category",
                         empty_text: str = "没有问题。") -> Chart:
    """Problems per category from (label, count) pairs a caller already counted, largest first."""
    counts = [(label, count) for label, count in counts if count]
    total = sum(count for _label, count in counts)
    chart = Chart(key=key, title=title, columns=["问题类别", "件数", "占比"],
                  rows=[[label, count, f"{count / total:.1%}"] for label, count in counts], empty_text=empty_text)
    if counts:
        bottom_up = counts[::-1]  # pygal draws the first label at the bottom: the largest goes on top
        drawing = charts.make(pygal.HorizontalBar, height=charts.horizontal_height(len(counts), extra=60),
                              show_legend=False, print_values=True, x_labels=[label for label, _count in bottom_up],
                              y_labels=charts.whole_number_labels(max(count for _label, count in counts)))
        drawing.add("件数", [count for _label, count in bottom_up])
        chart.svg = charts.render(drawing, label=title)
    return chart


def department_rates(departments: list[dict], period: figures.Period) -> Chart:
    """按期答复率 and 满意率 per department, in ranked order, from `figures.department_figures` rows."""
    rows = [row for row in departments if row["kept"]]
    rows, capped = charts.most_in_need(
        rows, need=lambda row: (row["on_time_reply_rate"] is None, row["on_time_reply_rate"] or 0),
        noun="有关部门", measure="按期答复率",
    )
    minimum = casework_setting("DEPARTMENT_RANKING_MIN_CASES")
    title = f"{period.label}有关部门按期答复率和满意率"
    chart = Chart(
        key="department-rates", title=title,
        columns=["有关部门", "排名", "承办件数", "按期答复率", "满意率"],
        rows=[[row["name"], row.get("rank") or "不排名", row["kept"], charts.percent_text(row["on_time_reply_rate"]),
               charts.percent_text(row["satisfaction_rate"])] for row in rows],
        empty_text=f"{period.label}还没有转交有关部门承办的问题。",
        footnotes=[capped[0] + "按按期答复率从低到高排列。" if capped else
                   f"按排名先后；承办件数不足 {minimum} 件的部门列在后面，不排名。",
                   "没有回访记录的部门不显示满意率。"],
    )
    if rows:
        drawing = charts.make(pygal.HorizontalBar, height=charts.horizontal_height(2 * len(rows), per_row=11),
                              range=(0, 100), x_labels=[row["name"] for row in reversed(rows)],
                              value_formatter=lambda value: f"{value:.0f}%", y_labels=[0, 25, 50, 75, 100])
        drawing.add("按期答复率", [charts.percent(row["on_time_reply_rate"]) for row in reversed(rows)])
        drawing.add("满意率", [charts.percent(row["satisfaction_rate"]) for row in reversed(rows)])
        chart.svg = charts.render(drawing, label=title)
    return chart


def activities_per_deputy(deputies: QuerySet[Deputy], year: int) -> Chart:
    """Each serving deputy's contact activities this year against the yearly minimum (one query)."""
    minimum = casework_setting("ACTIVITIES_PER_YEAR")
    rows = list(
        with_year_counts(deputies.filter(status=DeputyStatus.SERVING), year)
        .order_by("-activity_count", "name").values_list("name", "activity_count")
    )
    title = f"{year}年每位代表联系选民活动次数"
    chart = Chart(
        key="activities-per-deputy", title=title, columns=["代表", "活动次数", "是否达到每年至少两次"],
        rows=[[name, count, "已达到" if count >= minimum else f"未达到（差 {minimum - count} 次）"]
              for name, count in rows],
        empty_text="本组还没有在任代表。",
        footnotes=[f"红色虚线为每年至少 {minimum} 次的要求。"],
    )
    if rows:
        top = max(max(count for _name, count in rows), minimum + 1)
        drawing = charts.make(
            pygal.HorizontalStackedBar, height=charts.horizontal_height(len(rows), per_row=24),
            x_labels=[name for name, _count in reversed(rows)], range=(0, top),
            y_labels=sorted({*charts.whole_number_labels(top), minimum}), y_labels_major=[minimum],
            style=charts.style(major_guide_stroke_color="#dc3545", major_guide_stroke_dasharray="6,3"),
        )
        drawing.add(f"已达到（≥{minimum}次）", [count if count >= minimum else None for _name, count in reversed(rows)])
        drawing.add("未达到", [count if count < minimum else None for _name, count in reversed(rows)])
        chart.svg = charts.render(drawing, label=title)
    return chart


def deputy_activities_by_month(activities: QuerySet[ContactActivity], year: int) -> Chart:
    """A deputy's contact activities in each month of the year (one query)."""
    counts = dict(
        activities.filter(held_on__year=year).order_by().annotate(month=ExtractMonth("held_on"))
        .values("month").annotate(n=Count("pk", distinct=True)).values_list("month", "n")
    )
    title = f"{year}年各月联系选民活动"
    chart = Chart(key="deputy-activities", title=title, columns=["月份", "活动次数"],
                  rows=[[month, counts.get(index, 0)] for index, month in enumerate(charts.MONTHS, start=1)],
                  empty_text=f"{year}年还没有登记联系选民活动。")
    if counts:
        drawing = charts.make(pygal.Bar, height=260, show_legend=False, print_values=True,
                              x_labels=[str(month) for month in range(1, 13)], x_title="月份",
                              y_labels=charts.whole_number_labels(max(counts.values())))
        drawing.add("活动次数", [counts.get(month) for month in range(1, 13)])
        chart.svg = charts.render(drawing, label=title)
    return chart


def problems_by_state(problems: QuerySet[Problem]) -> Chart:
    """Problems in each state of the pipeline, in its order (one query)."""
    counts = dict(problems.order_by().values("state").annotate(n=Count("pk", distinct=True)).values_list("state", "n"))
    states = [(value, label, counts.get(value, 0)) for value, label in Problem.State.choices]
    title = "我负责的群众反映问题（按办理状态）"
    chart = Chart(key="problems-by-state", title=title, columns=["办理状态", "件数"],
                  rows=[[label, count] for _value, label, count in states],
                  empty_text="还没有由您负责的群众反映问题。")
    if counts:
        drawing = charts.make(pygal.HorizontalBar, height=charts.horizontal_height(len(states), extra=50),
                              show_legend=False, print_values=True,
                              x_labels=[label for _value, label, _count in reversed(states)],
                              y_labels=charts.whole_number_labels(max(counts.values())))
        drawing.add("件数", [count or None for _value, _label, count in reversed(states)])
        chart.svg = charts.render(drawing, label=title)
    return chart


def district_snapshot(year_text: str) -> dict:
    """For liaison.figures ("charts.constituents:2026"): the district home's casework charts over every
    row; the departments' rates come from the stored department figures of the same year."""
    from liaison.figures import figures as stored_figures

    period = figures.Period(int(year_text))
    departments = stored_figures(f"constituents.departments:{period.year}")[0]["departments"]
    return charts.stored([problems_by_month(Problem.objects.all(), period.year), department_rates(departments, period)])
