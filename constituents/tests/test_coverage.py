"""The 三问 coverage planner (issue 12 §5): cells, percentage, scoping, query counts, the deputy's next steps."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from constituents import coverage
from constituents.models import AskType, ConstituentCategory
from constituents.tests.factories import ConstituentFactory, ContactActivityFactory
from deputies.models import Constituency, Deputy, DeputyStatus
from deputies.tests.factories import CommunityFactory

Category = ConstituentCategory
THIS_YEAR = timezone.localdate().year


def met(constituency, ask_type, people, *, held_on=None, deputies=()):
    activity = ContactActivityFactory(constituency=constituency, ask_type=ask_type,
                                      held_on=held_on or timezone.localdate(), deputies=list(deputies))
    activity.constituents.set(people)
    return activity


@pytest.fixture
def register(constituency_a, community_a, deputy_a):
    """Two communities of constituency A: one 问难 visit reached the low-income family of 幸福里;
    a 问难 visit that also met an ordinary voter does not cover 问需; last year's 问需 visit does not count."""
    second = CommunityFactory(constituency=constituency_a, name="和平社区")
    poor = ConstituentFactory(community=community_a, category=Category.LOW_INCOME)
    ordinary = ConstituentFactory(community=community_a, category=Category.ORDINARY)
    ConstituentFactory(community=community_a, category=Category.ORDINARY)
    for _ in range(3):
        ConstituentFactory(community=second, category=Category.WELL_EDUCATED)
    neighbour = ConstituentFactory(community=second, category=Category.ORDINARY)
    visit = met(constituency_a, AskType.DIFFICULTY, [poor, ordinary], deputies=[deputy_a])
    met(constituency_a, AskType.NEEDS, [neighbour], held_on=dt.date(THIS_YEAR - 1, 6, 1))
    return {"second": second, "visit": visit}


def group_page(client, group, **params):
    return client.get(reverse("constituents:coverage_group", args=[group.pk]), {"year": THIS_YEAR, **params})


def test_cells_are_covered_only_by_an_activity_of_the_matching_ask_this_year(register, constituency_a, community_a,
                                                                             staff_user):
    cells = coverage.cell_counts(Constituency.objects.filter(pk=constituency_a.pk), THIS_YEAR, staff_user)
    cell = {(community_id, category): c for (_, community_id, category), c in cells.items()}
    assert cell[(community_a.pk, Category.LOW_INCOME)].covered
    assert cell[(community_a.pk, Category.LOW_INCOME)].activities == 1
    assert not cell[(community_a.pk, Category.ORDINARY)].covered  # met, but at a 问难 visit
    assert cell[(community_a.pk, Category.ORDINARY)].registered == 2
    assert not cell[(register["second"].pk, Category.WELL_EDUCATED)].covered
    assert not cell[(register["second"].pk, Category.ORDINARY)].covered  # last year's visit
    tally = coverage.tallies(cells)[constituency_a.pk]
    assert (tally.covered, tally.total, tally.percent) == (1, 4, 25)
    last_year = coverage.tallies(
        coverage.cell_counts(Constituency.objects.filter(pk=constituency_a.pk), THIS_YEAR - 1, staff_user)
    )[constituency_a.pk]
    assert (last_year.covered, last_year.total, last_year.percent) == (1, 4, 25)


def test_planner_page_shows_the_matrix_the_percentage_and_links(register, client_of, staff_user, group_a,
                                                                constituency_a, community_a):
    page = group_page(client_of(staff_user), group_a, constituency=constituency_a.pk).content.decode()
    assert "本组覆盖率：<span class=\"fw-semibold\">25%</span>" in page
    assert "已联系 1 次" in page
    assert page.count("未联系</span>") == 3
    assert "名册无此类选民" in page  # e.g. nobody 特困户 is registered in 和平社区
    # A covered cell links to the activities that reached it; a gap to the form, prefilled.
    covered = re.search(rf'href="([^"]*community={community_a.pk}[^"]*category=low_income[^"]*)"', page)
    assert covered is not None
    listed = client_of(staff_user).get(covered.group(1).replace("&amp;", "&")).content.decode()
    assert register["visit"].get_absolute_url() in listed
    assert "只列出联系了“幸福里社区”选民的活动" in listed
    assert "place=%E5%92%8C%E5%B9%B3%E7%A4%BE%E5%8C%BA" in page  # 安排活动 in 和平社区


def test_activity_list_matches_community_and_category_on_the_same_person(client_of, staff_user, constituency_a,
                                                                         community_a):
    second = CommunityFactory(constituency=constituency_a, name="和平社区")
    mixed = met(constituency_a, AskType.DIFFICULTY, [
        ConstituentFactory(community=community_a, category=Category.ORDINARY),
        ConstituentFactory(community=second, category=Category.LOW_INCOME),
    ])
    client = client_of(staff_user)
    url = reverse("constituents:activity_list")
    found = client.get(url, {"community": second.pk, "category": Category.LOW_INCOME}).content.decode()
    assert mixed.get_absolute_url() in found
    missed = client.get(url, {"community": community_a.pk, "category": Category.LOW_INCOME}).content.decode()
    assert mixed.get_absolute_url() not in missed


def test_group_page_shows_coverage_as_a_percentage(register, client_of, liaison_a, group_a):
    page = client_of(liaison_a).get(group_a.get_absolute_url()).content.decode()
    assert f"“三问”覆盖（{THIS_YEAR}年）" in page
    assert "25%" in page and "尚未联系 3 个" in page
    assert reverse("constituents:coverage_group", args=[group_a.pk]) in page


def test_scoping_deputy_b_gets_404_and_the_others_see_group_a(register, client_of, deputy_a, deputy_b, liaison_a,
                                                              committee_user, group_a, constituency_a):
    assert group_page(client_of(deputy_b.user), group_a).status_code == 404
    own = group_page(client_of(deputy_b.user), deputy_b.group, constituency=constituency_a.pk)
    assert own.status_code == 404  # another group's constituency in the own group's planner
    for user in (deputy_a.user, liaison_a, committee_user):
        assert group_page(client_of(user), group_a).status_code == 200
    # A liaison of one group (a deputy too) goes straight to their group's planner.
    index = client_of(liaison_a).get(reverse("constituents:coverage_index"))
    assert index.status_code == 302 and index.url.startswith(
        reverse("constituents:coverage_group", args=[group_a.pk]))


def test_deputy_b_sees_nothing_of_group_a_in_the_index(register, client_of, deputy_b, group_a):
    response = client_of(deputy_b.user).get(reverse("constituents:coverage_index"), follow=True)
    assert response.status_code == 200
    assert group_a.name not in response.content.decode()


def test_malformed_year_or_constituency_is_400(client_of, staff_user, group_a):
    assert group_page(client_of(staff_user), group_a, year="20x6").status_code == 400
    assert group_page(client_of(staff_user), group_a, constituency="abc").status_code == 400


def test_index_lists_each_group_with_its_percentage(register, client_of, committee_user, group_a, group_b):
    page = client_of(committee_user).get(reverse("constituents:coverage_index"), {"year": THIS_YEAR})
    text = page.content.decode()
    assert group_a.name in text and group_b.name in text
    assert "25%" in text and "名册暂无选民" in text  # group B has nobody registered


def _grow(constituency):
    def grow():
        for index in range(4):
            community = CommunityFactory(constituency=constituency, name=f"新增社区{index}")
            people = [ConstituentFactory(community=community, category=category) for category in Category]
            met(constituency, AskType.NEEDS, people[:5])
            met(constituency, AskType.ADVICE, people[5:])
    return grow


def test_planner_query_count_does_not_grow_with_rows(register, client_of, staff_user, group_a, constituency_a,
                                                     assert_flat_queries):
    url = reverse("constituents:coverage_group", args=[group_a.pk])
    assert_flat_queries(client_of(staff_user), url, grow=_grow(constituency_a), cap=15,
                        params={"year": THIS_YEAR, "constituency": constituency_a.pk})


def test_index_query_count_does_not_grow_with_rows(register, client_of, staff_user, group_b, constituency_b,
                                                   assert_flat_queries):
    url = reverse("constituents:coverage_index")
    assert_flat_queries(client_of(staff_user), url, grow=_grow(constituency_b), cap=15, params={"year": THIS_YEAR})


def test_deputy_home_suggests_an_uncovered_cell_and_not_a_covered_one(register, client_of, deputy_a):
    page = client_of(deputy_a.user).get(reverse("home")).content.decode()
    card = page[page.index("下一步去哪里"):]
    card = card[:card.index("</ul>")]
    assert "和平社区 · 文化程度较高的选民" in card  # three registered, none reached: first
    assert "幸福里社区 · 一般选民" in card
    assert "低收入家庭" not in card  # reached by this year's 问难 visit
    assert card.index("文化程度较高的选民") < card.index("幸福里社区 · 一般选民")
    assert "ask_type=advice" in card  # the link opens the form prefilled for a 问计 activity


def test_activity_form_opens_prefilled_for_a_gap(register, client_of, deputy_a, constituency_a):
    second = register["second"]
    url = coverage.plan_url(constituency_id=constituency_a.pk, community=second, category=Category.WELL_EDUCATED)
    page = client_of(deputy_a.user).get(url).content.decode()
    assert re.search(r'<option value="advice"[^>]*selected', page)
    assert 'value="和平社区"' in page
    boxes = re.findall(r'<input[^>]*name="constituents"[^>]*>', page)
    assert len(boxes) == 3  # the three well-educated voters of 和平社区, to tick when met
    assert not any("checked" in box for box in boxes)


def test_a_deputy_who_left_office_gets_no_suggestions(register, client_of, deputy_a):
    Deputy.objects.filter(pk=deputy_a.pk).update(status=DeputyStatus.RESIGNED, left_on=timezone.localdate())
    page = client_of(deputy_a.user).get(reverse("home")).content.decode()
    assert "下一步去哪里" not in page
