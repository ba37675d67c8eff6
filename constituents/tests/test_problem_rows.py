"""The problem page builds its rows in Python (problem_rows): what a clerk sees in each row of
承办部门, 延期申请, 督办记录, 结果反馈, 回访, 办理经过 and 操作记录, the 反映人 and the step buttons —
the text, the links, every value from the database escaped, and the wording of an empty list.
The last tests read the whole page: the lists it skips when empty, and queries that do not grow."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from constituents import problem_rows, services
from constituents.models import (
    Callback,
    Constituent,
    ExtensionRequest,
    FollowUp,
    Forwarding,
    ForwardingAttachment,
    Problem,
    ProblemFeedback,
    Suggestion,
)
from constituents.tests.casework import D, State, drive, register
from constituents.tests.factories import ConstituentFactory
from deputies.models import Community, Department
from deputies.tests.factories import DepartmentFactory
from liaison.models import User

HOSTILE = "<b>x</b>"
ESCAPED = "&lt;b&gt;x&lt;/b&gt;"
TODAY = D(2026, 10, 20)


def _clerk(last_name="王", first_name="小明") -> User:
    return User(pk=5, username="clerk", last_name=last_name, first_name=first_name)


def _department(name="区住建局") -> Department:
    return Department(pk=3, name=name)


def _items(html: str) -> list[str]:
    return re.findall(r'<li class="list-group-item[^"]*">(.*?)</li>', html, re.S)


def test_step_buttons_are_quiet_for_edit_and_followup_and_link_to_each_step():
    html = problem_rows.action_buttons(12, [("forward", "转交部门"), ("followup", "记录督办"), ("edit", "修改<登记>")])
    assert html == (
        '<div class="d-flex flex-wrap gap-1">'
        f'\n    <a class="btn btn-sm btn-danger" href="{reverse("constituents:problem_step", args=[12, "forward"])}">'
        "转交部门</a>"
        f'\n    <a class="btn btn-sm btn-outline-secondary" '
        f'href="{reverse("constituents:problem_step", args=[12, "followup"])}">记录督办</a>'
        f'\n    <a class="btn btn-sm btn-outline-secondary" '
        f'href="{reverse("constituents:problem_step", args=[12, "edit"])}">修改&lt;登记&gt;</a></div>'
    )
    assert problem_rows.action_buttons(12, []) == ""


def test_constituents_masked_linked_with_their_community_or_anonymous():
    people = [Constituent(pk=7, name="张三丰", community=Community(name="幸福里社区")),
              Constituent(pk=8, name=HOSTILE, community=Community(name=HOSTILE))]
    assert problem_rows.constituent_links(people) == (
        f'<a href="{reverse("constituents:constituent_detail", args=[7])}">张**</a>（幸福里社区）、'
        f'<a href="{reverse("constituents:constituent_detail", args=[8])}">&lt;*******</a>（{ESCAPED}）'
    )
    assert problem_rows.constituent_links([]) == "匿名或未登记"


def _forwarding(**fields) -> Forwarding:
    base = {"pk": 21, "department": _department(), "round": 2, "status": Forwarding.Status.PENDING,
            "forwarded_on": D(2026, 9, 2), "deadline": D(2026, 10, 14)}
    return Forwarding(**{**base, **fields})


def _cells(row: str) -> list[str]:
    return re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)


def test_a_forwarding_of_this_round_overdue_estimated_with_its_notes():
    forwarding = _forwarding(department=_department(HOSTILE), deadline_is_estimate=True, needs_contact=True,
                             accept_proxy_contact="李<四>")
    html = problem_rows.forwarding_rows([forwarding], current_round=2, problem_overdue=True, today=TODAY)
    assert html.startswith("\n  <tr>\n") and html.endswith("\n  </tr>")
    assert _cells(html) == [
        ESCAPED, "2", "2026年9月2日",
        '2026年10月14日<span class="badge text-bg-warning ms-1">估算</span>'
        '<span class="badge text-bg-danger ms-1">已逾期</span>',
        f'<a href="{reverse("constituents:forwarding_detail", args=[21])}">待受理</a>'
        '<div class="small text-muted">需要联系反映人</div><div class="small text-muted">签收代录（李&lt;四&gt;）</div>',
        "—",
    ]
    # Past its deadline, but the problem is not counted overdue (e.g. it has a result): no 已逾期.
    html = problem_rows.forwarding_rows([forwarding], current_round=2, problem_overdue=False, today=TODAY)
    assert "已逾期" not in html


def test_a_returned_forwarding_of_an_earlier_round_is_muted_with_its_reason():
    forwarding = _forwarding(round=1, status=Forwarding.Status.RETURNED, returned_on=D(2026, 9, 5),
                             return_reason="不属<本单位>职责", return_proxy_contact="赵六")
    html = problem_rows.forwarding_rows([forwarding], current_round=2, problem_overdue=True, today=TODAY)
    assert html.startswith('\n  <tr class="text-muted">\n')
    assert _cells(html)[1] == "1"
    assert _cells(html)[3] == "2026年10月14日"  # returned: not open, so never 已逾期
    assert _cells(html)[4].endswith('<div class="small">退办理由：不属&lt;本单位&gt;职责（代录，赵六）</div>')
    assert problem_rows.forwarding_rows([], current_round=1, problem_overdue=False, today=TODAY) == ""


def _history_row(**fields):
    row = Problem.history.model(history_id=1, state=Problem.State.FORWARDED, **fields)
    row.action_label = "转交有关部门"
    return row


def test_history_rows_in_local_time_with_who_or_system():
    moment = dt.datetime(2026, 9, 1, 16, 5, tzinfo=dt.UTC)  # 2026-09-02 00:05 in Asia/Shanghai
    rows = [_history_row(history_date=moment, history_user=_clerk(HOSTILE, "")),
            _history_row(history_date=moment, history_user=None)]
    html = problem_rows.history_rows(rows)
    assert re.findall(r"<tr>(.*?)</tr>", html) == [
        '<td class="text-nowrap small card-second">2026年9月2日 00:05</td><td class="small">' + ESCAPED + "</td>"
        '<td class="card-wide">转交有关部门</td><td class="small card-labelled">已转交</td>',
        '<td class="text-nowrap small card-second">2026年9月2日 00:05</td><td class="small">系统</td>'
        '<td class="card-wide">转交有关部门</td><td class="small card-labelled">已转交</td>',
    ]
    assert problem_rows.history_rows([]) == '<tr><td colspan="4" class="text-muted">暂无记录。</td></tr>'


def test_timeline_entries_with_their_day_tone_title_and_cut_detail():
    from constituents.views_problem import TimelineEntry

    html = problem_rows.timeline_items([
        TimelineEntry(D(2026, 9, 1), f"群众反映（{HOSTILE}）", "长" * 170, "primary"),
        TimelineEntry(D(2026, 9, 2), "转交区住建局"),
    ])
    assert _items(html) == [
        '<div class="small text-muted">2026年9月1日</div><span class="badge text-bg-primary me-1">&nbsp;</span>'
        f'群众反映（{ESCAPED}）<div class="small">{"长" * 157}...</div>',
        '<div class="small text-muted">2026年9月2日</div><span class="badge text-bg-secondary me-1">&nbsp;</span>'
        "转交区住建局",
    ]
    assert problem_rows.timeline_items([]) == ""


def test_extensions_with_proxy_decider_decision_and_tone():
    forwarding = _forwarding(department=_department(HOSTILE))
    asked = dict(forwarding=forwarding, old_deadline=D(2026, 10, 14), requested_deadline=D(2026, 11, 14),
                 requested_on=D(2026, 10, 1), reason="需<招标>")
    html = problem_rows.extension_items([
        ExtensionRequest(**asked, proxy_contact="钱七", status=ExtensionRequest.Status.APPROVED,
                         decided_by=_clerk(), decision_note="同意<延期>"),
        ExtensionRequest(**asked, status=ExtensionRequest.Status.REFUSED, decided_by=_clerk()),
        ExtensionRequest(**asked),
    ])
    assert _items(html) == [
        f'<div class="small text-muted">{ESCAPED} · 2026年10月1日申请（代录，部门联系人：钱七） · 审批人 王小明</div>\n'
        "    由2026年10月14日延至2026年11月14日：需&lt;招标&gt;\n"
        '    <span class="badge text-bg-success">已同意</span> 同意&lt;延期&gt;',
        f'<div class="small text-muted">{ESCAPED} · 2026年10月1日申请 · 审批人 王小明</div>\n'
        "    由2026年10月14日延至2026年11月14日：需&lt;招标&gt;\n"
        '    <span class="badge text-bg-secondary">不同意</span>',
        f'<div class="small text-muted">{ESCAPED} · 2026年10月1日申请</div>\n'
        "    由2026年10月14日延至2026年11月14日：需&lt;招标&gt;\n"
        '    <span class="badge text-bg-warning">待审批</span>',
    ]
    assert problem_rows.extension_items([]) == ""  # and the page shows no 延期申请 card


def test_follow_ups_with_or_without_a_department_and_a_note():
    html = problem_rows.follow_up_items([
        FollowUp(followed_on=D(2026, 9, 20), method="phone", forwarding=_forwarding(department=_department(HOSTILE)),
                 recorded_by=_clerk(), department_said="月底<办结>", note="再催"),
        FollowUp(followed_on=D(2026, 9, 21), method="visit", recorded_by=_clerk(), department_said="在办"),
    ])
    assert _items(html) == [
        f'<div class="small text-muted">2026年9月20日 · 电话督办 · {ESCAPED} · 记录人 王小明</div>\n'
        '    部门答复情况：月底&lt;办结&gt;<div class="small">备注：再催</div>',
        '<div class="small text-muted">2026年9月21日 · 上门督办 · 记录人 王小明</div>\n    部门答复情况：在办',
    ]
    assert problem_rows.follow_up_items([]) == '<li class="list-group-item text-muted">暂无督办记录。</li>'


def test_feedbacks_named_masked_or_anonymous_from_a_suggestion_or_an_earlier_round():
    person = Constituent(name=HOSTILE)
    html = problem_rows.feedback_items([
        ProblemFeedback(constituent=person, round=2, status=ProblemFeedback.Status.DONE, method="phone",
                        told_on=D(2026, 9, 12)),
        ProblemFeedback(round=1, suggestion=Suggestion(kind=Suggestion.Kind.BILL)),
    ], current_round=2)
    assert _items(html) == [
        "<span>&lt;*******</span>\n    <span>电话告知，2026年9月12日</span>",
        '<span>反映人（匿名） <span class="small text-muted">· 来自议案答复</span> '
        '<span class="small text-muted">· 第1轮</span></span>\n    <span><span class="badge text-bg-warning">待反馈</span></span>',
    ]
    assert problem_rows.feedback_items([], current_round=1) == (
        '<li class="list-group-item text-muted">有办理结果后，这里列出需要告知的每一位反映人。</li>'
    )


def test_callbacks_with_round_day_caller_note_result_and_sent_back():
    html = problem_rows.callback_items([
        Callback(constituent=Constituent(name="张三"), round=1, called_on=D(2026, 9, 15), recorded_by=_clerk(HOSTILE, ""),
                 result="dissatisfied", note="路灯<又坏>", sent_back=True),
        Callback(round=2, called_on=D(2026, 10, 15), recorded_by=_clerk(), result="unreachable"),
        Callback(round=2, called_on=D(2026, 10, 16), recorded_by=_clerk(), result="satisfied"),
    ])
    assert _items(html) == [
        f'<span>张* <span class="small text-muted">· 第1轮 · 2026年9月15日 · {ESCAPED}</span>'
        '<div class="small">路灯&lt;又坏&gt;</div></span>\n'
        '    <span><span class="badge text-bg-danger">不满意</span> <span class="badge text-bg-warning">已发回重办</span></span>',
        '<span>反映人（匿名） <span class="small text-muted">· 第2轮 · 2026年10月15日 · 王小明</span></span>\n'
        '    <span><span class="badge text-bg-secondary">未能联系</span></span>',
        '<span>反映人（匿名） <span class="small text-muted">· 第2轮 · 2026年10月16日 · 王小明</span></span>\n'
        '    <span><span class="badge text-bg-success">满意</span></span>',
    ]
    assert problem_rows.callback_items([]) == (
        '<li class="list-group-item text-muted">有办理结果后，由联络工委或联络员回访每一位反映人。</li>'
    )


@pytest.mark.django_db
def test_the_page_shows_a_reply_with_its_files_and_skips_empty_lists(client_of, liaison_a, deputy_a):
    problem = drive(register(deputy_a, liaison_a), State.HANDLING, liaison_a,
                    department=DepartmentFactory(name=HOSTILE))
    client = client_of(liaison_a)
    page = client.get(problem.get_absolute_url()).content.decode()
    assert "延期申请" not in page  # no extension: no card
    assert '<li class="list-group-item text-muted">暂无督办记录。</li>' in page
    assert "有办理结果后，这里列出需要告知的每一位反映人。" in page
    assert "有办理结果后，由联络工委或联络员回访每一位反映人。" in page
    assert "相关议案/建议" not in page

    forwarding = problem.forwardings.get()
    services.problem_record_reply(problem=problem, forwarding=forwarding, reply_text="已安排<维修>", result_class="A",
                                  replied_on=D(2026, 9, 10), acting_user=liaison_a)
    attachment = ForwardingAttachment.objects.create(forwarding=forwarding, file="x.pdf", original_name=HOSTILE,
                                                     content_type="application/pdf", size=10, uploaded_by=liaison_a)
    page = client.get(problem.get_absolute_url()).content.decode()
    departments = re.search(r"<tbody>(.*?)</tbody>", page[page.index("承办部门"):], re.S)[1]
    assert _cells(departments)[0] == ESCAPED
    download = reverse("constituents:attachment_download", args=[attachment.pk])
    assert _cells(departments)[5] == (  # recorded by the liaison for the department: 代录, with its contact
        'A类（已解决或采纳）<span class="badge text-bg-light border ms-1">代录 · 李科长</span>'
        f'<br>已安排&lt;维修&gt;<br><a href="{download}">附件：{ESCAPED}</a>'
    )


@pytest.mark.django_db
def test_problem_page_queries_do_not_grow_with_any_list(client_of, liaison_a, staff_user, deputy_a, community_a,
                                                        assert_flat_queries):
    """Each list starts with one row (an empty list is not read at all) and grows by three."""
    problem = drive(register(deputy_a, liaison_a, constituents=[ConstituentFactory(community=community_a)]),
                    State.RESOLVED, liaison_a)
    forwarding = problem.forwardings.get()

    def one_of_each():
        services.followup_add(problem=problem, followed_on=D(2026, 9, 10), method="phone", department_said="在办",
                              acting_user=liaison_a)
        ForwardingAttachment.objects.create(forwarding=forwarding, file="x.pdf", original_name="答复.pdf",
                                            content_type="application/pdf", size=10, uploaded_by=liaison_a)
        ExtensionRequest.objects.create(forwarding=forwarding, reason="需招标", old_deadline=forwarding.deadline,
                                        requested_deadline=forwarding.deadline + dt.timedelta(days=30),
                                        requested_on=D(2026, 9, 5), requested_by=liaison_a,
                                        status=ExtensionRequest.Status.REFUSED, decided_by=staff_user)
        Callback.objects.create(problem=problem, round=1, result="satisfied", called_on=D(2026, 9, 13),
                                recorded_by=liaison_a)
        person = ConstituentFactory(community=community_a)
        problem.constituents.add(person)
        ProblemFeedback.objects.create(problem=problem, constituent=person, round=1,
                                       dedupe_key=ProblemFeedback.key_for(problem.pk, 1, person.pk, None))
        suggestion = services.suggestion_draft(kind="suggestion", title="关于路灯的建议", content="……",
                                               category="urban_construction", lead_deputy=deputy_a,
                                               problems=[problem], acting_user=liaison_a)
        assert suggestion.pk
        follower = register(deputy_a, liaison_a, constituents=[ConstituentFactory(community=community_a)])
        Problem.objects.filter(pk=follower.pk).update(linked_to=problem)
        problem._change_reason = f"constituents.problem.updated.{follower.pk}"  # a step of its own in 操作记录
        problem.save()

    one_of_each()

    def grow():
        for _ in range(3):
            one_of_each()

    for user in (liaison_a, staff_user, deputy_a.user):
        assert_flat_queries(client_of(user), problem.get_absolute_url(), grow=grow, cap=20)


@pytest.mark.django_db
def test_problem_page_queries_do_not_grow_with_forwardings_of_a_closed_case(client_of, staff_user, deputy_a,
                                                                            liaison_a, assert_flat_queries):
    """A resolved problem's forwardings, none with an extension or a file: nothing is read per forwarding."""
    problem = drive(register(deputy_a, liaison_a), State.RESOLVED, liaison_a)
    forwarding = problem.forwardings.get()

    def grow():
        for _ in range(3):
            Forwarding.objects.create(problem=problem, department=DepartmentFactory(), round=problem.round,
                                      status=Forwarding.Status.REPLIED, forwarded_on=forwarding.forwarded_on,
                                      deadline=forwarding.deadline, replied_on=forwarding.replied_on,
                                      reply_text="已办结", result_class="A")

    assert_flat_queries(client_of(staff_user), problem.get_absolute_url(), grow=grow, cap=20)
