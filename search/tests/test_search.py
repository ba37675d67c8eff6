"""The search box (issue 12 §3): each kind found, scoped by visible_to, constituents masked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from constituents.models import Suggestion
from constituents.tests.factories import ConstituentFactory, ContactActivityFactory, ProblemFactory
from liaison.models import Role
from liaison.tests.factories import UserFactory
from mailbox.models import Letter
from search.selectors import PER_GROUP, clean_query, search_all

URL = reverse("search:search")


@pytest.fixture
def district(deputy_a, deputy_b, community_a, community_b, staff_user):
    """One of each kind in group A, the same words in group B."""
    made = {}
    for key, deputy, community in (("a", deputy_a, community_a), ("b", deputy_b, community_b)):
        problem = ProblemFactory(deputy=deputy, community=community, text=f"{key}组：幸福路路灯不亮好几天了")
        letter_problem = ProblemFactory(deputy=deputy, community=community, text=f"{key}组来信：垃圾站异味扰民",
                                        source="online")
        letter = Letter.objects.create(problem=letter_problem, channel=Letter.Channel.ONLINE,
                                       received_at=timezone.now(), sender_name="王小明")
        suggestion = Suggestion.objects.create(
            term=deputy.term, group=deputy.group, title=f"{key}组关于增设公交站台的建议", content="理由……",
            category="transport", lead_deputy=deputy, created_by=staff_user,
        )
        suggestion.proposers.add(deputy)
        constituent = ConstituentFactory(community=community, name=f"欧阳{key}明")
        activity = ContactActivityFactory(constituency=deputy.constituency, deputies=[deputy],
                                          place=f"{key}组菜市场", summary="听取菜市场占道经营的意见")
        made[key] = dict(problem=problem, letter=letter, suggestion=suggestion, constituent=constituent,
                         activity=activity)
    return made


def _ids(results, key):
    return {row.pk for group in results.groups if group.key == key for row in group.rows}


def test_each_kind_is_found_newest_first_for_staff(district, staff_user, deputy_a):
    assert _ids(search_all(staff_user, "路灯"), "problems") == {district["a"]["problem"].pk,
                                                               district["b"]["problem"].pk}
    assert _ids(search_all(staff_user, "垃圾站"), "letters") == {district["a"]["letter"].pk,
                                                                district["b"]["letter"].pk}
    assert _ids(search_all(staff_user, "公交站台"), "suggestions") == {district["a"]["suggestion"].pk,
                                                                   district["b"]["suggestion"].pk}
    assert _ids(search_all(staff_user, "欧阳"), "constituents") == {district["a"]["constituent"].pk,
                                                                 district["b"]["constituent"].pk}
    assert _ids(search_all(staff_user, "菜市场"), "activities") == {district["a"]["activity"].pk,
                                                                 district["b"]["activity"].pk}
    assert _ids(search_all(staff_user, deputy_a.name[:2]), "deputies") == {deputy_a.pk}


def test_newest_first(deputy_a, staff_user):
    old = ProblemFactory(deputy=deputy_a, text="路灯一", raised_on=dt.date(2026, 1, 5))
    new = ProblemFactory(deputy=deputy_a, text="路灯二", raised_on=dt.date(2026, 6, 5))
    problems = next(g for g in search_all(staff_user, "路灯").groups if g.key == "problems")
    assert [p.pk for p in problems.rows] == [new.pk, old.pk]


def test_deputy_b_does_not_find_group_a(district, deputy_b, client_of):
    page = client_of(deputy_b.user).get(URL, {"q": "路灯"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "b组：幸福路路灯" in text
    assert "a组：幸福路路灯" not in text
    for key in ("problem", "letter", "suggestion", "activity"):
        assert district["a"][key].pk not in _ids(search_all(deputy_b.user, "组"), key + "s")


def test_liaison_sees_own_group_only(district, liaison_a):
    found = search_all(liaison_a, "路灯")
    assert _ids(found, "problems") == {district["a"]["problem"].pk}


def test_constituents_are_masked(district, staff_user, client_of):
    page = client_of(staff_user).get(URL, {"q": "欧阳"})
    text = page.content.decode()
    assert "欧阳a明" not in text and "欧阳b明" not in text
    assert district["a"]["constituent"].masked_name in text
    assert district["a"]["constituent"].phone not in text


def test_empty_query_and_no_results_speak_chinese(district, staff_user, client_of):
    client = client_of(staff_user)
    empty = client.get(URL).content.decode()
    assert "请输入要查找的内容" in empty
    none = client.get(URL, {"q": "火星基地"}).content.decode()
    assert "没有找到包含“火星基地”的内容" in none


def test_nul_dropped_and_long_query_cut(district, staff_user, client_of):
    assert clean_query("路\x00灯") == "路灯"
    assert len(clean_query("路" * 500)) == 50
    client = client_of(staff_user)
    page = client.get(URL, {"q": "路\x00灯"})
    assert page.status_code == 200 and "a组：幸福路路灯" in page.content.decode()
    long = client.get(URL, {"q": "路灯" + "啊" * 300})
    assert long.status_code == 200 and "只按前 50 个字查找" in long.content.decode()


def test_group_is_capped_with_a_link_to_the_filtered_list(deputy_a, staff_user, client_of):
    for n in range(PER_GROUP + 3):
        ProblemFactory(deputy=deputy_a, text=f"井盖缺失第{n}处")
    page = client_of(staff_user).get(URL, {"q": "井盖"}).content.decode()
    assert page.count("井盖缺失第") == PER_GROUP
    assert "查看全部群众诉求" in page
    listed = client_of(staff_user).get(reverse("constituents:problem_list"), {"q": "井盖"}).content.decode()
    assert listed.count("井盖缺失第") == PER_GROUP + 3


def test_box_in_navigation_only_for_casework_roles(deputy_a, client, client_of, db):
    assert 'id="nav-search-q"' not in client.get(reverse("login")).content.decode()
    assert 'id="nav-search-q"' in client_of(deputy_a.user).get(reverse("home")).content.decode()
    department = UserFactory(username="dept_x", role=Role.DEPARTMENT)
    assert client_of(department).get(URL, {"q": "路灯"}).status_code == 403


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(URL, {"q": "路灯"})
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_query_count_does_not_grow_with_matches(deputy_a, community_a, staff_user, client_of, assert_flat_queries):
    def grow():
        for n in range(30):
            problem = ProblemFactory(deputy=deputy_a, community=community_a, text=f"路灯{n}")
            Letter.objects.create(problem=problem, channel=Letter.Channel.ONLINE, received_at=timezone.now())
            ConstituentFactory(community=community_a, name=f"路灯{n}号")

    ProblemFactory(deputy=deputy_a, text="路灯起点")
    assert_flat_queries(client_of(staff_user), URL, grow=grow, params={"q": "路灯"}, cap=20)


def test_short_query_looks_at_the_newest_rows_and_says_so(deputy_a, staff_user, client_of, monkeypatch):
    from search import selectors

    monkeypatch.setattr(selectors, "SHORT_QUERY_WINDOW", 3)
    oldest = ProblemFactory(deputy=deputy_a, text="钟楼旁路灯不亮")
    for n in range(3):
        ProblemFactory(deputy=deputy_a, text=f"井盖缺失{n}")
    assert oldest.pk not in _ids(search_all(staff_user, "钟楼"), "problems")
    assert oldest.pk in _ids(search_all(staff_user, "钟楼旁"), "problems")  # three characters: everything
    page = client_of(staff_user).get(URL, {"q": "井盖"}).content.decode()
    assert "只输入一两个字时" in page
