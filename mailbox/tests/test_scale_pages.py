"""The mailbox list and the week overview at a province's scale (issue 11): no <select> of every
group or constituency, long lists page, totals cover the whole scope whatever page is shown."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from deputies.tests.factories import ConstituencyFactory, DeputyGroupFactory
from liaison.figures import refresh
from mailbox.tests.factories import MailboxFactory, OpeningFactory
from mailbox.views import GROUPS_PER_PAGE
from mailbox.weeks import Week


@pytest.fixture
def box_a(constituency_a, deputy_a):
    return MailboxFactory(constituency=constituency_a, kept_by=deputy_a, name="幸福里信箱")


@pytest.fixture
def box_b(constituency_b, deputy_b):
    return MailboxFactory(constituency=constituency_b, kept_by=deputy_b, name="光明信箱")


def _more_groups(term, count: int) -> list:
    """Groups after 甲 and 乙 in the sort order, each with one constituency and one box."""
    groups = []
    for n in range(1, count + 1):
        group = DeputyGroupFactory(name=f"远郊{n:03d}组", sort_order=n)
        MailboxFactory(constituency=ConstituencyFactory(term=term, group=group, name=f"远郊{n:03d}选区"),
                       name=f"远郊{n:03d}信箱")
        groups.append(group)
    return groups


# --- the mailbox list -------------------------------------------------------------------------

def test_the_group_filter_and_the_new_box_constituency_are_search_boxes(client_of, staff_user, box_a, box_b):
    page = client_of(staff_user).get(reverse("mailbox:mailbox_list")).content.decode()
    assert 'name="group"' in page and f'data-autocomplete-url="{reverse("autocomplete_groups")}"' in page
    assert "<select class=\"form-select\" name=\"group\"" not in page
    assert f'data-autocomplete-url="{reverse("autocomplete_constituencies")}"' in page
    assert '<select class="form-select" name="constituency"' not in page
    assert "幸福里信箱" in page and "光明信箱" in page


def test_the_chosen_group_shows_its_name_and_only_its_boxes(client_of, staff_user, group_a, box_a, box_b):
    page = client_of(staff_user).get(reverse("mailbox:mailbox_list"), {"group": group_a.pk}).content.decode()
    assert 'value="甲代表组"' in page
    assert "幸福里信箱" in page and "光明信箱" not in page


def test_a_group_the_liaison_may_not_see_shows_nothing_of_it(client_of, liaison_a, group_b, box_a, box_b):
    page = client_of(liaison_a).get(reverse("mailbox:mailbox_list"), {"group": group_b.pk}).content.decode()
    assert "光明信箱" not in page and "乙代表组" not in page
    assert "没有符合条件的代表信箱" in page


def test_bad_list_parameters_get_a_chinese_answer(client_of, staff_user, box_a):
    client = client_of(staff_user)
    assert client.get(reverse("mailbox:mailbox_list"), {"page": "abc"}).status_code == 200
    assert client.get(reverse("mailbox:mailbox_list"), {"group": "999999999999999"}).status_code == 200
    response = client.get(reverse("mailbox:mailbox_list"), {"group": "abc"})
    assert response.status_code == 400 and "请求有误" in response.content.decode()


def test_the_list_pages_past_fifty_boxes(client_of, staff_user, constituency_a, liaison_a):
    for n in range(52):
        MailboxFactory(constituency=constituency_a, entrusted_to=liaison_a, name=f"信箱{n:03d}")
    client = client_of(staff_user)
    first = client.get(reverse("mailbox:mailbox_list")).content.decode()
    assert "信箱000" in first and "信箱049" in first and "信箱050" not in first
    assert "下一页" in first and "共 52 条" in first
    second = client.get(reverse("mailbox:mailbox_list"), {"page": 2}).content.decode()
    assert "信箱050" in second and "信箱051" in second and "信箱000" not in second


def test_committee_and_deputies_get_no_new_box_form(client_of, committee_user, deputy_a, box_a):
    for user in (committee_user, deputy_a.user):
        page = client_of(user).get(reverse("mailbox:mailbox_list")).content.decode()
        assert "设立新信箱" not in page


# --- setting up a box from the list --------------------------------------------------------------

def test_the_chosen_constituency_leads_to_its_new_box_form(client_of, liaison_a, constituency_a):
    response = client_of(liaison_a).get(reverse("mailbox:mailbox_new"), {"constituency": constituency_a.pk})
    assert response.status_code == 302
    assert response.url == reverse("mailbox:mailbox_create", args=[constituency_a.pk])


@pytest.mark.parametrize("value", ["", "other-group", "999999999999999"])
def test_no_or_another_groups_constituency_goes_back_with_a_message(client_of, liaison_a, constituency_b, value):
    value = constituency_b.pk if value == "other-group" else value
    response = client_of(liaison_a).get(reverse("mailbox:mailbox_new"), {"constituency": value}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("mailbox:mailbox_list")
    assert "请先输入并选择一个本届的选区" in response.content.decode()


def test_constituency_search_finds_by_group_name_among_those_the_user_sees(client_of, liaison_a, staff_user,
                                                                          constituency_a, constituency_b):
    url = reverse("autocomplete_constituencies")
    found = client_of(liaison_a).get(url, {"q": "代表组"}).json()["results"]
    assert found == [{"id": constituency_a.pk, "text": "甲代表组 · 第1选区"}]
    found = client_of(staff_user).get(url, {"q": "乙"}).json()["results"]
    assert [row["id"] for row in found] == [constituency_b.pk]


def test_constituency_search_needs_a_login(client, constituency_a):
    assert client.get(reverse("autocomplete_constituencies")).status_code == 302


# --- the week overview -----------------------------------------------------------------------------

def test_the_overview_pages_groups_and_totals_the_whole_scope(client_of, committee_user, term, box_a, box_b):
    more = _more_groups(term, GROUPS_PER_PAGE)  # 52 groups in all: two on the second page
    OpeningFactory(mailbox=box_b, opened_at=timezone.now() - dt.timedelta(minutes=1))
    client = client_of(committee_user)
    first = client.get(reverse("mailbox:week_overview")).content.decode()
    assert "全区应开启 52 个，已开启 1 个" in first
    assert "甲代表组" in first and more[-3].name in first and more[-1].name not in first
    assert "下一页" in first
    second = client.get(reverse("mailbox:week_overview"), {"page": 2}).content.decode()
    assert more[-1].name in second and "甲代表组" not in second
    assert "全区应开启 52 个，已开启 1 个" in second


def test_the_group_search_finds_one_group_and_keeps_to_it_across_weeks(client_of, staff_user, term, box_a):
    _more_groups(term, 3)
    page = client_of(staff_user).get(reverse("mailbox:week_overview"), {"q": "远郊002"}).content.decode()
    assert "远郊002组" in page and "远郊001组" not in page and "甲代表组" not in page
    assert "全区应开启 4 个" in page  # the totals stay the whole district's
    assert f"?week={Week.current().previous().key}&q=%E8%BF%9C%E9%83%8A002" in page


def test_a_search_that_finds_nothing_says_so_escaped(client_of, staff_user, box_a):
    page = client_of(staff_user).get(reverse("mailbox:week_overview"), {"q": "<b>无此组"}).content.decode()
    assert "没有名称含“&lt;b&gt;无此组”的代表组" in page and "<b>无此组" not in page


def test_a_liaison_sees_only_their_groups_and_their_totals(client_of, liaison_a, term, box_a, box_b):
    _more_groups(term, 3)
    page = client_of(liaison_a).get(reverse("mailbox:week_overview")).content.decode()
    assert "甲代表组" in page and "乙代表组" not in page and "远郊001组" not in page
    assert "全区应开启 1 个，已开启 0 个" in page and "统计数字更新于" not in page


def test_a_deputy_counts_their_groups_boxes(client_of, deputy_a, box_a, box_b):
    OpeningFactory(mailbox=box_a, opened_at=timezone.now() - dt.timedelta(minutes=1))
    page = client_of(deputy_a.user).get(reverse("mailbox:week_overview")).content.decode()
    assert "全区应开启 1 个，已开启 1 个" in page and "光明信箱" not in page


def test_the_offices_totals_of_this_and_last_week_are_the_stored_figures(client_of, staff_user, box_a, box_b):
    refresh("mailbox.district_dashboard")
    MailboxFactory(constituency=box_a.constituency, name="新设信箱", set_up_on=dt.date(2024, 1, 1))
    client = client_of(staff_user)
    page = client.get(reverse("mailbox:week_overview")).content.decode()
    assert "全区应开启 2 个" in page and "统计数字更新于" in page
    assert "新设信箱" in page  # the groups' rows are read live
    last = client.get(reverse("mailbox:week_overview"), {"week": Week.current().previous().key}).content.decode()
    assert "全区应开启 2 个" in last and "统计数字更新于" in last
    older = Week.current().previous().previous().key
    page = client.get(reverse("mailbox:week_overview"), {"week": older}).content.decode()
    assert "全区应开启 3 个" in page and "统计数字更新于" not in page


def test_bad_overview_parameters_get_a_page(client_of, staff_user, box_a):
    client = client_of(staff_user)
    for params in ({"page": "abc"}, {"page": "99999999999999999999"}, {"week": "bad"}, {"q": "a\x00b"}):
        assert client.get(reverse("mailbox:week_overview"), params).status_code == 200


def test_the_overview_is_flat_as_groups_grow(client_of, staff_user, liaison_a, term, box_a,
                                             assert_flat_queries):
    assert_flat_queries(client_of(staff_user), reverse("mailbox:week_overview"),
                        grow=lambda: _more_groups(term, GROUPS_PER_PAGE + 5))
    assert_flat_queries(client_of(liaison_a), reverse("mailbox:week_overview"),
                        grow=lambda: [MailboxFactory(constituency=box_a.constituency) for _ in range(5)])


def test_the_list_is_flat_past_a_page(client_of, staff_user, constituency_a, liaison_a, box_a, assert_flat_queries):
    assert_flat_queries(client_of(staff_user), reverse("mailbox:mailbox_list"),
                        grow=lambda: [MailboxFactory(constituency=constituency_a, entrusted_to=liaison_a)
                                      for _ in range(55)])
