"""The activity statistics and the common problems at a province's scale (perf, issue 11): a page of
groups at a time, and the same figures and scoping a district has always seen."""

from __future__ import annotations

from django.urls import reverse

from constituents import selectors, views_activities
from constituents.tests.casework import register
from constituents.tests.factories import ConstituentFactory, ContactActivityFactory
from deputies.tests.factories import CommunityFactory, ConstituencyFactory, DeputyFactory, DeputyGroupFactory


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


# --- 群众反映集中的问题 ------------------------------------------------------------------------

def _row_count(page: str, place: str) -> str:
    row = page.split(f"<td>{place}</td>", 1)[1]
    return row.split("</a>", 1)[0].rsplit(">", 1)[1]


def test_common_problems_for_the_district_are_stored_figures(client_of, staff_user, liaison_a, deputy_a):
    from liaison.figures import refresh

    person = ConstituentFactory(community=deputy_a.constituency.communities.first()
                                or CommunityFactory(constituency=deputy_a.constituency))
    register(deputy_a, liaison_a, constituents=[person])
    client = client_of(staff_user)
    page = client.get(reverse("constituents:common_problems")).content.decode()
    assert "统计数字更新于" in page and "城市建设" in page and _row_count(page, "第1选区") == "1"
    register(deputy_a, liaison_a)
    page = client.get(reverse("constituents:common_problems")).content.decode()
    assert _row_count(page, "第1选区") == "1"  # read from the figures, not counted on the view
    refresh(f"{selectors.COMMON_FIGURES}constituency/all")
    page = client.get(reverse("constituents:common_problems")).content.decode()
    assert _row_count(page, "第1选区") == "2"
    assert "据此起草建议" in page and "category=urban_construction&amp;constituency=" in page


def test_common_problems_stored_filters_by_category_and_place(client_of, staff_user, liaison_a, deputy_a):
    register(deputy_a, liaison_a)
    client = client_of(staff_user)
    other = client.get(reverse("constituents:common_problems"), {"category": "transport"}).content.decode()
    assert "统计数字更新于" in other and "第1选区" not in other and "没有符合条件的群众诉求" in other
    by_community = client.get(reverse("constituents:common_problems"),
                              {"by": "community", "year": "2026", "category": "urban_construction"}).content.decode()
    assert "统计数字更新于" in by_community and "社区/单位" in by_community


def test_common_problems_of_a_liaison_are_counted_live_in_their_groups(client_of, liaison_a, deputy_a, deputy_b,
                                                                        staff_user):
    register(deputy_a, liaison_a)
    register(deputy_b, staff_user)
    page = client_of(liaison_a).get(reverse("constituents:common_problems")).content.decode()
    assert "统计数字更新于" not in page
    assert deputy_a.constituency.name in page and deputy_b.constituency.name not in page


def test_common_problems_of_a_year_outside_the_term_are_counted_live(client_of, staff_user, liaison_a, deputy_a):
    from liaison.models import FigureSnapshot

    register(deputy_a, liaison_a)
    page = client_of(staff_user).get(reverse("constituents:common_problems"), {"year": "2001"}).content.decode()
    assert "统计数字更新于" not in page and not FigureSnapshot.objects.filter(key__contains="2001").exists()


def test_common_problems_stored_query_count_flat(client_of, staff_user, liaison_a, deputy_a,
                                                 assert_flat_queries):
    from liaison.figures import refresh

    def grow():
        for _ in range(3):
            register(deputy_a, liaison_a)
        refresh(f"{selectors.COMMON_FIGURES}constituency/all")

    grow()
    assert_flat_queries(client_of(staff_user), reverse("constituents:common_problems"), grow=grow)
