"""The suggestion form at province scale (issue 11): no <select> of every deputy or every problem, the chosen
rows stay chosen, an id the user may not see is refused, and the page's queries do not grow with the rows."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from constituents import services, views_suggestions
from constituents.models import Problem, Suggestion
from constituents.tests.casework import register
from deputies.models import Deputy
from deputies.tests.factories import DeputyFactory

NEW = reverse("constituents:suggestion_create")


def add_deputies(constituency, count: int) -> list[Deputy]:
    """Deputies in bulk (a province's thousands, made cheaply): more than the hundred a select may hold."""
    return Deputy.objects.bulk_create(
        DeputyFactory.build(term=constituency.term, group=constituency.group, constituency=constituency)
        for _ in range(count)
    )


@pytest.fixture
def many_deputies(deputy_a):
    return add_deputies(deputy_a.constituency, 101)


def checked_ids(page: str, name: str) -> set[int]:
    return {int(pk) for pk in re.findall(rf'name="{name}" value="(\d+)" id="[^"]*" checked', page)}


def listed_ids(page: str, name: str) -> set[int]:
    return {int(pk) for pk in re.findall(rf'type="checkbox" name="{name}" value="(\d+)"', page)}


def test_past_a_hundred_deputies_the_deputies_are_searched_not_listed(client_of, staff_user, many_deputies):
    page = client_of(staff_user).get(NEW).content.decode()
    assert '<select name="lead_deputy"' not in page and '<select name="proposers"' not in page
    assert f'data-autocomplete-url="{reverse("autocomplete_deputies")}"' in page
    assert f'data-autocomplete-multiple-url="{NEW}?search=proposers"' in page
    assert "查找代表需启用 JavaScript" in page
    assert many_deputies[50].name not in page


def test_a_few_deputies_stay_a_select(client_of, staff_user, deputy_a, deputy_b):
    page = client_of(staff_user).get(NEW).content.decode()
    assert '<select name="proposers"' in page and '<select name="lead_deputy"' in page
    assert "李秀英" in page


def test_a_deputy_keeps_their_own_single_lead_choice(client_of, deputy_a, many_deputies):
    page = client_of(deputy_a.user).get(NEW).content.decode()
    assert re.search(rf'<select name="lead_deputy"[^>]*>\s*<option value="{deputy_a.pk}" selected>', page)
    assert '<select name="proposers"' not in page


def test_problems_are_never_all_listed_only_the_chosen_and_a_few_offered(client_of, liaison_a, deputy_a,
                                                                          monkeypatch):
    monkeypatch.setattr(views_suggestions, "OFFERED_PROBLEMS", 2)
    problems = [register(deputy_a, liaison_a) for _ in range(4)]
    page = client_of(liaison_a).get(NEW).content.decode()
    assert '<select name="problems"' not in page
    assert len(listed_ids(page, "problems")) == 2 and not checked_ids(page, "problems")
    assert f'data-autocomplete-multiple-url="{NEW}?search=problems"' in page
    # Coming from 群众反映集中的问题: the category's problems of that place are chosen (at most 200).
    page = client_of(liaison_a).get(NEW, {"category": "urban_construction",
                                          "constituency": deputy_a.constituency_id}).content.decode()
    assert checked_ids(page, "problems") == {p.pk for p in problems}


def test_the_chosen_stay_chosen_after_an_invalid_post(client_of, staff_user, deputy_a, liaison_a, many_deputies,
                                                      monkeypatch):
    monkeypatch.setattr(views_suggestions, "OFFERED_PROBLEMS", 1)
    old, _newer = register(deputy_a, liaison_a), register(deputy_a, liaison_a)
    far = many_deputies[70]
    page = client_of(staff_user).post(NEW, {
        "kind": "suggestion", "title": "", "category": "urban_construction", "lead_deputy": deputy_a.pk,
        "content": "……", "proposers": [far.pk], "problems": [old.pk],
    }).content.decode()
    assert not Suggestion.objects.exists()
    assert checked_ids(page, "proposers") == {far.pk} and far.name in page
    assert old.pk in checked_ids(page, "problems")
    assert f'type="hidden" name="lead_deputy" id="id_lead_deputy" value="{deputy_a.pk}"' in page


def test_a_chosen_problem_outside_the_offer_is_saved(client_of, staff_user, deputy_a, liaison_a, many_deputies,
                                                     monkeypatch):
    monkeypatch.setattr(views_suggestions, "OFFERED_PROBLEMS", 1)
    old, _newer = register(deputy_a, liaison_a), register(deputy_a, liaison_a)
    far = many_deputies[70]
    response = client_of(staff_user).post(NEW, {
        "kind": "suggestion", "title": "关于路灯的建议", "category": "urban_construction", "lead_deputy": deputy_a.pk,
        "content": "……", "research_notes": "", "proposers": [far.pk], "problems": [old.pk],
    })
    suggestion = Suggestion.objects.get()
    assert response.status_code == 302
    assert list(suggestion.problems.all()) == [old] and far in suggestion.proposers.all()


def test_a_problem_the_user_may_not_see_is_refused(client_of, deputy_a, deputy_b, liaison_a, staff_user):
    hidden = register(deputy_b, staff_user)
    page = client_of(liaison_a).post(NEW, {
        "kind": "suggestion", "title": "关于路灯的建议", "category": "urban_construction", "lead_deputy": deputy_a.pk,
        "content": "……", "problems": [hidden.pk, "999999999999999999999"],
    }).content.decode()
    assert not Suggestion.objects.exists()
    assert "errorlist" in page or "invalid-feedback" in page
    assert hidden.text not in page


def test_the_searches_answer_only_what_the_form_accepts(client_of, deputy_a, deputy_b, liaison_a, staff_user,
                                                        committee_user):
    own, hidden = register(deputy_a, liaison_a), register(deputy_b, staff_user)
    client = client_of(liaison_a)
    found = client.get(NEW, {"search": "problems", "q": "路灯"}).json()["results"]
    assert [row["id"] for row in found] == [own.pk] and hidden.pk not in [row["id"] for row in found]
    assert client.get(NEW, {"search": "problems", "q": "路灯", "category": "transport"}).json()["results"] == []
    # Joint proposers may come from any group: a deputy finds another group's colleague.
    found = client_of(deputy_a.user).get(NEW, {"search": "proposers", "q": "李秀"}).json()["results"]
    assert [row["id"] for row in found] == [deputy_b.pk]
    assert client.get(NEW, {"search": "problems", "q": "\x00"}).status_code == 200
    assert client_of(committee_user).get(NEW, {"search": "problems"}).status_code == 403


def test_the_edit_page_keeps_the_chosen_and_searches_its_category(client_of, deputy_a, liaison_a, many_deputies):
    problem = register(deputy_a, liaison_a)
    suggestion = services.suggestion_draft(kind="suggestion", title="关于路灯的建议", content="……",
                                           category="urban_construction", lead_deputy=deputy_a,
                                           proposers=[many_deputies[3]], problems=[problem], acting_user=liaison_a)
    url = reverse("constituents:suggestion_edit", args=[suggestion.pk])
    client = client_of(liaison_a)
    page = client.get(url).content.decode()
    assert checked_ids(page, "proposers") == {deputy_a.pk, many_deputies[3].pk}  # the lead is one of them
    assert checked_ids(page, "problems") == {problem.pk}
    assert [row["id"] for row in client.get(url, {"search": "problems"}).json()["results"]] == [problem.pk]
    response = client.post(url, {"title": "关于路灯的建议", "content": "……", "research_notes": "",
                                 "proposers": [], "problems": [problem.pk]})
    assert response.status_code == 302 and not Suggestion.objects.get().proposers.exclude(pk=deputy_a.pk).exists()


def test_the_form_is_flat_as_problems_and_deputies_grow(client_of, staff_user, deputy_a, liaison_a,
                                                        assert_flat_queries):
    register(deputy_a, liaison_a)
    add_deputies(deputy_a.constituency, 101)

    def grow():
        for _ in range(5):
            register(deputy_a, liaison_a)
        add_deputies(deputy_a.constituency, 50)
    assert_flat_queries(client_of(staff_user), NEW, grow=grow,
                        params={"category": "urban_construction", "constituency": deputy_a.constituency_id})
    assert Problem.objects.count() == 6
