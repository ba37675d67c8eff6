"""Export jobs: an export over liaison.exports.MAX_ROWS rows, made by a task (issue 12 §2).

The request is recorded (ExportJob, audited), `liaison.tasks.run_export_job` rebuilds
the list for the requester with the same filters, writes the workbook chunk by chunk
into private storage with progress, logs the export as the in-request path does
(AuditEvent + AccessLog), and notifies the requester with the link. Files are deleted
after EXPORT_KEEP_DAYS by `liaison.tasks.delete_expired_exports` (beat).
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from .audit import audited
from .models import ExportJob
from .notifications import notify
from .outbox import enqueue

logger = logging.getLogger(__name__)


def keep_days() -> int:
    return int(getattr(settings, "EXPORT_KEEP_DAYS", 7))


@transaction.atomic
def export_job_request(*, kind: str, title: str, params: str, total_rows: int, acting_user,
                       ip_address: str | None = None) -> ExportJob:
    """Ask for a large export; the same list with the same filters still in the works is reused."""
    from .exports import SHEETS

    if kind not in SHEETS:
        raise ValueError(f"Unknown export {kind}")
    waiting = ExportJob.objects.filter(
        requested_by=acting_user, kind=kind, params=params, state__in=[ExportJob.State.QUEUED, ExportJob.State.RUNNING],
    ).first()
    if waiting is not None:
        return waiting
    job = ExportJob(kind=kind, title=title[:200], params=params[:2000], total_rows=total_rows,
                    requested_by=acting_user, ip_address=ip_address)
    audited(job, action="liaison.export_job.requested", user=acting_user)
    job.save()
    enqueue("liaison.tasks.run_export_job", job.pk)
    return job


def _update(job: ExportJob, **fields) -> None:
    ExportJob.objects.filter(pk=job.pk).update(**fields)


def export_job_run(job_id: int) -> bool:
    """Write one requested export; True when it is (now or already) done.

    Idempotent: a finished job is left alone; one a killed worker left half done is
    written again from the start (the file is stored only at the end).
    """
    from .exports import Export, ListRequest, sheet_for, write_workbook, xlsx_filename

    job = ExportJob.objects.select_related("requested_by").filter(pk=job_id).first()
    if job is None or job.state in (ExportJob.State.DONE, ExportJob.State.EXPIRED):
        return job is not None
    _update(job, state=ExportJob.State.RUNNING, written_rows=0, error="")
    user = job.requested_by
    try:
        sheet = sheet_for(job.kind, ListRequest(user=user, GET=QueryDict(job.params)))
        total = sheet.total()
        _update(job, total_rows=total)
        export = Export()
        with tempfile.TemporaryFile(suffix=".xlsx") as target:
            written = write_workbook(target, sheet, export,
                                     progress=lambda done: _update(job, written_rows=done))
            target.seek(0)
            with transaction.atomic():
                job.file.save(xlsx_filename(job.title), File(target), save=False)
                now = timezone.now()
                job.state, job.written_rows, job.finished_at = ExportJob.State.DONE, written, now
                job.expires_at = now + dt.timedelta(days=keep_days())
                audited(job, action="liaison.export_job.done", user=user)
                job.save(update_fields=["file", "state", "written_rows", "finished_at", "expires_at"])
                export.log(user=user, ip_address=job.ip_address, title=job.title, written=written,
                           filters=job.params)
                notify(user, title=f"Excel 文件已生成：{job.title}（{written} 条）",
                       body=f"下载链接 {keep_days()} 天内有效，过期后文件自动删除，需要时请重新导出。",
                       url=job.get_absolute_url(), dedupe_key=f"liaison.export_job.done:{job.pk}")
    except Exception as error:
        logger.exception("Export job #%s failed", job.pk)
        _update(job, state=ExportJob.State.FAILED, error=str(error)[:300], finished_at=timezone.now())
        return False
    return True


def delete_expired_exports(*, now: dt.datetime | None = None) -> int:
    """Delete the files of exports past their time; the job rows stay as the record. Returns how many."""
    now = now or timezone.now()
    expired = 0
    for job in ExportJob.objects.filter(state=ExportJob.State.DONE, expires_at__lt=now):
        if job.file:
            job.file.delete(save=False)
        job.state = ExportJob.State.EXPIRED
        audited(job, action="liaison.export_job.expired")
        job.save(update_fields=["file", "state"])
        expired += 1
    return expired
