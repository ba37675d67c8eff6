"""Published output holds only content: the drafting hints of the report forms never reach the
stored text, a public page or any PDF (read back with poppler's pdftotext)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from mailbox.models import QuarterlySummary
from mailbox.tests.factories import MailboxFactory
from reports import services
from reports.models import DutyMeeting, PublishedReport, WrittenReport
from reports.tests.factories import FULL_TEXT

from .conftest import YEAR
from .test_pdf import pdf_text, through_task

# What the old prefill wrote into part three, and anything like it.
HINTS = ["请核对", "请补充", "系统根据登记记录生成", "系统中尚无", "核对补充"]


def assert_no_hints(text: str, where: str) -> None:
    flat = "".join(text.split())
    found = [hint for hint in HINTS if hint in flat]
    assert not found, f"{where}: {found}"


@pytest.fixture
def published(staff_user, liaison_a, held_meeting_a, confirmed_plan_a, colleagues_a, deputy_a):
    """A face-to-face report and a written report, each with part three as prefilled, published."""
    meeting = held_meeting_a
    parts = {**FULL_TEXT, "part_constituency": meeting.part_constituency}  # the prefill, untouched
    services.meeting_report_save(meeting=meeting, parts=parts, acting_user=deputy_a.user)
    services.meeting_evaluate(meeting=meeting, satisfied=30, basically_satisfied=8, dissatisfied=1, invalid=1,
                              acting_user=liaison_a)
    services.report_publish(meeting=meeting, acting_user=staff_user)
    outside = next(c for c in colleagues_a if not confirmed_plan_a.entries.filter(deputy=c).exists())
    report = services.written_report_start(deputy=outside, year=YEAR, acting_user=staff_user)
    services.written_report_save(report=report, parts={**FULL_TEXT, "part_constituency": report.part_constituency},
                                 acting_user=staff_user)
    services.written_report_submit(report=report, acting_user=staff_user)
    report = services.written_report_review(report=report, accept=True, acting_user=liaison_a)
    report = services.written_report_file(report=report, acting_user=staff_user)
    services.report_publish(written_report=report, acting_user=staff_user)
    return meeting, report


def test_stored_report_text_holds_no_drafting_hint(published):
    meeting, report = published
    for text in (meeting.part_constituency, WrittenReport.objects.get(pk=report.pk).part_constituency,
                 *PublishedReport.objects.values_list("part_constituency", flat=True)):
        assert "本人联系原选区选民的情况如下" in text  # the prefill is there …
        assert_no_hints(text, "stored text")  # … and only as content


def test_every_public_page_and_pdf_is_free_of_drafting_hints(
    published, client, client_of, staff_user, group_a, constituency_a, community_a, deputy_a
):
    meeting, report = published
    # Public pages: no login.
    public_urls = [reverse("reports:public_list"), reverse("mailbox:public_find"), reverse("mailbox:public_track"),
                   reverse("mailbox:public_write", args=[constituency_a.pk])]
    public_urls += [publication.get_absolute_url() for publication in PublishedReport.objects.all()]
    for url in public_urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_hints(response.content.decode(), url)
    # Every kind of PDF.
    box = MailboxFactory(constituency=constituency_a, community=community_a)
    summary = QuarterlySummary.objects.create(group=group_a, year=2026, quarter=3)
    office = client_of(staff_user)
    pdfs = [
        (reverse("reports:meeting_pdf", args=[meeting.pk]), {}),
        (reverse("reports:written_pdf", args=[report.pk]), {}),
        (reverse("reports:summary_pdf", args=[summary.pk]), {}),
        (reverse("reports:district_summary_pdf"), {"quarter": "2026-3"}),
        (reverse("reports:opening_sheet_pdf", args=[box.pk]), {"month": "2026-11"}),
        (reverse("reports:mailbox_poster_pdf", args=[box.pk]), {}),
        (reverse("reports:annual_contact_pdf", args=[YEAR]), {}),
        (reverse("reports:performance_file_pdf", args=[deputy_a.pk]), {}),
    ]
    for url, params in pdfs:
        response = office.get(url, params)
        if response.status_code == 302:  # a heavy PDF (the district roll-up) is rendered by a task
            response = through_task(office, response)
        text = pdf_text(response)
        assert_no_hints(text, url)
    # The duty report PDF does carry part three (so the check above looked at it).
    assert "本人联系原选区选民的情况如下" in "".join(pdf_text(office.get(pdfs[0][0])).split())


def test_the_migration_strips_hints_from_existing_reports(published):
    meeting, report = published
    old = ("2024年1月以来，本人联系原选区选民的情况如下（系统根据登记记录生成，请核对补充）：\n"
           "一、联系选民。系统中尚无本人参加联系选民活动的记录（请补充）。\n"
           "三、提出议案、建议、批评和意见。系统中尚无本人提出议案、建议的记录；如有批评和意见，请补充。")
    DutyMeeting.objects.filter(pk=meeting.pk).update(part_constituency=old)
    WrittenReport.objects.filter(pk=report.pk).update(part_constituency=old)
    PublishedReport.objects.update(part_constituency=old, part_good_deeds="修好了路灯。")
    migration = importlib.import_module("reports.migrations.0004_strip_drafting_hints")
    migration.strip_hints(apps, None)
    for model in (DutyMeeting, WrittenReport, PublishedReport):
        for text in model.objects.values_list("part_constituency", flat=True):
            assert_no_hints(text, model.__name__)
            assert "未登记进选区联系选民活动。" in text and "未提出议案、建议。" in text
    assert set(PublishedReport.objects.values_list("part_good_deeds", flat=True)) == {"修好了路灯。"}


def test_the_form_carries_the_hint_instead(client_of, deputy_a, held_meeting_a):
    page = client_of(deputy_a.user).get(reverse("reports:meeting_report_edit", args=[held_meeting_a.pk]))
    assert "请核对补充" in page.content.decode()
