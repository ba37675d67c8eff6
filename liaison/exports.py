"""Excel export of a list page with its current filters (issue 12 §2).

A list view answers `?export=xlsx` on its own URL with the rows its filter
selected: `return export_xlsx(request, title=…, queryset=filter.qs, headers=…, row=…)`.
The workbook is written by openpyxl's write-only writer to a temporary file and
streamed back, so memory does not grow with the rows. Up to MAX_ROWS rows are
served in the request; above that the user is asked to narrow the filters
(a Celery path for larger exports is not built yet).

Every export is one AuditEvent ("liaison.list.exported", with the filters and
the row count); every person whose data went out unmasked is also one
AccessLog row (导出), as for roster exports. Deciding what is masked is the
caller's: `row(item, export)` calls `export.revealed(constituent)` for each
person it writes in full.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Sequence

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import FileResponse, HttpResponseRedirect
from django.utils import timezone

from .audit import record_event
from .models import AccessLog
from .security import client_ip

MAX_ROWS = 5000
CHUNK_SIZE = 1000
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
DATETIME_FORMAT = 'yyyy"年"m"月"d"日" hh:mm'
EXPORT_PARAM = "export"


def wants_xlsx(request) -> bool:
    return request.GET.get(EXPORT_PARAM) == "xlsx"


def export_url(request) -> str:
    """This page with its filters, answered as a workbook (for the "导出 Excel" link)."""
    query = request.GET.copy()
    query.pop("page", None)
    query[EXPORT_PARAM] = "xlsx"
    return f"{request.path}?{query.urlencode()}"


def _page_url(request) -> str:
    query = request.GET.copy()
    query.pop(EXPORT_PARAM, None)
    return f"{request.path}?{query.urlencode()}" if query else request.path


class Export:
    """Collects the people whose personal data a row wrote in full."""

    def __init__(self) -> None:
        self._revealed: dict[tuple[type, int], models.Model] = {}

    def revealed(self, person: models.Model) -> None:
        self._revealed[(type(person), person.pk)] = person

    def access_logs(self, *, user, ip_address) -> list[AccessLog]:
        return [
            AccessLog(user=user, action=AccessLog.Action.EXPORTED,
                      content_type=ContentType.objects.get_for_model(person), object_id=str(person.pk),
                      object_repr=str(person)[:200], ip_address=ip_address)
            for person in self._revealed.values()
        ]


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


def export_xlsx(
    request,
    *,
    title: str,
    queryset: models.QuerySet | Iterable,
    headers: Sequence[str],
    row: Callable[[object, Export], Sequence],
    widths: Sequence[int] = (),
    count: int | None = None,
):
    """The filtered rows of a list page as an .xlsx download, or back to the page when too many."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    total = count if count is not None else queryset.count()
    if total > MAX_ROWS:
        messages.error(
            request,
            f"符合当前筛选条件的记录共 {total} 条，超过一次导出的上限 {MAX_ROWS} 条。"
            "请缩小筛选范围（例如选择年度、代表组或状态）后再导出。",
        )
        return HttpResponseRedirect(_page_url(request))

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    for index, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)

    export = Export()
    items = queryset.iterator(chunk_size=CHUNK_SIZE) if isinstance(queryset, models.QuerySet) else queryset
    written = 0
    for item in items:
        sheet.append(_cells(sheet, row(item, export)))
        written += 1

    target = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(target)
    target.seek(0)

    ip_address = client_ip(request)
    AccessLog.objects.bulk_create(export.access_logs(user=request.user, ip_address=ip_address), batch_size=500)
    filters = _page_url(request).partition("?")[2]
    record_event(action="liaison.list.exported", request=request,
                 detail=f"{title}：{written} 条；筛选条件：{filters or '无'}"[:500])

    stamp = timezone.localdate().strftime("%Y%m%d")
    # FileResponse writes the Chinese name as RFC 5987 filename*=utf-8''… with an ASCII fallback.
    return FileResponse(
        target, as_attachment=True, filename=f"{title}_{stamp}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
