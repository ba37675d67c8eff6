"""Excel export of a list page with its current filters (issue 12 §2).

A list view answers `?export=xlsx` on its own URL with the rows its filter
selected. Each exportable list has a *sheet builder* registered in SHEETS by a
short kind: `builder(request) -> Sheet` (title, queryset, headers, row, widths),
where `request` may be a real request or a ListRequest (user + query string)
rebuilt by the task. A view answers with `export_list(request, "problems")`.

Up to MAX_ROWS rows are written in the request: openpyxl's write-only writer to a
temporary file, streamed back, so memory does not grow with the rows. Above that
the export becomes an ExportJob (liaison/services_exports.py): a Celery task,
queued through the outbox, rebuilds the same sheet for the same user and filters,
writes it chunk by chunk into private storage with progress, and notifies the
requester with the link to a download page only they can open. Files are deleted
after EXPORT_KEEP_DAYS by beat (liaison/schedules.py).

Every export is one AuditEvent ("liaison.list.exported", with the filters and
the row count); every person whose data went out unmasked is also one
AccessLog row (导出), as for roster exports. Deciding what is masked is the
caller's: `row(item, export)` calls `export.revealed(person)` for each
person it writes in full.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import FileResponse, HttpResponseRedirect, QueryDict
from django.utils import timezone
from django.utils.module_loading import import_string

from . import pagination
from .audit import record_event
from .models import AccessLog
from .security import client_ip

MAX_ROWS = 5000
CHUNK_SIZE = 1000
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
DATETIME_FORMAT = 'yyyy"年"m"月"d"日" hh:mm'
EXPORT_PARAM = "export"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# kind → the dotted path of its sheet builder, `builder(request) -> Sheet`.
SHEETS: dict[str, str] = {
    "problems": "constituents.exports.problem_sheet",
    "activities": "constituents.exports.activity_sheet",
    "suggestions": "constituents.exports.suggestion_sheet",
    "constituents": "constituents.exports.constituent_sheet",
    "letters": "mailbox.exports.letter_sheet",
    "deputies": "deputies.exports.deputy_sheet",
    "rectifications": "reports.exports.rectification_sheet",
    "written": "reports.exports.written_sheet",
    "written_overview": "reports.exports.written_overview_sheet",  # 提交情况: a province's 8,000 groups as a job
}


@dataclass
class Sheet:
    title: str
    queryset: models.QuerySet | Iterable
    headers: Sequence[str]
    row: Callable[[object, Export], Sequence]
    widths: Sequence[int] = ()
    count: int | None = None

    def total(self) -> int:
        return self.count if self.count is not None else self.queryset.count()


@dataclass
class ListRequest:
    """What a sheet builder reads of a request, rebuilt by the export task: who asked, with which filters."""

    user: object
    GET: QueryDict


def wants_xlsx(request) -> bool:
    return request.GET.get(EXPORT_PARAM) == "xlsx"


def export_url(request) -> str:
    """This page with its filters, answered as a workbook (for the "导出 Excel" link)."""
    query = request.GET.copy()
    for own in pagination.OWN:  # the page number and the sort key its link seeks from
        query.pop(own, None)
    query[EXPORT_PARAM] = "xlsx"
    return f"{request.path}?{query.urlencode()}"


def filters_of(query: QueryDict) -> str:
    """The list's filters as a query string, without the page number and the export switch."""
    query = query.copy()
    query.pop(EXPORT_PARAM, None)
    for own in pagination.OWN:
        query.pop(own, None)
    return query.urlencode()


def _page_url(request) -> str:
    query = request.GET.copy()
    query.pop(EXPORT_PARAM, None)
    return f"{request.path}?{query.urlencode()}" if query else request.path


def sheet_for(kind: str, request) -> Sheet:
    return import_string(SHEETS[kind])(request)


class Export:
    """Collects the people whose personal data a row wrote in full.

    Only (type, id) → label is kept, not the rows themselves, so a 50,000-row export
    holds a few megabytes here at most.
    """

    def __init__(self) -> None:
        self._revealed: dict[tuple[int, str], str] = {}

    def revealed(self, person: models.Model) -> None:
        key = (ContentType.objects.get_for_model(person).pk, str(person.pk))
        if key not in self._revealed:
            self._revealed[key] = str(person)[:200]

    def access_logs(self, *, user, ip_address) -> list[AccessLog]:
        return [
            AccessLog(user=user, action=AccessLog.Action.EXPORTED, content_type_id=content_type_id,
                      object_id=object_id, object_repr=label, ip_address=ip_address)
            for (content_type_id, object_id), label in self._revealed.items()
        ]

    def log(self, *, user, ip_address, title: str, written: int, filters: str, request=None) -> None:
        """The access log (one row per person written in full) and the audit event of one export."""
        AccessLog.objects.bulk_create(self.access_logs(user=user, ip_address=ip_address), batch_size=500)
        record_event(action="liaison.list.exported", request=request, user=user,
                     detail=f"{title}：{written} 条；筛选条件：{filters or '无'}"[:500])


def _cells(sheet, values: Sequence):
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in values:
        if isinstance(value, dt.datetime):
            # Excel has no time zones: the office's local time (Asia/Shanghai).
            value = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = DATETIME_FORMAT
            cells.append(cell)
        elif isinstance(value, dt.date):
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = DATE_FORMAT
            cells.append(cell)
        else:
            cells.append(value)
    return cells


def write_workbook(target, sheet: Sheet, export: Export, *,
                   progress: Callable[[int], None] | None = None) -> int:
    """Write `sheet` into the file `target` with the write-only writer; returns the rows written.

    A queryset is read with `.iterator(chunk_size=CHUNK_SIZE)` (prefetches included), so
    neither the rows nor the cells are held in memory; `progress(written)` is called after
    each chunk.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet.title[:31])
    for index, width in enumerate(sheet.widths):
        worksheet.column_dimensions[get_column_letter(index + 1)].width = width
    worksheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for header in sheet.headers:
        cell = WriteOnlyCell(worksheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    worksheet.append(header_cells)

    queryset = sheet.queryset
    items = queryset.iterator(chunk_size=CHUNK_SIZE) if isinstance(queryset, models.QuerySet) else queryset
    written = 0
    for item in items:
        worksheet.append(_cells(worksheet, sheet.row(item, export)))
        written += 1
        if progress is not None and written % CHUNK_SIZE == 0:
            progress(written)
    workbook.save(target)
    return written


def xlsx_filename(title: str) -> str:
    return f"{title}_{timezone.localdate().strftime('%Y%m%d')}.xlsx"


def export_xlsx(
    request,
    *,
    title: str,
    queryset: models.QuerySet | Iterable,
    headers: Sequence[str],
    row: Callable[[object, Export], Sequence],
    widths: Sequence[int] = (),
    count: int | None = None,
    kind: str | None = None,
):
    """The filtered rows of a list page as an .xlsx download.

    Over MAX_ROWS: a list registered in SHEETS (`kind`) becomes an export job and the
    user is taken to its progress page; any other list asks the user to narrow the filters.
    """
    sheet = Sheet(title=title, queryset=queryset, headers=headers, row=row, widths=widths, count=count)
    total = sheet.total()
    if total > MAX_ROWS:
        if kind is not None:
            from .services_exports import export_job_request

            job = export_job_request(kind=kind, title=title, params=filters_of(request.GET), total_rows=total,
                                     acting_user=request.user, ip_address=client_ip(request))
            messages.info(
                request,
                f"符合当前筛选条件的记录共 {total} 条，超过 {MAX_ROWS} 条，系统正在后台生成 Excel 文件，"
                "生成后会在“通知”中发送下载链接。",
            )
            return HttpResponseRedirect(job.get_absolute_url())
        messages.error(
            request,
            f"符合当前筛选条件的记录共 {total} 条，超过一次导出的上限 {MAX_ROWS} 条。"
            "请缩小筛选范围（例如选择年度、代表组或状态）后再导出。",
        )
        return HttpResponseRedirect(_page_url(request))

    export = Export()
    target = tempfile.TemporaryFile(suffix=".xlsx")
    written = write_workbook(target, sheet, export)
    target.seek(0)
    export.log(user=request.user, ip_address=client_ip(request), title=title, written=written,
               filters=filters_of(request.GET), request=request)
    # FileResponse writes the Chinese name as RFC 5987 filename*=utf-8''… with an ASCII fallback.
    return FileResponse(target, as_attachment=True, filename=xlsx_filename(title), content_type=XLSX_TYPE)


def export_list(request, kind: str):
    """Answer `?export=xlsx` for the list registered as `kind`, with the request's user and filters."""
    sheet = sheet_for(kind, request)
    return export_xlsx(request, title=sheet.title, queryset=sheet.queryset, headers=sheet.headers, row=sheet.row,
                       widths=sheet.widths, count=sheet.count, kind=kind)
