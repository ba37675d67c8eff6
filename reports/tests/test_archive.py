"""履职档案: the numbers a group reads out about each deputy, scoped and flat."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from constituents.models import ActivityOrganizer, Problem
from constituents.tests.casework import drive, register
from constituents.tests.factories import ContactActivityFactory
from deputies.tests.factories import DeputyFactory


def test_group_archive_counts_each_deputys_year(client_of, liaison_a, deputy_a, staff_user, group_a):
    colleague = DeputyFactory(constituency=deputy_a.constituency, name="王卫东")
    for day in (dt.date(2026, 3, 1), dt.date(2026, 9, 1)):
        activity = ContactActivityFactory(group=group_a, held_on=day, organizer=ActivityOrganizer.GROUP)
        activity.deputies.add(deputy_a)
    ContactActivityFactory(group=group_a, held_on=dt.date(2025, 5, 1)).deputies.add(deputy_a)
    problem = register(deputy_a, staff_user, is_livelihood=True)
    drive(problem, Problem.State.RESOLVED, staff_user)

    page = client_of(liaison_a).get(reverse("reports:archive_group"), {"group": group_a.pk, "year": 2026})
    rows = {row.name: row for row in page.context["rows"]}
    assert rows[deputy_a.name].activities == 2 and rows[deputy_a.name].group_activities == 2
    assert rows[deputy_a.name].problems_raised == 1 and rows[deputy_a.name].livelihood_solved == 1
    assert rows[colleague.name].activities == 0
    assert "本年联系选民活动少于两次" in page.content.decode()

    term = client_of(liaison_a).get(reverse("reports:archive_group"), {"group": group_a.pk, "year": "term"})
    assert {row.name: row.activities for row in term.context["rows"]}[deputy_a.name] == 3


def test_deputy_archive_lists_years_and_term(client_of, deputy_a):
    page = client_of(deputy_a.user).get(reverse("reports:archive_deputy", args=[deputy_a.pk])).content.decode()
    assert "2024年" in page and "2026年" in page and "本届任期以来" in page


def test_archive_is_scoped(client_of, deputy_a, deputy_b, group_a):
    client = client_of(deputy_b.user)
    assert client.get(reverse("reports:archive_deputy", args=[deputy_a.pk])).status_code == 404
    assert client.get(reverse("reports:archive_group"), {"group": group_a.pk}).status_code == 404


def test_archive_query_count_is_flat(client_of, staff_user, deputy_a, group_a, assert_flat_queries):
    def grow():
        for _ in range(15):
            deputy = DeputyFactory(constituency=deputy_a.constituency)
            ContactActivityFactory(group=group_a, held_on=dt.date(2026, 4, 1)).deputies.add(deputy)

    assert_flat_queries(client_of(staff_user), reverse("reports:archive_group"), grow=grow,
                        params={"group": group_a.pk, "year": 2026})
