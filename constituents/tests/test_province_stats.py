"""The activity statistics and the common problems at a province's scale (perf, issue 11): a page of
groups at a time, and the same figures and scoping a district has always seen."""

from __future__ import annotations

from django.urls import reverse

from constituents import views_activities
from constituents.tests.factories import ContactActivityFactory
from deputies.tests.factories import ConstituencyFactory, DeputyFactory, DeputyGroupFactory


def _group_with_deputy(term, name: str, deputy_name: str):
    group = DeputyGroupFactory(name=name)
    return DeputyFactory(constituency=ConstituencyFactory(term=term, group=group), name=deputy_name)


def test_activity_stats_pages_groups_and_lists_the_page_groups_deputies(client_of, staff_user, term, monkeypatch):
    monkeypatch.setattr(views_activities, "STATS_GROUPS_PER_PAGE", 2)
    first = _group_with_deputy(term, "1组", "甲一")
    _group_with_deputy(term, "2组", "乙二")
    third = _group_with_deputy(term, "3组", "丙三")
    client = client_of(staff_user)
    page = client.get(reverse("constituents:activity_stats")).content.decode()
    assert "1组" in page and "2组" in page and "3组" not in page
    assert "甲一" in page and "乙二" in page and "丙三" not in page
    assert "gpage=2" in page and "翻页查看其他代表组" in page
    second = client.get(reverse("constituents:activity_stats"), {"gpage": 2}).content.decode()
    assert "3组" in second and "丙三" in second and "甲一" not in second
    assert f"gpage=2&group={third.group_id}" in second  # a group's link stays on its page of groups
    chosen = client.get(reverse("constituents:activity_stats"), {"group": first.group_id}).content.decode()
    assert "甲一" in chosen and "乙二" not in chosen


def test_activity_stats_district_shows_every_group_on_one_page(client_of, staff_user, term):
    deputies = [_group_with_deputy(term, f"{n}组", f"代表{n}") for n in range(3)]
    ContactActivityFactory(constituency=deputies[0].constituency, deputies=[deputies[0]])
    page = client_of(staff_user).get(reverse("constituents:activity_stats")).content.decode()
    assert all(deputy.name in page and deputy.group.name in page for deputy in deputies)
    assert "gpage" not in page and "翻页查看其他代表组" not in page


def test_activity_stats_query_count_flat_as_groups_grow(client_of, staff_user, term, assert_flat_queries,
                                                        monkeypatch):
    monkeypatch.setattr(views_activities, "STATS_GROUPS_PER_PAGE", 3)

    def grow():
        for n in range(4):
            deputy = _group_with_deputy(term, f"新{DeputyGroupFactory._meta.model.objects.count()}-{n}", "某代表")
            ContactActivityFactory(constituency=deputy.constituency, deputies=[deputy])

    grow()
    assert_flat_queries(client_of(staff_user), reverse("constituents:activity_stats"), grow=grow)


def test_activity_stats_bad_input_is_not_an_error(client_of, liaison_a, deputy_a, group_b):
    client = client_of(liaison_a)
    for params in ({"gpage": "abc"}, {"gpage": "9" * 30}, {"group": group_b.pk}):
        response = client.get(reverse("constituents:activity_stats"), params)
        assert response.status_code == 200 and group_b.name not in response.content.decode()
    assert client.get(reverse("constituents:activity_stats"), {"group": "9" * 30}).status_code == 400
