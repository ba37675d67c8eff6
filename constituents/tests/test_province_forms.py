"""The visit and problem forms at a province's scale: the deputies offered are those of the chosen
constituency's group (the rule the services apply), and past a hundred constituencies the choice is a
search box, not a <select> of every one (24,000 made these pages 8–12 MB and 20–30 s; perf, issue 11)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from constituents.tests.test_visit_form_phone import typed
from liaison import autocomplete

ACTIVITY = reverse("constituents:activity_create")
PROBLEM = reverse("constituents:problem_create")
SEARCH_BOX = 'data-autocomplete-url="/autocomplete/constituencies/"'


def offered(html: str, deputy) -> bool:
    return f'value="{deputy.pk}"' in html and deputy.name in html


def test_the_visit_form_offers_the_deputies_of_the_constituencys_group(client_of, staff_user, deputy_a, deputy_b):
    client = client_of(staff_user)
    page = client.get(ACTIVITY, {"constituency": deputy_a.constituency_id}).content.decode()
    assert offered(page, deputy_a) and not offered(page, deputy_b)
    # Switching to group B's constituency redraws the deputies too (the part htmx swaps by its id).
    switched = client.post(ACTIVITY, typed(deputy_a, organizer="group", action="switch",
                                           constituency=deputy_b.constituency_id)).content.decode()
    assert 'id="deputies-part"' in switched
    assert offered(switched, deputy_b) and not offered(switched, deputy_a)


def test_a_deputy_of_another_group_is_refused_not_saved(client_of, staff_user, deputy_a, deputy_b):
    from constituents.models import ContactActivity

    response = client_of(staff_user).post(ACTIVITY, typed(deputy_a, deputies=[deputy_b.pk]))
    assert response.status_code == 200 and not ContactActivity.objects.exists()
    assert "请按提示修改" in response.content.decode()


def test_the_problem_form_offers_the_deputies_of_the_constituencys_group(client_of, staff_user, deputy_a, deputy_b):
    page = client_of(staff_user).get(PROBLEM, {"constituency": deputy_b.constituency_id}).content.decode()
    assert offered(page, deputy_b) and not offered(page, deputy_a)


@pytest.mark.parametrize("url", [ACTIVITY, PROBLEM])
def test_a_district_picks_its_constituency_from_a_select(client_of, staff_user, deputy_a, deputy_b, url):
    page = client_of(staff_user).get(url).content.decode()
    assert SEARCH_BOX not in page
    assert f'<option value="{deputy_b.constituency_id}"' in page


@pytest.mark.parametrize("url", [ACTIVITY, PROBLEM])
def test_past_a_hundred_constituencies_it_is_searched_as_you_type(client_of, staff_user, deputy_a, deputy_b,
                                                                  monkeypatch, url):
    monkeypatch.setattr(autocomplete, "FEW", 1)
    page = client_of(staff_user).get(url, {"constituency": deputy_b.constituency_id}).content.decode()
    assert SEARCH_BOX in page
    assert f'<option value="{deputy_a.constituency_id}"' not in page  # no <select> of every constituency
    assert deputy_b.constituency.name in page  # the chosen one is named in its box


def test_the_problem_form_registers_with_a_searched_constituency(client_of, staff_user, deputy_b, monkeypatch):
    from constituents.models import Problem

    monkeypatch.setattr(autocomplete, "FEW", 1)
    response = client_of(staff_user).post(PROBLEM, {
        "source": "visit", "deputy": deputy_b.pk, "constituency": deputy_b.constituency_id, "text": "路灯不亮",
        "category": "urban_construction", "raised_on": "2026-06-01",
    })
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert Problem.objects.get().constituency_id == deputy_b.constituency_id
