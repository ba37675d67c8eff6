"""Links between pages (issue 12 §7): a constituent's page lists their problems and the
feedback and 回访 they received; a department's name on the figures leads to its cases."""

from __future__ import annotations

import html
import re

from django.urls import reverse

from constituents import services
from constituents.models import CallbackResult, Problem
from constituents.tests.casework import D, drive, register
from constituents.tests.factories import ConstituentFactory, ProblemFactory
from deputies.tests.factories import DepartmentFactory


def test_a_constituents_page_lists_their_problems_and_feedback(client_of, liaison_a, deputy_a, community_a):
    person = ConstituentFactory(community=community_a, name="赵桂芳")
    fed_back = drive(register(deputy_a, liaison_a, constituents=[person]), Problem.State.FED_BACK, liaison_a)
    services.callback_record(problem=fed_back, constituent=person, result=CallbackResult.SATISFIED,
                             note="路灯已亮", called_on=D(2026, 9, 14), acting_user=liaison_a)
    someone_else = ConstituentFactory(community=community_a)
    ProblemFactory(deputy=deputy_a, text="菜市场噪音扰民").constituents.add(someone_else)

    page = client_of(liaison_a).get(reverse("constituents:constituent_detail", args=[person.pk])).content.decode()
    assert fed_back.get_absolute_url() in page and "小区门口路灯坏了三个月" in page
    assert "菜市场噪音扰民" not in page
    assert "已反馈" in page and "2026年9月12日" in page  # told by phone on the day of feedback
    assert "回访" in page and "满意" in page and "路灯已亮" in page and "2026年9月14日" in page


def test_a_constituent_without_casework_shows_empty_states(client_of, liaison_a, community_a):
    person = ConstituentFactory(community=community_a)
    page = client_of(liaison_a).get(reverse("constituents:constituent_detail", args=[person.pk])).content.decode()
    assert "暂无您可查看的该选民反映的问题" in page and "暂无反馈或回访记录" in page


def test_the_lists_on_a_constituents_page_are_scoped(client_of, staff_user, deputy_a, deputy_b, community_b):
    # A constituent of group B who also raised a problem with group A (e.g. at their workplace):
    # group B's deputy sees the constituent but not group A's case.
    person = ConstituentFactory(community=community_b)
    own = ProblemFactory(deputy=deputy_b, text="楼道灯不亮")
    elsewhere = ProblemFactory(deputy=deputy_a, text="厂区门口积水")
    own.constituents.add(person)
    elsewhere.constituents.add(person)
    url = reverse("constituents:constituent_detail", args=[person.pk])

    seen_by_b = client_of(deputy_b.user).get(url)
    assert [problem.pk for problem in seen_by_b.context["problems"]] == [own.pk]
    assert "厂区门口积水" not in seen_by_b.content.decode()
    assert {problem.pk for problem in client_of(staff_user).get(url).context["problems"]} == {own.pk, elsewhere.pk}


def test_a_constituents_page_stays_flat(client_of, liaison_a, deputy_a, community_a, assert_flat_queries):
    person = ConstituentFactory(community=community_a)
    drive(register(deputy_a, liaison_a, constituents=[person]), Problem.State.FED_BACK, liaison_a)

    def grow():
        for _ in range(5):
            problem = drive(register(deputy_a, liaison_a, constituents=[person]), Problem.State.FED_BACK, liaison_a)
            services.callback_record(problem=problem, constituent=person, result=CallbackResult.SATISFIED,
                                     called_on=D(2026, 9, 14), acting_user=liaison_a)

    assert_flat_queries(client_of(liaison_a), reverse("constituents:constituent_detail", args=[person.pk]), grow=grow)


def test_a_department_name_on_the_figures_leads_to_its_cases(client_of, staff_user, liaison_a, deputy_a,
                                                             community_a):
    lights, parks = DepartmentFactory(name="区城市管理局"), DepartmentFactory(name="区园林局")
    ours = drive(register(deputy_a, liaison_a, constituents=[ConstituentFactory(community=community_a)]),
                 Problem.State.HANDLING, liaison_a, department=lights)
    theirs = drive(register(deputy_a, liaison_a), Problem.State.HANDLING, liaison_a, department=parks)
    client = client_of(staff_user)
    page = client.get(reverse("constituents:department_stats"), {"year": 2026}).content.decode()
    link = re.search(r'<a href="([^"]+)">区城市管理局</a>', page)
    assert link, "the department's name is a link"
    listed = client.get(html.unescape(link.group(1))).context["page"]
    assert [problem.pk for problem in listed] == [ours.pk] and theirs.pk not in [p.pk for p in listed]
