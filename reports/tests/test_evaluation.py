"""评优参考: the office's conditions applied to the year; 履职典型 marked by staff only."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from constituents.models import Problem
from constituents.tests.casework import drive, register
from constituents.tests.factories import ContactActivityFactory
from deputies.tests.factories import DeputyFactory
from reports.models import EvaluationCriteria


def make_active(deputy, group, staff_user, activities: int):
    for month in range(1, activities + 1):
        ContactActivityFactory(group=group, held_on=dt.date(2026, month, 5)).deputies.add(deputy)


def test_candidates_meet_every_condition(client_of, staff_user, deputy_a, group_a):
    criteria = EvaluationCriteria.load()
    criteria.deputy_min_problems = 1
    criteria.deputy_needs_report = False
    criteria.save()
    quiet = DeputyFactory(constituency=deputy_a.constituency, name="王卫东")
    make_active(deputy_a, group_a, staff_user, 4)
    make_active(quiet, group_a, staff_user, 1)
    drive(register(deputy_a, staff_user, is_livelihood=True), Problem.State.RESOLVED, staff_user)

    page = client_of(staff_user).get(reverse("reports:evaluation"), {"year": 2026})
    assert [row.name for row in page.context["candidates"]] == [deputy_a.name]
    group_row = next(row for row in page.context["group_rows"] if row["group"] == group_a)
    assert (group_row["serving"], group_row["compliant"], group_row["rate"]) == (2, 1, 50)
    assert group_row["qualifies"] is False


def test_only_staff_mark_exemplary_and_it_is_audited(client_of, staff_user, committee_user, liaison_a, deputy_a):
    url = reverse("reports:evaluation")
    assert client_of(committee_user).post(url, {"deputy": deputy_a.pk, "exemplary": "1"}).status_code == 403
    assert client_of(liaison_a).post(url, {"deputy": deputy_a.pk, "exemplary": "1"}).status_code == 403
    response = client_of(staff_user).post(url + "?year=2026", {"deputy": deputy_a.pk, "exemplary": "1"})
    assert response.status_code == 302
    deputy_a.refresh_from_db()
    assert deputy_a.is_exemplary
    latest = deputy_a.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (staff_user, "deputies.deputy.exemplary_marked")
    assert "履职典型" in client_of(staff_user).get(reverse("deputies:deputy_detail", args=[deputy_a.pk])).content.decode()


def test_evaluation_is_flat_and_scoped(client_of, staff_user, liaison_a, deputy_a, deputy_b, group_a,
                                       assert_flat_queries):
    page = client_of(liaison_a).get(reverse("reports:evaluation")).content.decode()
    assert "甲代表组" in page and "乙代表组" not in page

    def grow():
        for _ in range(10):
            make_active(DeputyFactory(constituency=deputy_a.constituency), group_a, staff_user, 2)

    assert_flat_queries(client_of(staff_user), reverse("reports:evaluation"), grow=grow, params={"year": 2026})
