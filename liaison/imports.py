"""Roster imports as tasks (issue 11): the admin's two steps, the check (a dry run that
writes nothing) and the import, run in a Celery task, queued through the outbox, with
progress the admin page shows. The rows are read and written by the roster's resource
(liaison.importing.RosterResource, set-based); this module only runs it and keeps the
outcome (counts and the row errors in Chinese) on a RosterImport."""

from __future__ import annotations

import logging

from django.apps import apps
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from import_export.results import RowResult

from .audit import audited
from .importing import RosterFileError, RosterXLSX
from .models import RosterImport
from .outbox import enqueue

logger = logging.getLogger(__name__)

# Kept on the RosterImport (the page shows them); the count says how many there were in all.
MAX_KEPT_ERRORS = 500
TASK = "liaison.tasks.run_roster_import"


def resource_class_for(roster: str):
    """The import resource the admin of `roster` ("deputies.deputy") uses."""
    from django.contrib import admin

    model_admin = admin.site._registry[apps.get_model(roster)]
    return model_admin.resource_classes[0]


@transaction.atomic
def roster_import_upload(*, roster: str, file_title: str, content: bytes, acting_user) -> RosterImport:
    """Keep the uploaded roster and queue its check."""
    job = RosterImport(roster=roster, file_title=file_title[:200], content=content, uploaded_by=acting_user)
    audited(job, action="liaison.roster_import.uploaded", user=acting_user)
    job.save()
    enqueue(TASK, job.pk)
    return job


@transaction.atomic
def roster_import_confirm(*, job: RosterImport, acting_user) -> RosterImport:
    """The checked file is to be imported: queue the import."""
    job = RosterImport.objects.select_for_update().get(pk=job.pk)
    if job.state != RosterImport.State.CHECKED:
        raise ValidationError("这个文件不在等待确认的状态，不能导入。")
    audited(job, action="liaison.roster_import.confirmed", user=acting_user)
    job.state, job.progress, job.finished_at = RosterImport.State.IMPORTING, 0, None
    job.save(update_fields=["state", "progress", "finished_at"])
    enqueue(TASK, job.pk)
    return job


def progress_key(job_id: int) -> str:
    return f"roster-import:{job_id}:progress"


def current_progress(job: RosterImport) -> int:
    """While the task works its rows are in one open transaction: the progress goes through the cache."""
    if not job.is_working:
        return job.progress
    return max(job.progress, int(cache.get(progress_key(job.pk)) or 0))


def _error_messages(result) -> list[str]:
    messages = [str(error.error) for error in result.base_errors]
    for line, errors in result.row_errors():
        messages.extend(f"第{line}行：{error.error}" for error in errors)
    for invalid in result.invalid_rows:
        messages.extend(message for column in invalid.error_dict.values() for message in column)
    return messages


def run_roster_import(job_id: int) -> bool:
    """The task's body: check (state 正在检查) or import (正在导入) one roster; True when it ran.

    Idempotent: a finished or refused one is left alone; one a killed worker left
    half done runs again from the start (the import is one transaction).
    """
    job = RosterImport.objects.select_related("uploaded_by").filter(pk=job_id).first()
    if job is None or not job.is_working:
        return False
    dry_run = job.state == RosterImport.State.CHECKING
    resource = resource_class_for(job.roster)(user=job.uploaded_by)
    key = progress_key(job.pk)

    def progress(done: int, total: int) -> None:
        cache.set(key, min(99, 5 + 90 * done // max(total, 1)), 3600)

    resource.progress = progress
    try:
        dataset = RosterXLSX().create_dataset(bytes(job.content))
        result = resource.import_data(dataset, dry_run=dry_run, retain_instance_in_row_result=True)
    except RosterFileError as error:
        return _finish(job, RosterImport.State.REFUSED, errors=[str(error)])
    except Exception as error:  # noqa: BLE001 - the page must say it failed, whatever it was
        logger.exception("Roster import #%s failed", job.pk)
        return _finish(job, RosterImport.State.FAILED, errors=[f"导入时出现意外错误：{str(error)[:200]}"])
    totals = {kind: result.totals.get(kind, 0)
              for kind in (RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE, RowResult.IMPORT_TYPE_SKIP)}
    errors = _error_messages(result)
    fields = {"totals": {**totals, "errors": len(errors)}, "total_rows": result.total_rows,
              "ignored_columns": list(getattr(result, "ignored_columns", []))}
    if errors:
        state = RosterImport.State.REFUSED if dry_run else RosterImport.State.FAILED
        return _finish(job, state, errors=errors, **fields)
    if dry_run:
        return _finish(job, RosterImport.State.CHECKED, keep_file=True, **fields)
    _log_entries(job, result)
    return _finish(job, RosterImport.State.DONE, **fields)


def _log_entries(job: RosterImport, result) -> None:
    """The admin's own history ("通过 Excel 导入新增"), as the synchronous import wrote it."""
    for import_type, flag, label in ((RowResult.IMPORT_TYPE_NEW, ADDITION, "新增"),
                                     (RowResult.IMPORT_TYPE_UPDATE, CHANGE, "更新")):
        instances = [row.instance for row in result.rows if row.import_type == import_type and row.instance]
        if instances:
            LogEntry.objects.log_actions(job.uploaded_by_id, instances, flag, change_message=f"通过 Excel 导入{label}",
                                         single_object=len(instances) == 1)


def _finish(job: RosterImport, state: str, *, errors=(), keep_file: bool = False, **fields) -> bool:
    errors = list(errors)
    update = {"state": state, "progress": 100, "errors": errors[:MAX_KEPT_ERRORS], "finished_at": timezone.now(),
              **fields}
    if not keep_file:
        update["content"] = b""  # the roster's personal data is not kept once it has been used
    RosterImport.objects.filter(pk=job.pk).update(**update)
    cache.delete(progress_key(job.pk))
    return True
