"""The rows of the case list (群众诉求), built in Python.

Thirty rows of `{% for %}` with a `{% include %}` each and some forty lookups a row were most of
the list's time (perf, issue 11): the template engine cost three times what the database did. The
row markup is written here, once; constituents/tests/test_list_rows.py states what each cell shows.
"""

from __future__ import annotations

from django.utils.safestring import SafeString, mark_safe

from liaison.cells import long_date, truncated
from liaison.cells import text as _e
from liaison.links import reverse_pk

from .models import Forwarding, Problem, ProblemCategory

State = Problem.State


# get_FOO_display() builds a dict of every choice on each call: thirty rows, four calls a row.
_CATEGORIES = dict(ProblemCategory.choices)
_SOURCES = dict(Problem.Source.choices)
_FORWARDING_STATUSES = dict(Forwarding.Status.choices)


def state_badge(problem: Problem) -> SafeString:
    """The coloured state of a problem as staff see it (display_state: 待重新办理 after a return)."""
    state = problem.state
    if state == State.FED_BACK:
        colour = "text-bg-success"
    elif state in (State.RESOLVED, State.UNSOLVABLE):
        colour = "text-bg-info"
    elif state == State.REGISTERED:
        colour = "text-bg-secondary"
    else:
        colour = "text-bg-primary"
    return mark_safe(f'<span class="badge {colour}">{_e(problem.display_state)}</span>')


def _forwarding_cell(problem: Problem, overdue: bool) -> str:
    lines = []
    for forwarding in problem.current_forwardings:
        name = _e(forwarding.department.name)
        if forwarding.is_open:
            deadline = forwarding.deadline
            late = (f'，<span class="text-danger fw-semibold">已逾期{forwarding.overdue_days}天</span>'
                    if overdue and forwarding.overdue_days else "")
            estimate = "，估算" if forwarding.deadline_is_estimate else ""
            lines.append(f"<div>{name} （{deadline.month}月{deadline.day}日{late}{estimate}）</div>")
        else:
            lines.append(f'<div>{name} <span class="text-muted">'
                         f"{_e(_FORWARDING_STATUSES.get(forwarding.status, forwarding.status))}</span></div>")
    return "".join(lines) or '<span class="text-muted">未转交</span>'


def problem_row(problem: Problem, *, can_bulk: bool) -> SafeString:
    """One case as a table row on a desktop and a card on a phone (liaison.css .table-cards).

    Reads what the list view set on the problem: current_forwardings (each with overdue_days),
    is_overdue, overdue_days and next_action, the first step this person may take, or None.
    """
    pk = int(problem.pk)
    url = reverse_pk("constituents:problem_detail", pk)
    overdue = problem.is_overdue
    cells = []
    if can_bulk:
        cells.append(f'<td class="card-first"><input class="form-check-input" type="checkbox" name="ids" '
                     f'value="{pk}" form="problem-bulk" aria-label="选择诉求 {pk}"></td>')
    livelihood = ' <span class="badge text-bg-success">民生</span>' if problem.is_livelihood else ""
    deputy = problem.deputy.name if problem.deputy_id and problem.deputy.name else "—"
    cells += [
        f'<td class="phone-hide text-nowrap"><a href="{url}">{pk}</a></td>',
        f'<td class="text-nowrap card-second">{long_date(problem.raised_on)}</td>',
        f'<td class="card-line"><a href="{url}">{_e(truncated(problem.text, 40))}</a>'
        f"{livelihood}</td>",
        f'<td class="text-nowrap phone-hide">{_e(_CATEGORIES.get(problem.category, problem.category))}</td>',
        f'<td class="text-nowrap phone-hide">{_e(_SOURCES.get(problem.source, problem.source))}</td>',
        f'<td class="phone-hide">{_e(deputy)}'
        f'<div class="small text-muted">{_e(problem.group.name)}</div></td>',
        f'<td class="small card-wide">{_forwarding_cell(problem, overdue)}</td>',
    ]
    late = ""
    if overdue:
        days = f"{problem.overdue_days}天" if problem.overdue_days else ""
        late = f' <span class="badge text-bg-warning d-md-none">逾期{days}</span>'
    cells.append(f'<td class="card-first">{state_badge(problem)}{late}</td>')
    if problem.next_action:
        step, label = problem.next_action
        cells.append(f'<td class="d-md-none card-action"><a class="btn btn-sm btn-outline-danger" '
                     f'href="{url}{_e(step)}/">{_e(label)}</a></td>')
    else:
        cells.append(f'<td class="d-md-none card-action"><a class="btn btn-sm btn-outline-secondary" '
                     f'href="{url}">查看详情</a></td>')
    warning = ' class="table-warning"' if overdue else ""
    return mark_safe(f"<tr{warning}>\n  " + "\n  ".join(cells) + "\n</tr>\n")
