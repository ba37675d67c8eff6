"""Retention of stored PDFs (reports.RenderedPdf): a roll-up drawn with one requester's
view of the data (names and figures of people) is kept REPORTS_RENDERED_PDF_RETENTION_DAYS
days after it was asked for, then its file and its row go. It can be asked for again.
The audit log's record of the request stays."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import RenderedPdf

log = logging.getLogger(__name__)


def rendered_pdfs_delete_expired(*, now: dt.datetime | None = None) -> int:
    """Delete the stored PDFs (files and rows) older than the retention; returns how many."""
    days = getattr(settings, "REPORTS_RENDERED_PDF_RETENTION_DAYS", 30)
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    deleted = 0
    for rendered in RenderedPdf.objects.filter(created_at__lt=cutoff).order_by("pk").iterator():
        with transaction.atomic():
            stored = (rendered.file.storage, rendered.file.name)
            rendered.delete()
            transaction.on_commit(lambda stored=stored: _remove_file(*stored), robust=True)
        deleted += 1
    if deleted:
        log.info("Retention: deleted %s stored PDFs asked for before %s", deleted, cutoff)
    return deleted


def _remove_file(storage, name: str) -> None:
    if name and storage.exists(name):
        storage.delete(name)
