"""The visit form on a phone: short to start, rows on demand, a picker that
tells people apart by 尾号, and a constituency change that loses nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from constituents.models import ContactActivity
from constituents.tests.factories import ConstituentFactory
from deputies.tests.factories import CommunityFactory, ConstituencyFactory

SEARCH = reverse("constituents:activity_constituent_search")
CREATE = reverse("constituents:activity_create")


@pytest.fixture
def two_yus(community_a):
    return (ConstituentFactory(community=community_a, name="余建华", phone="13900001234"),
            ConstituentFactory(community=community_a, name="余秀兰", phone="13900005678"))


def typed(deputy, **extra):
    data = {
        "organizer": "personal", "deputies": [deputy.pk], "held_on": "2026-06-01", "ask_type": "needs",
        "form": "visit", "place": "幸福里社区活动室", "constituency": deputy.constituency.pk, "crowd_count": "0",
        "summary": "听取加装电梯的意见", "new-TOTAL_FORMS": "0", "new-INITIAL_FORMS": "0",
        "problem-TOTAL_FORMS": "1", "problem-INITIAL_FORMS": "0",
        "problem-0-text": "三号楼想加装电梯", "problem-0-category": "housing",
    }
    data.update(extra)
    return data


def test_visit_form_starts_with_one_problem_row_and_no_new_constituent_row(client_of, deputy_a):
    page = client_of(deputy_a.user).get(CREATE).content.decode()
    assert 'name="problem-0-text"' in page and 'name="problem-1-text"' not in page
    assert 'name="new-0-name"' not in page
    assert "再加一个问题" in page and "新增名册中没有的选民" in page
    assert "vendor/htmx/htmx.min.js" in page


def test_adding_a_problem_row_keeps_everything_typed(client_of, deputy_a):
    response = client_of(deputy_a.user).post(CREATE, typed(deputy_a, action="add_problem"))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="problem-1-text"' in page and 'name="problem-2-text"' not in page
    assert "三号楼想加装电梯" in page and "幸福里社区活动室" in page and "听取加装电梯的意见" in page
    assert not ContactActivity.objects.exists()
    assert "活动未保存" not in page  # adding a row is not a failed save


def test_quick_add_appears_on_demand(client_of, deputy_a, community_a):
    page = client_of(deputy_a.user).post(CREATE, typed(deputy_a, action="add_person")).content.decode()
    assert 'name="new-0-name"' in page and community_a.name in page
    assert "三号楼想加装电梯" in page


def test_changing_the_constituency_keeps_what_was_typed(client_of, deputy_a, group_a, term, two_yus):
    other = ConstituencyFactory(term=term, group=group_a, name="第9选区")
    CommunityFactory(constituency=other, name="南湖社区")
    data = typed(deputy_a, action="switch", constituency=other.pk, constituents=[two_yus[0].pk])
    page = client_of(deputy_a.user).post(CREATE, data).content.decode()
    assert "三号楼想加装电梯" in page and "幸福里社区活动室" in page and "听取加装电梯的意见" in page
    assert f'<option value="{other.pk}" selected>' in page and "（第9选区）" in page
    # Someone picked in the first constituency is not carried into the other one.
    assert f'id="constituent-{two_yus[0].pk}"' not in page
    assert not ContactActivity.objects.exists()


def test_picker_finds_by_surname_and_tells_people_apart_by_phone_tail(client_of, deputy_a, two_yus):
    client = client_of(deputy_a.user)
    page = client.get(SEARCH, {"constituency": deputy_a.constituency.pk, "constituent_q": "余"}).content.decode()
    assert "余**" in page and "尾号1234" in page and "尾号5678" in page
    assert "余建华" not in page and "13900001234" not in page and "1390000" not in page


def test_picker_finds_by_the_last_four_digits_only(client_of, deputy_a, two_yus):
    client = client_of(deputy_a.user)
    by_tail = client.get(SEARCH, {"constituency": deputy_a.constituency.pk, "constituent_q": "5678"}).content.decode()
    assert "尾号5678" in by_tail and "尾号1234" not in by_tail
    too_short = client.get(SEARCH, {"constituency": deputy_a.constituency.pk, "constituent_q": "39"}).content.decode()
    assert "尾号" not in too_short and "没有找到" in too_short


def test_picker_keeps_who_is_already_checked(client_of, deputy_a, two_yus):
    page = client_of(deputy_a.user).get(SEARCH, {
        "constituency": deputy_a.constituency.pk, "constituent_q": "5678", "constituents": [two_yus[0].pk],
    }).content.decode()
    assert "尾号1234" in page and "尾号5678" in page
    assert f'value="{two_yus[0].pk}" id="constituent-{two_yus[0].pk}" checked' in page


def test_picker_does_not_reach_another_groups_constituents(client_of, deputy_a, community_b, constituency_b):
    ConstituentFactory(community=community_b, name="余光明", phone="13900004321")
    page = client_of(deputy_a.user).get(SEARCH, {"constituency": constituency_b.pk, "constituent_q": "余"})
    assert "尾号4321" not in page.content.decode()


def test_checked_constituents_are_saved_with_the_visit(client_of, deputy_a, two_yus):
    response = client_of(deputy_a.user).post(CREATE, typed(deputy_a, constituents=[two_yus[1].pk]))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(ContactActivity.objects.get().constituents.values_list("name", flat=True)) == ["余秀兰"]
