"""Written reports: write, submit, review, file; and what is missing per group."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from liaison.models import Notification
from reports import services
from reports.models import WrittenReport
from reports.tests.factories import FULL_TEXT

from .conftest import YEAR


@pytest.fixture
def writer(confirmed_plan_a, colleagues_a):
    """A colleague of deputy_a who is not reporting face to face this year, with an account."""
    from liaison.tests.factories import UserFactory

    deputy = next(c for c in colleagues_a if not confirmed_plan_a.entries.filter(deputy=c).exists())
    deputy.user = UserFactory(username="writer")
    deputy.save()
    return deputy


def test_the_whole_path_draft_submit_return_resubmit_accept_file(client_of, writer, liaison_a, staff_user):
    client = client_of(writer.user)
    response = client.post(reverse("reports:written_start"), {"year": YEAR})
    report = WrittenReport.objects.get()
    assert response.url == reverse("reports:written_edit", args=[report.pk])
    assert report.part_constituency  # prefilled
    client.post(reverse("reports:written_edit", args=[report.pk]), {**FULL_TEXT, "submit": "1"})
    report.refresh_from_db()
    assert report.status == WrittenReport.Status.SUBMITTED and report.part_law == FULL_TEXT["part_law"]

    liaison = client_of(liaison_a)
    response = liaison.post(reverse("reports:written_review", args=[report.pk]), {"decision": "return"}, follow=True)
    assert "退回修改时请写明审查意见" in response.content.decode()
    liaison.post(reverse("reports:written_review", args=[report.pk]),
                 {"decision": "return", "comment": "第三部分请写具体事例"})
    report.refresh_from_db()
    assert report.status == WrittenReport.Status.RETURNED
    assert Notification.objects.filter(recipient=writer.user, title__contains="退回修改").exists()

    client = client_of(writer.user)
    assert "第三部分请写具体事例" in client.get(reverse("reports:written_edit", args=[report.pk])).content.decode()
    client.post(reverse("reports:written_submit", args=[report.pk]))
    client_of(liaison_a).post(reverse("reports:written_review", args=[report.pk]), {"decision": "accept"})
    report.refresh_from_db()
    assert report.status == WrittenReport.Status.ACCEPTED

    # Filing is the office's: the liaison may not, staff may.
    assert client_of(liaison_a).post(reverse("reports:written_file", args=[report.pk])).status_code == 403
    client_of(staff_user).post(reverse("reports:written_file", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == WrittenReport.Status.FILED and report.filed_by == staff_user


def test_a_report_submitted_twice_is_refused(writer):
    report = services.written_report_start(deputy=writer, year=YEAR, acting_user=writer.user)
    services.written_report_save(report=report, parts=FULL_TEXT, acting_user=writer.user)
    services.written_report_submit(report=report, acting_user=writer.user)
    with pytest.raises(ValidationError, match="不能重复提交"):
        services.written_report_submit(report=report, acting_user=writer.user)
    report.refresh_from_db()
    assert report.status == WrittenReport.Status.SUBMITTED and report.part_session == FULL_TEXT["part_session"]


def test_submit_twice_on_the_page_shows_a_chinese_error(client_of, writer):
    report = services.written_report_start(deputy=writer, year=YEAR, acting_user=writer.user)
    services.written_report_save(report=report, parts=FULL_TEXT, acting_user=writer.user)
    client = client_of(writer.user)
    client.post(reverse("reports:written_submit", args=[report.pk]))
    response = client.post(reverse("reports:written_submit", args=[report.pk]), follow=True)
    assert "该报告已提交" in response.content.decode()


def test_incomplete_report_cannot_be_submitted_and_text_is_kept(client_of, writer):
    report = services.written_report_start(deputy=writer, year=YEAR, acting_user=writer.user)
    response = client_of(writer.user).post(reverse("reports:written_edit", args=[report.pk]), {
        "part_session": "出席大会", "part_recess": "", "part_constituency": "走访", "part_law": "", "part_good_deeds": "",
        "submit": "1",
    })
    page = response.content.decode()
    assert "尚未填写：二、闭会期间活动情况" in page
    report.refresh_from_db()
    assert report.status == WrittenReport.Status.DRAFT and report.part_session == "出席大会"


def test_picked_deputy_needs_no_written_report(deputy_a, confirmed_plan_a):
    with pytest.raises(ValidationError, match="安排当面述职，无需撰写"):
        services.written_report_start(deputy=deputy_a, year=YEAR, acting_user=deputy_a.user)


def test_no_written_report_before_the_plan_is_confirmed(plan_a, colleagues_a, liaison_a):
    outside = next(c for c in colleagues_a if not plan_a.entries.filter(deputy=c).exists())
    with pytest.raises(ValidationError, match="尚未落实"):
        services.written_report_start(deputy=outside, year=YEAR, acting_user=liaison_a)


def test_edits_after_submission_are_refused(writer):
    report = services.written_report_start(deputy=writer, year=YEAR, acting_user=writer.user)
    services.written_report_save(report=report, parts=FULL_TEXT, acting_user=writer.user)
    services.written_report_submit(report=report, acting_user=writer.user)
    with pytest.raises(ValidationError, match="当前不能修改"):
        services.written_report_save(report=report, parts={"part_session": "改"}, acting_user=writer.user)


def test_staff_see_what_is_missing_per_group(client_of, staff_user, writer, confirmed_plan_a, colleagues_a,
                                             assert_flat_queries, deputy_b):
    report = services.written_report_start(deputy=writer, year=YEAR, acting_user=writer.user)
    services.written_report_save(report=report, parts=FULL_TEXT, acting_user=writer.user)
    services.written_report_submit(report=report, acting_user=writer.user)
    client = client_of(staff_user)
    url = reverse("reports:written_missing")
    page = client.get(url, {"year": YEAR}).content.decode()
    owed = [c for c in colleagues_a if not confirmed_plan_a.entries.filter(deputy=c).exists()]
    assert len(owed) == 8
    missing = [c.name for c in owed if c.pk != writer.pk]
    assert all(name in page for name in missing) and writer.name not in page
    assert "乙代表组" in page and "未制定" in page

    def grow():
        from deputies.tests.factories import DeputyFactory

        for _ in range(5):
            DeputyFactory(constituency=writer.constituency)

    assert_flat_queries(client, url, grow=grow, params={"year": YEAR})


def test_group_files_accepted_reports_at_once(client_of, staff_user, liaison_a, writer, confirmed_plan_a):
    report = services.written_report_start(deputy=writer, year=YEAR, acting_user=writer.user)
    services.written_report_save(report=report, parts=FULL_TEXT, acting_user=writer.user)
    services.written_report_submit(report=report, acting_user=writer.user)
    services.written_report_review(report=report, accept=True, acting_user=liaison_a)
    client_of(staff_user).post(reverse("reports:written_file_group", args=[confirmed_plan_a.pk]))
    report.refresh_from_db()
    assert report.status == WrittenReport.Status.FILED
