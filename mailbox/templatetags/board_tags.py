"""The committee board's table (群众反映问题：按类别和地点), built in Python.

Up to 100 cells, each with a form to pick it for supervision (`{% url %}` and `{% csrf_token %}`
per row), rendered by the template language were most of the page's time (perf, issue 11).
This builds the same markup in Python, the one place it is written;
mailbox/tests/test_board_rows.py states each cell.
"""

from __future__ import annotations

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.urls import reverse
from django.utils.safestring import mark_safe

from liaison.cells import text as escape

register = template.Library()


def mark_form(cell: dict, *, action: str, csrf_input: str) -> str:
    """列为重点监督: the category in the place, with a title to edit and the committee's note."""
    place, label = escape(cell["constituency__name"]), escape(cell["label"])
    return (
        '<details><summary class="small text-danger">列为重点监督</summary>\n'
        f'<form method="post" action="{action}" class="mt-2">{csrf_input}\n'
        f'<input type="hidden" name="category" value="{escape(cell["category"])}">'
        f'<input type="hidden" name="constituency" value="{escape(cell["constituency"])}">\n'
        '<input class="form-control form-control-sm mb-1" name="title" maxlength="120" required '
        f'value="{place}{label}问题" aria-label="议题">\n'
        '<textarea class="form-control form-control-sm mb-1" name="note" rows="2" required placeholder="监督意见" '
        'aria-label="监督意见"></textarea>\n'
        '<button class="btn btn-sm btn-danger" type="submit">确定</button></form></details>'
    )


def board_row(cell: dict, *, may_mark: bool, action: str, csrf_input: str) -> str:
    """One category in one place: its counts, and its open issue, a form to open one, or —."""
    issue = cell.get("issue")
    if issue is not None:
        supervision = (f'<span class="badge text-bg-danger">重点监督中</span> '
                       f'<span class="small">{escape(issue.title)}</span>\n')
    elif may_mark:
        supervision = mark_form(cell, action=action, csrf_input=csrf_input)
    else:
        supervision = "—"
    return (
        f'\n<tr><td class="fw-semibold">{escape(cell["label"])}</td>'
        f'<td>{escape(cell["constituency__name"])}</td>'
        f'<td class="text-muted">{escape(cell["constituency__group__name"])}</td>\n'
        f'<td class="text-end card-labelled">{escape(cell["total"])}</td>'
        f'<td class="text-end card-labelled">{escape(cell["still_open"])}</td>'
        f'<td class="text-end card-labelled">{escape(cell["letters"])}</td>\n'
        f'<td class="card-wide">{supervision}</td></tr>\n'
    )


@register.simple_tag(takes_context=True)
def board_rows(context, cells, may_mark: bool, year: int, quarter) -> str:
    """The table body: `cells` as issue_board prepares them (with `label` and `issue`)."""
    query = f"?year={escape(year)}" + (f"&q={escape(quarter.number)}" if quarter else "")
    action = reverse("mailbox:issue_mark") + query
    csrf_input = CsrfTokenNode().render(context) if may_mark else ""
    return mark_safe("".join(
        board_row(cell, may_mark=may_mark, action=action, csrf_input=csrf_input) for cell in cells
    ))
