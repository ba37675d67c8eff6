"""The case list builds its rows in Python (constituents/list_rows.py): what a clerk sees in each
cell, and the two facts the list reads for a whole page (_round_facts) agree with the problem page."""

from __future__ import annotations

import datetime as dt
import re

from django.urls import reverse
from django.utils import timezone

from constituents import services
from constituents.models import CallbackResult, Problem
from constituents.tests.casework import D, State, drive, register
from constituents.tests.factories import ConstituentFactory
from constituents.views_casework import _page_forwardings, _round_facts, _state_actions
from deputies.tests.factories import DepartmentFactory

ROW = re.compile(r"<tr[ >].*?</tr>", re.S)


def row_of(html: str, problem: Problem) -> str:
    rows = [row for row in ROW.findall(html) if f'value="{problem.pk}"' in row or f">{problem.pk}</a>" in row]
    assert len(rows) == 1, html
    return rows[0]


def cells(row: str) -> list[str]:
    return [re.sub(r"\s+", " ", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_each_cell_of_an_overdue_case_as_the_office_sees_it(client_of, staff_user, deputy_a, liaison_a):
    late = DepartmentFactory(name="<b>区城管局</b>")
    problem = services.problem_register(
        source=Problem.Source.VISIT, category="urban_construction", is_livelihood=True,
        text="小区门口的路灯坏了三个月，晚上出门很不方便，老人孩子都摔过跤，希望尽快修好并定期检查维护",
        group=deputy_a.group, deputy=deputy_a, constituency=deputy_a.constituency, constituents=[],
        raised_on=D(2026, 9, 1), acting_user=liaison_a,
    )
    drive(problem, State.HANDLING, liaison_a, department=late)
    forwarding = problem.forwardings.get()
    days = (timezone.localdate() - forwarding.deadline).days
    assert days > 0

    row = row_of(client_of(staff_user).get(reverse("constituents:problem_list")).content.decode(), problem)
    url = reverse("constituents:problem_detail", args=[problem.pk])
    assert row.startswith('<tr class="table-warning">')  # overdue rows are marked
    assert cells(row) == [
        f'<input class="form-check-input" type="checkbox" name="ids" value="{problem.pk}" form="problem-bulk" '
        f'aria-label="选择诉求 {problem.pk}">',
        f'<a href="{url}">{problem.pk}</a>',
        "2026年9月1日",
        f'<a href="{url}">小区门口的路灯坏了三个月，晚上出门很不方便，老人孩子都摔过跤，希望尽快修好...</a> '
        '<span class="badge text-bg-success">民生</span>',
        "城市建设", "走访收集",
        f'{deputy_a.name}<div class="small text-muted">{deputy_a.group.name}</div>',
        f"<div>&lt;b&gt;区城管局&lt;/b&gt; （{forwarding.deadline.month}月{forwarding.deadline.day}日，"
        f'<span class="text-danger fw-semibold">已逾期{days}天</span>）</div>',
        f'<span class="badge text-bg-primary">办理中</span> <span class="badge text-bg-warning d-md-none">逾期{days}天</span>',
        f'<a class="btn btn-sm btn-outline-danger" href="{url}forward/">增加承办部门</a>',
    ]
    assert f"{url}forward/" == reverse("constituents:problem_step", args=[problem.pk, "forward"])


def test_a_new_case_without_a_deputy_and_a_closed_round(client_of, staff_user, committee_user, deputy_a, liaison_a):
    fresh = services.problem_register(
        source=Problem.Source.LETTER, text="<script>alert(1)</script>", category="public_security",
        group=deputy_a.group, deputy=None, constituency=deputy_a.constituency, constituents=[],
        raised_on=D(2026, 11, 28), acting_user=liaison_a,
    )
    replied = drive(register(deputy_a, liaison_a), State.RESOLVED, liaison_a, department=DepartmentFactory(name="区水务局"))

    html = client_of(staff_user).get(reverse("constituents:problem_list")).content.decode()
    new = cells(row_of(html, fresh))
    assert new[2:10] == [
        "2026年11月28日",
        f'<a href="{fresh.get_absolute_url()}">&lt;script&gt;alert(1)&lt;/script&gt;</a>',
        "治安", "信箱来信",
        f'—<div class="small text-muted">{deputy_a.group.name}</div>',  # no deputy named
        '<span class="text-muted">未转交</span>',
        '<span class="badge text-bg-secondary">登记</span>',
        f'<a class="btn btn-sm btn-outline-danger" href="{fresh.get_absolute_url()}forward/">转交部门</a>',
    ]
    done = cells(row_of(html, replied))
    assert done[7:9] == ['<div>区水务局 <span class="text-muted">已答复</span></div>',
                         '<span class="badge text-bg-info">已办结</span>']

    # The committee reads only: no checkbox, and a phone card offers the case itself, not a step.
    html = client_of(committee_user).get(reverse("constituents:problem_list")).content.decode()
    row = row_of(html, fresh)
    assert 'type="checkbox"' not in row
    assert cells(row)[-1] == (f'<a class="btn btn-sm btn-outline-secondary" href="{fresh.get_absolute_url()}">'
                              "查看详情</a>")


def test_the_page_reads_the_same_facts_as_the_problem_page(deputy_a, liaison_a, community_a):
    """_page_forwardings and _round_facts (read for a whole page) and _state_actions' own reading of
    a problem's rows agree."""
    person = ConstituentFactory(community=community_a)
    waiting = drive(register(deputy_a, liaison_a), State.HANDLING, liaison_a)
    forwarding = waiting.forwardings.get()
    services.extension_request(problem=waiting, forwarding=forwarding, reason="需协调多个部门",
                               new_deadline=forwarding.deadline + dt.timedelta(days=10), acting_user=liaison_a)
    plain = drive(register(deputy_a, liaison_a), State.FORWARDED, liaison_a)
    unhappy = drive(register(deputy_a, liaison_a, constituents=[person]), State.FED_BACK, liaison_a)
    services.callback_record(problem=unhappy, constituent=person, result=CallbackResult.DISSATISFIED,
                             note="路灯又坏了", called_on=D(2026, 9, 14), acting_user=liaison_a)
    content = drive(register(deputy_a, liaison_a, constituents=[person]), State.FED_BACK, liaison_a)
    services.callback_record(problem=content, constituent=person, result=CallbackResult.SATISFIED,
                             called_on=D(2026, 9, 14), acting_user=liaison_a)

    problems = list(Problem.objects.filter(pk__in=[waiting.pk, plain.pk, unhappy.pk, content.pk]).order_by("pk"))
    current = _page_forwardings(problems)
    facts = _round_facts(problems, current)
    assert facts[waiting.pk] == {"pending_extension": True, "awaiting_send_back": False}
    assert facts[unhappy.pk] == {"pending_extension": False, "awaiting_send_back": True}
    assert facts[plain.pk] == facts[content.pk] == {"pending_extension": False, "awaiting_send_back": False}
    for problem in problems:
        assert _state_actions(problem, current[problem.pk], **facts[problem.pk]) == \
            _state_actions(problem, current[problem.pk])
    assert ("decide_extension", "审批延期") in _state_actions(waiting, current[waiting.pk])
    assert ("send_back", "发回重办") in _state_actions(unhappy, current[unhappy.pk])
