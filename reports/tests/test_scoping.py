"""Who sees and changes what; query counts on every list page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from deputies.tests.factories import DeputyFactory, DeputyGroupFactory
from reports.models import DutyMeeting, RotationPlan, WrittenReport
from reports.tests.factories import (
    DutyMeetingFactory,
    RectificationItemFactory,
    RotationEntryFactory,
    RotationPlanFactory,
    WrittenReportFactory,
)

from .conftest import YEAR


@pytest.fixture
def group_a_rows(held_meeting_a, confirmed_plan_a, colleagues_a, liaison_a):
    from reports import services

    item = services.rectification_add(meeting=held_meeting_a, owner=held_meeting_a.entry.deputy, issue="多进社区",
                                      due_on=held_meeting_a.held_on, acting_user=liaison_a)
    outside = next(c for c in colleagues_a if not confirmed_plan_a.entries.filter(deputy=c).exists())
    written = WrittenReportFactory(plan=confirmed_plan_a, deputy=outside)
    return {"plan": confirmed_plan_a, "meeting": held_meeting_a, "item": item, "written": written,
            "entry": held_meeting_a.entry, "question": services.meeting_question_save(
                meeting=held_meeting_a, question="问", answer="答", acting_user=liaison_a)}


def test_deputy_of_group_b_gets_404_on_group_a(client_of, deputy_b, group_a_rows, group_a):
    client = client_of(deputy_b.user)
    rows = group_a_rows
    for url in [
        reverse("reports:plan_detail", args=[rows["plan"].pk]),
        reverse("reports:meeting_detail", args=[rows["meeting"].pk]),
        reverse("reports:meeting_report_edit", args=[rows["meeting"].pk]),
        reverse("reports:rectification_detail", args=[rows["item"].pk]),
        reverse("reports:written_detail", args=[rows["written"].pk]),
        reverse("reports:written_edit", args=[rows["written"].pk]),
        reverse("reports:entry_swap", args=[rows["entry"].pk]),
        reverse("reports:meeting_question_edit", args=[rows["question"].pk]),
        reverse("reports:group_briefing", args=[group_a.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    for url in [
        reverse("reports:plan_confirm", args=[rows["plan"].pk]),
        reverse("reports:meeting_start", args=[rows["entry"].pk]),
        reverse("reports:written_submit", args=[rows["written"].pk]),
        reverse("reports:rectification_progress", args=[rows["item"].pk]),
    ]:
        assert client.post(url, {"note": "x"}).status_code == 404, url
    for url in [reverse("reports:plan_list"), reverse("reports:meeting_list"), reverse("reports:written_list"),
                reverse("reports:rectification_list")]:
        assert "甲代表组" not in client.get(url).content.decode(), url


def test_deputy_sees_own_group_plan_but_only_own_reports(client_of, group_a_rows, deputy_a):
    client = client_of(deputy_a.user)
    assert client.get(reverse("reports:plan_detail", args=[group_a_rows["plan"].pk])).status_code == 200
    assert client.get(reverse("reports:meeting_detail", args=[group_a_rows["meeting"].pk])).status_code == 200
    # A colleague's written report is theirs.
    assert client.get(reverse("reports:written_detail", args=[group_a_rows["written"].pk])).status_code == 404
    assert list(WrittenReport.objects.visible_to(deputy_a.user)) == []


def test_committee_reads_but_gets_403_on_writes(client_of, committee_user, group_a_rows):
    client = client_of(committee_user)
    rows = group_a_rows
    assert client.get(reverse("reports:plan_detail", args=[rows["plan"].pk])).status_code == 200
    assert client.get(reverse("reports:written_missing")).status_code == 200
    for url, data in [
        (reverse("reports:plan_draft"), {"year": YEAR}),
        (reverse("reports:plan_confirm", args=[rows["plan"].pk]), {"written_deadline": f"{YEAR}-11-30"}),
        (reverse("reports:entry_swap", args=[rows["entry"].pk]), {"reason": "x"}),
        (reverse("reports:meeting_record", args=[rows["meeting"].pk]), {"attendance": 1}),
        (reverse("reports:meeting_evaluation", args=[rows["meeting"].pk]), {"satisfied": 1}),
        (reverse("reports:rectification_close", args=[rows["item"].pk]), {"closing_note": "x"}),
        (reverse("reports:written_review", args=[rows["written"].pk]), {"decision": "accept"}),
        (reverse("reports:written_file", args=[rows["written"].pk]), {}),
        (reverse("reports:publish_meeting", args=[rows["meeting"].pk]), {}),
    ]:
        assert client.post(url, data).status_code == 403, url
    rows["meeting"].refresh_from_db()
    assert rows["meeting"].ballots_satisfied is None


def test_deputy_cannot_organise(client_of, deputy_a, group_a_rows):
    client = client_of(deputy_a.user)
    assert client.get(reverse("reports:entry_swap", args=[group_a_rows["entry"].pk])).status_code == 403
    assert client.get(reverse("reports:meeting_record", args=[group_a_rows["meeting"].pk])).status_code == 403
    assert client.post(reverse("reports:plan_draft"), {"year": YEAR}).status_code == 403


def test_liaison_sees_own_groups_only(liaison_a, group_a_rows, group_b):
    RotationPlanFactory(group=group_b, year=YEAR)
    assert list(RotationPlan.objects.visible_to(liaison_a)) == [group_a_rows["plan"]]
    assert list(DutyMeeting.objects.visible_to(liaison_a)) == [group_a_rows["meeting"]]


def _more_group_a_rows(plan, count=5):
    for _ in range(count):
        entry = RotationEntryFactory(plan=plan)
        meeting = DutyMeetingFactory(entry=entry)
        RectificationItemFactory(meeting=meeting)
        WrittenReportFactory(plan=plan)


@pytest.mark.parametrize("name", ["plan_list", "meeting_list", "written_list", "rectification_list"])
def test_list_pages_are_flat(client_of, staff_user, group_a_rows, assert_flat_queries, name, term):
    plan = group_a_rows["plan"]

    def grow():
        _more_group_a_rows(plan)
        other = RotationPlanFactory(group=DeputyGroupFactory(), year=YEAR, term=term)
        _more_group_a_rows(other, 2)

    assert_flat_queries(client_of(staff_user), reverse(f"reports:{name}"), grow=grow)


@pytest.mark.parametrize("who", ["liaison_a", "deputy_a"])
def test_panels_on_home_group_and_deputy_pages_are_flat(client_of, group_a_rows, assert_flat_queries, who, request,
                                                        group_a, deputy_a):
    user = request.getfixturevalue(who)
    user = getattr(user, "user", user)
    plan = group_a_rows["plan"]
    client = client_of(user)
    for url in [reverse("home"), group_a.get_absolute_url(), deputy_a.get_absolute_url(),
                reverse("reports:group_briefing", args=[group_a.pk]), plan.get_absolute_url()]:
        assert_flat_queries(client, url, grow=lambda: (
            _more_group_a_rows(plan, 2), RectificationItemFactory(meeting=group_a_rows["meeting"], owner=deputy_a),
            DeputyFactory(constituency=deputy_a.constituency),
        ))


def test_colleague_reads_a_meeting_of_the_group_but_cannot_write_it(client_of, group_a_rows, colleagues_a):
    from liaison.models import Role
    from liaison.tests.factories import UserFactory

    colleague = colleagues_a[0]
    colleague.user = UserFactory(username="colleague_a", role=Role.DEPUTY)
    colleague.save()
    client = client_of(colleague.user)
    meeting = group_a_rows["meeting"]
    page = client.get(reverse("reports:meeting_detail", args=[meeting.pk]))
    assert page.status_code == 200 and "幸福里社区活动中心" in page.content.decode()
    assert client.get(reverse("reports:meeting_report_edit", args=[meeting.pk])).status_code == 403
    assert client.post(reverse("reports:meeting_question_add", args=[meeting.pk]),
                       {"question": "问", "answer": "答"}).status_code == 403
