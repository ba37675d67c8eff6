"""Stored PDFs (drawn with their requester's view of people's data) are deleted, file and row,
after REPORTS_RENDERED_PDF_RETENTION_DAYS; the audit log's record of the request stays."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from liaison.audit import record_event
from liaison.models import AuditEvent
from liaison.schedules import SCHEDULES
from reports.models import RenderedPdf
from reports.tasks import delete_expired_rendered_pdfs


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def stored_pdf(user, *, days_ago: int) -> RenderedPdf:
    rendered = RenderedPdf.objects.create(kind=RenderedPdf.Kind.DISTRICT_SUMMARY, title="全区季度汇总.pdf",
                                          fallback_name="summary.pdf", requested_by=user,
                                          state=RenderedPdf.State.DONE, progress=100)
    rendered.file.save("summary.pdf", ContentFile(b"%PDF-1.7 names"), save=True)
    RenderedPdf.objects.filter(pk=rendered.pk).update(created_at=timezone.now() - dt.timedelta(days=days_ago))
    return rendered


def test_stored_pdfs_past_their_retention_go_with_their_files(committee_user, settings,
                                                               django_capture_on_commit_callbacks):
    settings.REPORTS_RENDERED_PDF_RETENTION_DAYS = 30
    old, recent = stored_pdf(committee_user, days_ago=45), stored_pdf(committee_user, days_ago=3)
    storage, old_name = old.file.storage, old.file.name
    event = record_event(action="reports.rendered_pdf.requested", user=committee_user, obj=old)
    assert storage.exists(old_name)

    with django_capture_on_commit_callbacks(execute=True):
        assert delete_expired_rendered_pdfs() == 1

    assert list(RenderedPdf.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not storage.exists(old_name) and storage.exists(recent.file.name)
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    assert delete_expired_rendered_pdfs() == 0
    settings.REPORTS_RENDERED_PDF_RETENTION_DAYS = 1
    with django_capture_on_commit_callbacks(execute=True):
        assert delete_expired_rendered_pdfs() == 1


def test_the_pdf_retention_job_is_on_the_beat():
    assert SCHEDULES["every-day-0310-delete-expired-rendered-pdfs"]["task"] == "reports.tasks.delete_expired_rendered_pdfs"
