from __future__ import annotations

import pytest
from django.urls import reverse

from constituents.tests.casework import D, State, drive, register
from constituents.tests.factories import ContactActivityFactory
from liaison.models import Role, WorkdayOverride
from liaison.tests.factories import UserFactory


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(username="root", role=Role.STAFF, is_superuser=True, is_staff=True))
    return client


def test_office_staff_manage_casework_and_holidays_in_the_admin(admin_client, deputy_a, liaison_a):
    problem = drive(register(deputy_a, liaison_a), State.HANDLING, liaison_a)
    activity = ContactActivityFactory(constituency=deputy_a.constituency, deputies=[deputy_a])
    WorkdayOverride.objects.create(day=D(2027, 1, 1), kind=WorkdayOverride.Kind.HOLIDAY, name="元旦")
    for model in ["problem", "contactactivity", "suggestion", "problemfeedback"]:
        assert admin_client.get(reverse(f"admin:constituents_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:constituents_problem_change", args=[problem.pk])).status_code == 200
    assert admin_client.get(reverse("admin:constituents_contactactivity_change", args=[activity.pk])).status_code == 200
    page = admin_client.get(reverse("admin:liaison_workdayoverride_changelist")).content.decode()
    assert "元旦" in page
    response = admin_client.post(reverse("admin:liaison_workdayoverride_add"),
                                 {"day": "2027-02-06", "kind": "holiday", "name": "春节"})
    assert response.status_code == 302 and WorkdayOverride.objects.filter(name="春节").exists()


def test_problem_knows_when_it_is_overdue(deputy_a, liaison_a):
    problem = drive(register(deputy_a, liaison_a), State.HANDLING, liaison_a)  # due 22 Sep 2026
    assert not problem.is_overdue(D(2026, 9, 22)) and problem.is_overdue(D(2026, 9, 23))
