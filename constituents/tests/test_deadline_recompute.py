"""Estimated deadlines follow the office's 工作日调整 rows: recomputed and audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from constituents import services
from constituents.models import Forwarding
from constituents.tests.casework import D, register
from deputies.tests.factories import DepartmentFactory
from liaison.models import Role, WorkdayOverride
from liaison.tests.factories import UserFactory


@pytest.fixture
def office(client, db):
    user = UserFactory(username="office", role=Role.STAFF, is_staff=True)
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def estimate(deputy_a, liaison_a):
    """Forwarded Fri 20 Nov 2026 with 30 working days: into 2027, which chinese-calendar does not know."""
    problem = register(deputy_a, liaison_a)
    (forwarding,) = services.problem_forward(problem=problem, departments=[DepartmentFactory(name="区住建局")],
                                             deadline_days=30, forwarded_on=D(2026, 11, 20), acting_user=liaison_a)
    # Dec 2026 has 23 working days after 20 Nov's 6; 1 Jan 2027 is 元旦, so the 30th is Mon 4 Jan.
    assert (forwarding.deadline, forwarding.deadline_is_estimate) == (D(2027, 1, 4), True)
    return forwarding


@pytest.fixture
def fixed(deputy_a, liaison_a):
    """A deadline the office set by date is not an estimate and never moves."""
    problem = register(deputy_a, liaison_a)
    (forwarding,) = services.problem_forward(problem=problem, departments=[DepartmentFactory(name="区民政局")],
                                             deadline=D(2027, 1, 4), forwarded_on=D(2026, 11, 20),
                                             acting_user=liaison_a)
    return forwarding


def test_adding_changing_and_deleting_a_row_recomputes_the_open_estimates(office, estimate, fixed):
    add = office.post(reverse("admin:liaison_workdayoverride_add"),
                      {"day": "2027-01-04", "kind": "holiday", "name": "临时放假"}, follow=True)
    assert "已按新的节假日安排重新计算 1 个估算的答复期限" in add.content.decode()
    estimate.refresh_from_db()
    # Staff have entered 2027: no longer an estimate, and a day later.
    assert (estimate.deadline, estimate.deadline_is_estimate) == (D(2027, 1, 5), False)
    record = estimate.history.first()
    assert record.history_change_reason == "constituents.forwarding.deadline_recomputed"
    assert record.history_user == office.user
    row = WorkdayOverride.objects.get()
    assert row.history.first().history_change_reason == "liaison.workday_override.saved"

    # The same row changed into a make-up working Saturday, 2 Jan.
    changed = office.post(reverse("admin:liaison_workdayoverride_change", args=[row.pk]),
                          {"day": "2027-01-02", "kind": "workday", "name": "调休上班"})
    assert changed.status_code == 302, changed.content.decode()[-3000:]
    estimate.refresh_from_db()
    assert (estimate.deadline, estimate.deadline_is_estimate) == (D(2027, 1, 2), False)

    office.post(reverse("admin:liaison_workdayoverride_delete", args=[row.pk]), {"post": "yes"})
    assert not WorkdayOverride.objects.exists()
    estimate.refresh_from_db()
    assert (estimate.deadline, estimate.deadline_is_estimate) == (D(2027, 1, 4), True)
    assert estimate.history.filter(history_change_reason="constituents.forwarding.deadline_recomputed").count() == 3

    fixed.refresh_from_db()
    assert (fixed.deadline, fixed.deadline_is_estimate) == (D(2027, 1, 4), False)
    assert fixed.history.count() == 1


def test_closed_forwardings_and_other_years_are_left_alone(estimate, staff_user):
    Forwarding.objects.filter(pk=estimate.pk).update(status=Forwarding.Status.RETURNED)
    row = WorkdayOverride(day=D(2027, 1, 4), kind=WorkdayOverride.Kind.HOLIDAY, name="临时放假")
    assert services.workday_override_save(override=row, acting_user=staff_user) == 0
    Forwarding.objects.filter(pk=estimate.pk).update(status=Forwarding.Status.PENDING)
    other_year = WorkdayOverride(day=D(2028, 1, 3), kind=WorkdayOverride.Kind.HOLIDAY, name="别的年份")
    assert services.workday_override_save(override=other_year, acting_user=staff_user) == 0
    estimate.refresh_from_db()
    assert estimate.deadline == D(2027, 1, 4)
