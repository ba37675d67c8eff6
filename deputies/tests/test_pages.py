from __future__ import annotations

import pytest
from django.urls import reverse

from deputies.models import DeputyStatus
from deputies.tests.factories import ConstituencyFactory, DeputyFactory, DeputyGroupFactory


def make_groups(term, count: int):
    for _ in range(count):
        group = DeputyGroupFactory()
        constituency = ConstituencyFactory(term=term, group=group)
        for _ in range(3):
            DeputyFactory(constituency=constituency)


@pytest.mark.parametrize("url_name", ["deputies:group_list", "deputies:deputy_list", "home"])
def test_list_query_count_does_not_grow(client_of, staff_user, term, url_name, assert_flat_queries):
    make_groups(term, 2)
    assert_flat_queries(client_of(staff_user), reverse(url_name), grow=lambda: make_groups(term, 8))


def test_group_detail_query_count_flat(client_of, staff_user, term, assert_flat_queries):
    group = DeputyGroupFactory()
    constituency = ConstituencyFactory(term=term, group=group)
    DeputyFactory(constituency=constituency)

    def grow():
        for _ in range(20):
            DeputyFactory(constituency=constituency)

    assert_flat_queries(client_of(staff_user), reverse("deputies:group_detail", args=[group.pk]), grow=grow)


def test_deputy_pages_query_count_flat(client_of, deputy_a, liaison_a, assert_flat_queries):
    def grow():
        for _ in range(10):
            DeputyFactory(constituency=deputy_a.constituency)

    assert_flat_queries(client_of(liaison_a), reverse("deputies:deputy_detail", args=[deputy_a.pk]), grow=grow)
    assert_flat_queries(client_of(deputy_a.user), reverse("home"), grow=grow)


def test_group_page_lists_deputies_and_who_left(client_of, liaison_a, deputy_a, group_a):
    DeputyFactory(constituency=deputy_a.constituency, name="孙立新", status=DeputyStatus.TRANSFERRED,
                  left_on="2025-06-01")
    page = client_of(liaison_a).get(reverse("deputies:group_detail", args=[group_a.pk])).content.decode()
    assert "张建国" in page and "孙立新" in page and "调离" in page and "2025年6月1日" in page


def test_deputy_list_filters_by_name(client_of, staff_user, deputy_a, deputy_b):
    page = client_of(staff_user).get(reverse("deputies:deputy_list"), {"name": "建国"}).content.decode()
    assert deputy_a.name in page and deputy_b.name not in page


def test_empty_list_says_so_in_chinese(client_of, staff_user):
    page = client_of(staff_user).get(reverse("deputies:deputy_list")).content.decode()
    assert "没有符合条件的代表" in page
