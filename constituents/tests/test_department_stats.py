"""有关部门办理情况: the figures defined once (constituents/figures.py), ranked only with enough cases."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from constituents import figures, services
from constituents.models import CallbackResult, FeedbackMethod, Forwarding, Problem
from constituents.tests.casework import D, drive, register
from constituents.tests.factories import ConstituentFactory
from deputies.tests.factories import DepartmentFactory

YEAR = figures.Period(2026)


def _case(deputy, user, department, community, *, accepted_on, replied_on, result_class, callback):
    problem = register(deputy, user, constituents=[ConstituentFactory(community=community)])
    services.problem_forward(problem=problem, departments=[department], forwarded_on=D(2026, 9, 2), acting_user=user)
    forwarding = problem.forwardings.get()
    services.problem_start_handling(problem=problem, forwarding=forwarding, accepted_on=accepted_on, acting_user=user)
    services.problem_record_reply(problem=problem, forwarding=forwarding, reply_text="答复", result_class=result_class,
                                  replied_on=replied_on, acting_user=user)
    if result_class in "AB":
        services.problem_resolve(problem=problem, result_summary="已解决", resolved_on=replied_on, acting_user=user)
    else:
        services.problem_mark_unsolvable(problem=problem, reason="暂无条件", decided_on=replied_on, acting_user=user)
    services.problem_feedback(problem=problem, how=FeedbackMethod.PHONE, when=replied_on, acting_user=user)
    call = services.callback_record(problem=problem, constituent=problem.constituents.get(), result=callback,
                                    note="回访情况", called_on=replied_on, acting_user=user)
    return problem, forwarding, call


@pytest.fixture
def district(deputy_a, liaison_a, community_a, settings):
    settings.CASEWORK = {"DEPARTMENT_RANKING_MIN_CASES": 2}
    busy, small = DepartmentFactory(name="区城市管理局"), DepartmentFactory(name="区体育局")
    _case(deputy_a, liaison_a, busy, community_a, accepted_on=D(2026, 9, 2), replied_on=D(2026, 9, 10),
          result_class="A", callback=CallbackResult.SATISFIED)
    problem, _forwarding, call = _case(deputy_a, liaison_a, busy, community_a, accepted_on=D(2026, 9, 7),
                                       replied_on=D(2026, 10, 30), result_class="C",
                                       callback=CallbackResult.DISSATISFIED)
    services.problem_send_back(problem=problem, callback=call, sent_on=D(2026, 10, 30), acting_user=liaison_a)
    returned = register(deputy_a, liaison_a)
    [wrong] = services.problem_forward(problem=returned, departments=[busy], forwarded_on=D(2026, 9, 2),
                                       acting_user=liaison_a)
    services.problem_return(problem=returned, forwarding=wrong, reason="非本单位职责", returned_on=D(2026, 9, 3),
                            acting_user=liaison_a)
    drive(register(deputy_a, liaison_a), Problem.State.FORWARDED, liaison_a, department=small)
    return busy, small


def test_each_figure_follows_its_definition(district):
    busy, small = district
    rows = {row["name"]: row for row in figures.department_figures(Forwarding.objects.all(), YEAR)}
    row = rows["区城市管理局"]
    assert (row["received"], row["returned"], row["kept"], row["replied"]) == (3, 1, 2, 2)
    assert row["response_rate"] == pytest.approx(2 / 3)  # one signed late; the return within the limit counts
    assert row["on_time_reply_rate"] == 0.5
    assert row["solved_rate"] == 0.5
    assert row["satisfaction_rate"] == 0.5
    assert row["first_time_solved_rate"] == 0.5
    assert row["sent_back_rate"] == 0.5
    days = list(Forwarding.objects.filter(department=busy, status="replied").values_list("reply_working_days",
                                                                                         flat=True))
    assert row["mean_reply_days"] == pytest.approx(sum(days) / 2) and days[0] == 6
    assert row["rank"] == 1
    assert rows["区体育局"]["ranked"] is False and "rank" not in rows["区体育局"]
    assert rows["区体育局"]["satisfaction_rate"] is None
    whole = figures.district_figures(Forwarding.objects.all(), YEAR)
    assert (whole["received"], whole["reached"], whole["satisfied"]) == (4, 2, 1)
    [group] = figures.group_figures(Forwarding.objects.all(), YEAR)
    assert group["received"] == 4 and group["satisfaction_rate"] == 0.5
    # A quarter with no forwarding has no rates, not zeros.
    empty = figures.district_figures(Forwarding.objects.all(), figures.Period(2026, 1))
    assert empty["received"] == 0 and empty["solved_rate"] is None


def test_page_shows_figures_definitions_and_links_to_cases(client_of, staff_user, district):
    busy, _small = district
    page = client_of(staff_user).get(reverse("constituents:department_stats"),
                                     {"year": 2026, "quarter": 3}).content.decode()
    assert "2026年第3季度" in page
    for definition in figures.definitions():
        assert definition["text"] in page
    assert f"?department={busy.pk}" in page
    listed = client_of(staff_user).get(reverse("constituents:problem_list"), {"department": busy.pk}).context["page"]
    assert len(listed.object_list) == 3


def test_page_is_scoped(client_of, deputy_a, deputy_b, staff_user):
    department = DepartmentFactory(name="区水务局")
    drive(register(deputy_a, staff_user), Problem.State.FORWARDED, staff_user, department=department)
    assert "区水务局" in client_of(staff_user).get(reverse("constituents:department_stats"),
                                                 {"year": 2026}).content.decode()
    assert "区水务局" not in client_of(deputy_b.user).get(reverse("constituents:department_stats"),
                                                       {"year": 2026}).content.decode()


def test_page_and_roll_up_queries_do_not_grow(client_of, deputy_a, liaison_a, staff_user, community_a,
                                              assert_flat_queries):
    _case(deputy_a, liaison_a, DepartmentFactory(name="区水务局"), community_a, accepted_on=D(2026, 9, 2),
          replied_on=D(2026, 9, 10), result_class="A", callback=CallbackResult.SATISFIED)

    def grow():
        for index in range(4):
            _case(deputy_a, liaison_a, DepartmentFactory(name=f"区第{index}局"), community_a,
                  accepted_on=D(2026, 9, 2), replied_on=D(2026, 9, 10), result_class="B",
                  callback=CallbackResult.BASICALLY)

    assert_flat_queries(client_of(staff_user), reverse("constituents:department_stats"), grow=grow,
                        params={"year": 2026})


def test_office_reads_stored_figures_and_is_told_when(client_of, staff_user, deputy_a, liaison_a, community_a,
                                                       district):
    from liaison.tasks import refresh_district_figures

    client = client_of(staff_user)
    url = reverse("constituents:department_stats")
    first = client.get(url, {"year": 2026})
    assert "数据更新于" in first.content.decode()
    assert first.context["district"]["received"] == 4
    drive(register(deputy_a, liaison_a), Problem.State.FORWARDED, liaison_a)
    assert client.get(url, {"year": 2026}).context["district"]["received"] == 4  # stored, not recounted per view
    refresh_district_figures.delay().get()
    refreshed = client.get(url, {"year": 2026})
    assert refreshed.context["district"]["received"] == 5
    # The stored rows say what the live ones say (the Excel export reads them too).
    live = {row["name"]: row for row in figures.department_figures(Forwarding.objects.all(), YEAR)}
    for row in refreshed.context["rows"]:
        assert row["received"] == live[row["name"]]["received"]
        assert row["on_time_reply_rate"] == live[row["name"]]["on_time_reply_rate"]
    # A deputy's page counts their own scope live and says nothing of stored figures.
    assert "数据更新于" not in client_of(deputy_a.user).get(url, {"year": 2026}).content.decode()


def test_groups_are_listed_a_page_at_a_time(client_of, staff_user, deputy_a, liaison_a, monkeypatch, term):
    from constituents import views
    from deputies.tests.factories import ConstituencyFactory, DeputyFactory, DeputyGroupFactory

    monkeypatch.setattr(views, "GROUPS_PER_PAGE", 2)
    department = DepartmentFactory(name="区水务局")
    names = []
    for index in range(3):
        group = DeputyGroupFactory(name=f"分页测试第{index}组", sort_order=index)
        other = DeputyFactory(constituency=ConstituencyFactory(term=term, group=group))
        drive(register(other, staff_user), Problem.State.FORWARDED, staff_user, department=department)
        names.append(group.name)
    for user in (staff_user, deputy_a.user):  # stored figures and live ones page alike
        client = client_of(user)
        url = reverse("constituents:department_stats")
        first = client.get(url, {"year": 2026})
        if user is deputy_a.user:
            assert first.context["groups"] == []  # nothing of deputy A's
            continue
        assert [row["name"] for row in first.context["groups"]] == names[:2]
        second = client.get(url, {"year": 2026, "page": 2}).content.decode()
        assert names[2] in second and names[0] not in second and "第 2 / 2 页" in second
        # Not a page: the first one, as every list does.
        assert [row["name"] for row in client.get(url, {"year": 2026, "page": "x"}).context["groups"]] == names[:2]


def test_roll_up_is_two_queries_per_breakdown(district, django_assert_num_queries):
    with django_assert_num_queries(6):
        figures.roll_up(Forwarding.objects.all(), YEAR)


def test_readme_gives_the_same_definitions():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    for definition in figures.definitions():
        assert definition["text"] in readme, definition["label"]


def test_departments_are_listed_a_page_at_a_time(client_of, staff_user, liaison_a, deputy_a, monkeypatch):
    # A province ranks some 500 departments: they come a page at a time, the groups' page kept apart.
    from constituents import views

    monkeypatch.setattr(views, "DEPARTMENTS_PER_PAGE", 2)
    names = [f"分页测试局{index}" for index in range(3)]
    for name in names:
        drive(register(deputy_a, liaison_a), Problem.State.FORWARDED, staff_user, department=DepartmentFactory(name=name))
    url = reverse("constituents:department_stats")
    for user in (staff_user, liaison_a):  # stored figures and live ones page alike
        client = client_of(user)
        first = client.get(url, {"year": 2026})
        shown = [row["name"] for row in first.context["rows"]]
        assert len(shown) == 2 and first.context["district"]["received"] == 3
        html = first.content.decode()
        assert "第 1 / 2 页，共 3 条" in html and "dpage=2" in html and "year=2026" in html
        second = client.get(url, {"year": 2026, "dpage": 2})
        rest = [row["name"] for row in second.context["rows"]]
        assert sorted(shown + rest) == sorted(names)
        assert "第 2 / 2 页" in second.content.decode()
        # Not a page: the first one; the groups' page number leaves the departments' alone.
        assert [row["name"] for row in client.get(url, {"year": 2026, "dpage": "x", "page": "1"}).context["rows"]] == shown
