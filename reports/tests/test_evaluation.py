"""评优参考: the office's conditions applied to the year; 履职典型 marked by staff only."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from constituents.models import Problem
from constituents.tests.casework import drive, register
from constituents.tests.factories import ContactActivityFactory
from deputies.tests.factories import ConstituencyFactory, DeputyFactory, DeputyGroupFactory
from liaison import figures
from reports.archive import evaluation_figures
from reports.models import EvaluationCriteria


def make_active(deputy, group, staff_user, activities: int):
    for month in range(1, activities + 1):
        ContactActivityFactory(group=group, held_on=dt.date(2026, month, 5)).deputies.add(deputy)


def test_candidates_meet_every_condition(client_of, staff_user, deputy_a, group_a):
    criteria = EvaluationCriteria.load()
    criteria.deputy_min_problems = 1
    criteria.deputy_needs_report = False
    criteria.save()
    quiet = DeputyFactory(constituency=deputy_a.constituency, name="王卫东")
    make_active(deputy_a, group_a, staff_user, 4)
    make_active(quiet, group_a, staff_user, 1)
    drive(register(deputy_a, staff_user, is_livelihood=True), Problem.State.RESOLVED, staff_user)

    page = client_of(staff_user).get(reverse("reports:evaluation"), {"year": 2026})
    assert [row["name"] for row in page.context["candidates"]] == [deputy_a.name]
    group_row = next(row for row in page.context["group_rows"] if row["group"]["name"] == group_a.name)
    assert (group_row["serving"], group_row["compliant"], group_row["rate"]) == (2, 1, 50)
    assert group_row["qualifies"] is False


def test_only_staff_mark_exemplary_and_it_is_audited(client_of, staff_user, committee_user, liaison_a, deputy_a):
    url = reverse("reports:evaluation")
    assert client_of(committee_user).post(url, {"deputy": deputy_a.pk, "exemplary": "1"}).status_code == 403
    assert client_of(liaison_a).post(url, {"deputy": deputy_a.pk, "exemplary": "1"}).status_code == 403
    response = client_of(staff_user).post(url + "?year=2026", {"deputy": deputy_a.pk, "exemplary": "1"})
    assert response.status_code == 302
    deputy_a.refresh_from_db()
    assert deputy_a.is_exemplary
    latest = deputy_a.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (staff_user, "deputies.deputy.exemplary_marked")
    assert "履职典型" in client_of(staff_user).get(reverse("deputies:deputy_detail", args=[deputy_a.pk])).content.decode()


def test_evaluation_is_flat_and_scoped(client_of, staff_user, liaison_a, deputy_a, deputy_b, group_a,
                                       assert_flat_queries):
    page = client_of(liaison_a).get(reverse("reports:evaluation")).content.decode()
    assert "甲代表组" in page and "乙代表组" not in page

    def grow():
        for _ in range(10):
            make_active(DeputyFactory(constituency=deputy_a.constituency), group_a, staff_user, 2)

    assert_flat_queries(client_of(staff_user), reverse("reports:evaluation"), grow=grow, params={"year": 2026})


def lenient():
    """Conditions every serving deputy meets: each one is a candidate."""
    criteria = EvaluationCriteria.load()
    criteria.deputy_min_activities = criteria.deputy_min_problems = criteria.deputy_min_livelihood = 0
    criteria.deputy_needs_report = False
    criteria.save()


def test_staff_read_the_stored_figure_until_beat_refreshes_it(client_of, staff_user, deputy_a, group_a):
    criteria = EvaluationCriteria.load()
    criteria.deputy_min_activities, criteria.deputy_min_problems, criteria.deputy_min_livelihood = 2, 0, 0
    criteria.deputy_needs_report = False
    criteria.save()
    make_active(deputy_a, group_a, staff_user, 1)
    client = client_of(staff_user)
    url = reverse("reports:evaluation")
    page = client.get(url, {"year": 2026})
    assert "统计数字更新于" in page.content.decode()
    assert list(page.context["candidates"]) == []
    ContactActivityFactory(group=group_a, held_on=dt.date(2026, 6, 5)).deputies.add(deputy_a)
    assert [row["name"] for row in client.get(url, {"year": 2026}).context["candidates"]] == []
    figures.refresh_all()
    assert [row["name"] for row in client.get(url, {"year": 2026}).context["candidates"]] == [deputy_a.name]


def test_a_liaison_is_judged_live_over_their_own_groups(client_of, staff_user, liaison_a, deputy_a, deputy_b,
                                                        group_a):
    lenient()
    client = client_of(liaison_a)
    page = client.get(reverse("reports:evaluation"), {"year": 2026}).content.decode()
    assert "甲代表组" in page and "乙代表组" not in page and deputy_b.name not in page
    assert "统计数字更新于" not in page
    DeputyFactory(constituency=deputy_a.constituency, name="刘新来")
    assert "刘新来" in client.get(reverse("reports:evaluation"), {"year": 2026}).content.decode()


def test_groups_and_candidates_page_by_fifty(client_of, staff_user, term, deputy_a):
    lenient()
    constituency = ConstituencyFactory(term=term, group=DeputyGroupFactory(name="丙代表组"))
    for _ in range(55):
        DeputyFactory(constituency=constituency)
        DeputyGroupFactory()
    client = client_of(staff_user)
    url = reverse("reports:evaluation")
    first = client.get(url, {"year": 2026})
    html = first.content.decode()
    assert len(first.context["candidates"]) == 50 and len(first.context["group_rows"]) == 50
    assert "candidates_page=2" in html and "page=2" in html.replace("candidates_page=2", "")
    assert "第 1 / 2 页，共 56 条" in html  # the candidates: deputy_a and 55 more
    second = client.get(url, {"year": 2026, "candidates_page": 2, "page": 2})
    assert len(second.context["candidates"]) == 6
    assert len(second.context["group_rows"]) == second.context["group_page"].paginator.count - 50
    assert client.get(url, {"page": "abc", "candidates_page": "999999999999999999"}).status_code == 200


def test_marking_exemplary_shows_at_once(client_of, staff_user, deputy_a):
    lenient()
    client = client_of(staff_user)
    url = reverse("reports:evaluation")
    assert "履职典型</span>" not in client.get(url, {"year": 2026}).content.decode()
    assert client.post(url + "?year=2026", {"deputy": deputy_a.pk, "exemplary": "1"}).status_code == 302
    page = client.get(url, {"year": 2026})
    assert [row["is_exemplary"] for row in page.context["candidates"]] == [True]
    assert [row.pk for row in page.context["exemplary"]] == [deputy_a.pk]
    assert 'name="exemplary" value="0"' in page.content.decode()


def test_liaison_page_and_stored_figure_are_flat(client_of, staff_user, liaison_a, deputy_a, group_a,
                                                 assert_flat_queries):
    lenient()

    def grow():
        for _ in range(10):
            make_active(DeputyFactory(constituency=deputy_a.constituency), group_a, staff_user, 2)
            DeputyFactory(constituency=ConstituencyFactory(term=deputy_a.term))

    assert_flat_queries(client_of(liaison_a), reverse("reports:evaluation"), grow=grow, params={"year": 2026})

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            evaluation_figures("2026")
        return len(queries)

    before = count()
    grow()
    assert count() == before


def test_one_group_is_found_among_the_stored_thousands(client_of, staff_user, deputy_a, deputy_b, group_a, group_b):
    lenient()
    client = client_of(staff_user)
    url = reverse("reports:evaluation")
    page = client.get(url, {"year": 2026, "group": group_b.pk})
    html = page.content.decode()
    assert 'data-autocomplete-url="/autocomplete/groups/"' in html and f'value="{group_b.name}"' in html
    assert [row["group"]["name"] for row in page.context["group_rows"]] == [group_b.name]
    assert [row["name"] for row in page.context["candidates"]] == [deputy_b.name]
    assert "统计数字更新于" in html  # still the stored figure, picked from


def test_a_liaison_choosing_a_group_sees_only_that_one_of_theirs(client_of, liaison_a, deputy_a, deputy_b, group_a,
                                                                 group_b):
    lenient()
    client = client_of(liaison_a)
    url = reverse("reports:evaluation")
    mine = client.get(url, {"year": 2026, "group": group_a.pk})
    assert [row["group"].name for row in mine.context["group_rows"]] == [group_a.name]
    other = client.get(url, {"year": 2026, "group": group_b.pk}).content.decode()  # not theirs: their own, as before
    assert deputy_b.name not in other and group_a.name in other
    assert client.get(url, {"group": "abc"}).status_code == 400
