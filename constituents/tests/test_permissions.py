"""Who may do which step: every step × every role, through `may()`, the step pages and the services."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from constituents import services
from constituents.models import Problem
from constituents.permissions import STEPS, markdown_table, may
from constituents.tests.casework import D, State, drive, register
from deputies.tests.factories import DepartmentFactory
from liaison.models import Role
from liaison.tests.factories import UserFactory

DEPUTY_STEPS = {"register", "edit", "link", "forward", "followup", "remind", "letter_reply", "feedback", "reopen",
                "suggestion_draft", "suggestion_edit", "suggestion_submit", "suggestion_satisfaction"}
DEPARTMENT_STEPS = {"accept", "return", "reply", "extend", "resolve", "unsolvable"}
# Written out here, not derived from the table, so a change to the table must be a change to this test.
EXPECTED = {
    "deputy": DEPUTY_STEPS,
    "liaison": set(STEPS) - {"decide_extension"},
    "staff": set(STEPS),
    "committee": set(),
    "department": DEPARTMENT_STEPS,
    "other_department": set(),
}
PROBLEM_STEPS = ["edit", "forward", "followup", "remind", "feedback", "accept", "return", "reply", "extend",
                 "decide_extension", "resolve", "unsolvable", "callback", "send_back", "reopen"]


@pytest.fixture
def department(db):
    return DepartmentFactory(name="区住房和城乡建设局")


@pytest.fixture
def people(deputy_a, liaison_a, staff_user, committee_user, department):
    own = UserFactory(username="dept", role=Role.DEPARTMENT)
    department.users.add(own)
    other = UserFactory(username="dept_other", role=Role.DEPARTMENT)
    DepartmentFactory(name="区民政局").users.add(other)
    return {"deputy": deputy_a.user, "liaison": liaison_a, "staff": staff_user, "committee": committee_user,
            "department": own, "other_department": other}


@pytest.fixture
def forwarded(deputy_a, liaison_a, department):
    return drive(register(deputy_a, liaison_a), State.FORWARDED, liaison_a, department=department)


def test_the_expected_table_names_every_step():
    assert set().union(*EXPECTED.values()) == set(STEPS)


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_may_walks_every_step(role, people, forwarded):
    user = people[role]
    forwarding = forwarded.forwardings.get()
    for step in STEPS:
        allowed, reason = may(user, step, problem=forwarded, forwarding=forwarding)
        assert allowed == (step in EXPECTED[role]), (role, step, reason)
        if not allowed:
            assert any("\u4e00" <= ch <= "\u9fff" for ch in reason), reason  # the reason is in Chinese


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_every_refused_step_page_is_403_and_changes_nothing(role, people, forwarded, client_of):
    client = client_of(people[role])
    before = (forwarded.history.count(), forwarded.forwardings.get().history.count())
    for step in PROBLEM_STEPS:
        url = reverse("constituents:problem_step", args=[forwarded.pk, step])
        response = client.post(url, {"reason": "试图越权", "forwarding": forwarded.forwardings.get().pk,
                                     "accepted_on": "2026-09-03", "proxy_contact": "某人"})
        if step in EXPECTED[role]:
            assert response.status_code != 403, (role, step)
        else:
            assert response.status_code in (403, 404), (role, step)
    if not EXPECTED[role] & set(PROBLEM_STEPS):
        assert (forwarded.history.count(), forwarded.forwardings.get().history.count()) == before


def test_a_deputy_is_refused_the_departments_step_with_the_reason(deputy_a, forwarded, client_of):
    forwarding = forwarded.forwardings.get()
    page = client_of(deputy_a.user).post(
        reverse("constituents:problem_step", args=[forwarded.pk, "accept"]),
        {"forwarding": forwarding.pk, "accepted_on": "2026-09-03"},
    )
    assert page.status_code == 403
    assert "代表不直接处理问题" in page.content.decode()
    forwarding.refresh_from_db()
    assert forwarding.accepted_on is None
    # The service refuses the same way (defence in depth).
    with pytest.raises(PermissionDenied):
        services.problem_start_handling(problem=forwarded, forwarding=forwarding, accepted_on=D(2026, 9, 3),
                                        acting_user=deputy_a.user)


def test_buttons_follow_the_table(deputy_a, liaison_a, people, forwarded, client_of):
    url = forwarded.get_absolute_url()
    deputy_page = client_of(deputy_a.user).get(url).content.decode()
    assert "记录督办" in deputy_page and "登记退办" not in deputy_page and "签收（受理）" not in deputy_page
    liaison_page = client_of(liaison_a).get(url).content.decode()
    assert "登记部门受理" in liaison_page and "登记退办" in liaison_page


def test_a_department_of_another_department_sees_nothing(people, forwarded, client_of):
    client = client_of(people["other_department"])
    assert client.get(forwarded.get_absolute_url()).status_code == 404
    forwarding = forwarded.forwardings.get()
    assert client.get(reverse("constituents:forwarding_detail", args=[forwarding.pk])).status_code == 404
    assert not Problem.objects.visible_to(people["other_department"]).exists()


def test_readme_shows_the_same_table():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme


def test_a_deputy_presses_the_departments_from_the_problem_page(deputy_a, people, forwarded, client_of):
    """催办 on one case: the button is there, the department's accounts are told once a day."""
    from liaison.models import Notification

    client = client_of(deputy_a.user)
    url = reverse("constituents:problem_step", args=[forwarded.pk, "remind"])
    assert url in client.get(forwarded.get_absolute_url()).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    assert forwarded.forwardings.get().reminded_on is not None
    told = Notification.objects.filter(recipient=people["department"], title__startswith="催办")
    assert told.count() == 1
    again = client.post(url)
    assert again.status_code == 200 and "今天已催办过" in again.content.decode()
    assert told.count() == 1
    assert url not in client_of(people["committee"]).get(forwarded.get_absolute_url()).content.decode()
