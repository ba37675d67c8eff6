"""The figure cells of a department, group or district row (有关部门办理情况), built in Python.

A province lists about 500 departments; `{% include "constituents/_figure_cells.html" %}` per
row, with its nine lookups and localized numbers, was most of the page's time (perf, issue 11).
This builds the same markup in Python, the one place it is written (the PDFs have their own,
reports/pdf/_figure_cells.html); constituents/tests/test_figure_cells.py checks it.
"""

from __future__ import annotations

from django import template
from django.template.defaultfilters import floatformat
from django.utils.safestring import mark_safe

from liaison.cells import text as _number

register = template.Library()

_RATES = ("response_rate", "on_time_reply_rate", "solved_rate")
_RATES_AFTER = ("first_time_solved_rate", "sent_back_rate")




def _percent(value) -> str:
    if value is None:
        return "—"
    return f"{round(float(value) * 100)}%"  # as {% widthratio value 1 100 %}%


def _get(row, name):
    return row.get(name) if isinstance(row, dict) else getattr(row, name, None)


@register.simple_tag
def figure_cells(row) -> str:
    """The ten figure cells of `row` (a dict or an object), as the page's table heads list them."""
    mean = _get(row, "mean_reply_days")
    cells = [
        f'<td class="text-end">{_number(_get(row, "received"))}</td>'
        f'<td class="text-end">{_number(_get(row, "returned"))}</td>'
        f'<td class="text-end">{_number(_get(row, "by_suggestion"))}</td>\n',
        *(f'<td class="text-end">{_percent(_get(row, name))}</td>\n' for name in _RATES),
        f'<td class="text-end">{_percent(_get(row, "satisfaction_rate"))}'
        f'<div class="small text-muted">回访{_number(_get(row, "reached"))}人次</div></td>\n',
        *(f'<td class="text-end">{_percent(_get(row, name))}</td>\n' for name in _RATES_AFTER),
        f'<td class="text-end">{floatformat(mean, 1) if mean is not None else "—"}</td>\n',
    ]
    return mark_safe("".join(cells))


@register.simple_tag
def department_row(row, problem_list_url: str, year) -> str:
    """One department's row: its rank (or 件数不足), its name linking to its cases that year, its figures."""
    rank = _number(_get(row, "rank")) if _get(row, "ranked") else '<span class="text-muted small">件数不足</span>'
    link = f"{_number(problem_list_url)}?department={_number(_get(row, 'id'))}&amp;year={_number(year)}"
    return mark_safe(
        f"\n<tr><td>{rank}</td>\n"
        f'<td><a href="{link}">{_number(_get(row, "name"))}</a></td>{figure_cells(row)}\n'
        f'<td class="text-end">{_number(_get(row, "kept"))}</td></tr>\n'
    )
