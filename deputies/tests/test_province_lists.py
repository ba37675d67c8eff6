"""The deputy and group lists at a province's scale (perf, issue 11): no <select> of every group,
pages instead of every row, a search to find one group, and the same scoping as before."""

from __future__ import annotations

from django.urls import reverse

from deputies import views
from deputies.tests.factories import ConstituencyFactory, DeputyFactory, DeputyGroupFactory


def test_deputy_list_group_filter_searches_as_you_type(client_of, staff_user, deputy_a, group_a):
    page = client_of(staff_user).get(reverse("deputies:deputy_list")).content.decode()
    assert 'name="group"' in page and "data-autocomplete-url" in page and "输入代表组名称查找" in page
    assert "<select name=\"group\"" not in page
    assert f'<option value="{group_a.pk}"' not in page


def test_deputy_list_group_filter_shows_the_chosen_group_and_filters(client_of, staff_user, deputy_a, deputy_b,
                                                                     group_a):
    page = client_of(staff_user).get(reverse("deputies:deputy_list"), {"group": group_a.pk}).content.decode()
    assert f'value="{group_a.name}"' in page  # the search box shows the chosen group's name
    assert deputy_a.name in page and deputy_b.name not in page


def test_liaison_cannot_filter_by_a_group_they_may_not_see(client_of, liaison_a, deputy_a, deputy_b, group_b):
    response = client_of(liaison_a).get(reverse("deputies:deputy_list"), {"group": group_b.pk})
    page = response.content.decode()
    assert response.status_code == 200
    assert deputy_b.name not in page and group_b.name not in page


def test_deputy_list_bad_input_is_not_a_server_error(client_of, staff_user, deputy_a):
    for params in ({"group": "999999999999999"}, {"group": "abc"}, {"page": "abc"}, {"page": "9" * 30},
                   {"after": "x~y"}):
        assert client_of(staff_user).get(reverse("deputies:deputy_list"), params).status_code == 200


def test_deputy_list_pages_past_fifty(client_of, staff_user, constituency_a):
    DeputyFactory.create_batch(51, constituency=constituency_a)
    client = client_of(staff_user)
    first = client.get(reverse("deputies:deputy_list")).content.decode()
    assert "下一页" in first and "共 51 条" in first
    second = client.get(reverse("deputies:deputy_list"), {"page": 2}).content.decode()
    assert "上一页" in second and "下一页" not in second


def test_group_list_pages_and_keeps_counts(client_of, staff_user, term, monkeypatch):
    monkeypatch.setattr(views, "GROUPS_PER_PAGE", 3)
    for _ in range(4):
        DeputyGroupFactory()
    group = DeputyGroupFactory(name="甲0代表组", sort_order=0)
    DeputyFactory.create_batch(2, constituency=ConstituencyFactory(term=term, group=group))
    client = client_of(staff_user)
    first = client.get(reverse("deputies:group_list")).content.decode()
    assert "下一页" in first and "共 5 条" in first
    assert 'name="name"' in first and "输入代表组名称查找" in first
    found = client.get(reverse("deputies:group_list"), {"name": "甲0"}).content.decode()
    assert "甲0代表组" in found and "下一页" not in found
    row = found.split("甲0代表组", 1)[1].split("</tr>", 1)[0]
    assert '<td class="text-end">2</td>' in row and '<td class="text-end">1</td>' in row  # 2 serving, 1 constituency


def test_group_list_search_that_finds_nothing_says_so(client_of, staff_user, group_a):
    page = client_of(staff_user).get(reverse("deputies:group_list"), {"name": "没有这个组"}).content.decode()
    assert "没有名称包含所填文字的代表组" in page and "还没有代表组" not in page


def test_group_list_shows_a_liaison_only_their_groups(client_of, liaison_a, group_a, group_b):
    page = client_of(liaison_a).get(reverse("deputies:group_list"), {"name": "代表组"}).content.decode()
    assert group_a.name in page and group_b.name not in page


def test_group_list_query_count_flat_when_searching(client_of, staff_user, term, assert_flat_queries):
    def grow():
        for _ in range(5):
            group = DeputyGroupFactory()
            DeputyFactory(constituency=ConstituencyFactory(term=term, group=group))

    grow()
    assert_flat_queries(client_of(staff_user), reverse("deputies:group_list"), grow=grow, params={"name": "代表组"})
