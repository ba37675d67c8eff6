"""Excel rosters in and out (django-import-export, .xlsx).

Rosters arrive the way offices keep them: a title row or two above the
header ("第十八届区人大代表名册" in a merged cell), a 序号 column, names padded
with full-width spaces, phones in full-width digits, birth months written
1975.03, 1975年3月, 1975-03, 1975/3, as an Excel date, or as a number that
Excel turned into the float 1975.03. This module holds what the deputy and
constituent rosters share:

- cleaning and parsing helpers (`clean_text`, `clean_name`, `parse_birth_month`);
- `RosterXLSX`, the file format: reads every row of the sheet as it is and
  writes .xlsx files whose cells are plain text (phones stay phones, no
  formulas) so that Excel and WPS open them and they re-import unchanged;
- `RosterResource`, the base resource: finds the header row, numbers errors
  by the row the user sees in Excel, names the column, saves nothing unless
  every row is good, and marks each save for the audit history. It is
  set-based: every row is read first, the rows already in the database are
  looked up by natural key in a few queries, and rows are written with
  `bulk_create` / `bulk_update`, their history rows in bulk too; a dry run
  validates without writing at all;
- `RosterAdminMixin`, which puts all of that in the Django admin in Chinese.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from io import BytesIO

from django.contrib import messages
from django.contrib.admin.models import LogEntry
from django.core.exceptions import NON_FIELD_ERRORS, ImproperlyConfigured, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from import_export import widgets
from import_export.formats.base_formats import XLSX
from import_export.forms import ExportForm, ImportForm
from import_export.resources import ModelResource
from import_export.results import Result, RowResult

from .audit import audited

# ---------------------------------------------------------------------------
# Cleaning

ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_NAME = re.compile(rf"[{CJK}·\s]+")
NAME_DOTS = re.compile(r"[•・･‧∙.．]")


# Full-width letters and digits (as typed with a Chinese input method) become
# ASCII; full-width punctuation in free text (，、（）) is left as written.
FULL_WIDTH_ALNUM = str.maketrans(
    {chr(code): chr(code - 0xFEE0) for code in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]}
)


def clean_text(value) -> str:
    """A cell as text: full-width digits and letters folded, every kind of
    space (also the full-width U+3000 and no-break spaces) collapsed, ends
    trimmed. A whole number read as a float (13812345678.0) loses its ".0"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time(0) else value
    text = ZERO_WIDTH.sub("", str(value).translate(FULL_WIDTH_ALNUM))
    return " ".join(text.split())


def clean_name(value) -> str:
    """A person's name. Rosters pad two-character names for alignment
    ("王　伟"): between Chinese characters a space is not part of the name."""
    text = clean_text(value)
    if re.search(rf"[{CJK}]", text):
        text = NAME_DOTS.sub("·", text)
        if CJK_NAME.fullmatch(text):
            text = re.sub(r"\s+", "", text)
    return text


def compact(value) -> str:
    """A name to match by: every full-width form folded (NFKC: "社区（一）" is
    "社区(一)"), no spaces at all ("第 1 选区")."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", clean_text(value)))


def clean_header(value) -> str:
    """A header cell: no spaces at all ("姓  名", "出生\\n年月"), no required-marker star or colon."""
    return compact(value).strip("*:")


# ---------------------------------------------------------------------------
# Birth months

BIRTH_MONTH_HELP = "请写成 1975.03、1975年3月、1975-03 或 1975/3 这样的年月"
_DATE_TEXT = re.compile(
    r"(?P<year>\d{4})\s*(?:年|[./\-_、,])\s*(?P<month>\d{1,2})\s*(?:月份?)?"
    r"(?:\s*[./\-]?\s*(?P<day>\d{1,2})\s*[日号]?)?"
    r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"
)
_DATE_DIGITS = re.compile(r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})?")


def _month_start(year: int, month: int, day: int | None, raw: str) -> dt.date:
    if not 1 <= month <= 12:
        raise ValueError(f"“{raw}”中的月份 {month} 不存在，{BIRTH_MONTH_HELP}。")
    if not 1900 <= year <= timezone.localdate().year:
        raise ValueError(f"“{raw}”中的年份 {year} 不合理，{BIRTH_MONTH_HELP}。")
    if day is not None:
        try:
            dt.date(year, month, day)
        except ValueError:
            raise ValueError(f"“{raw}”不是有效的日期，{BIRTH_MONTH_HELP}。") from None
    return dt.date(year, month, 1)


def parse_birth_month(value) -> dt.date | None:
    """The first day of the month a roster cell names, or None for an empty cell.

    Raises ValueError with a Chinese message when the cell cannot be read.
    A float from a number cell is read by its digits: 1975.03 and 1975.3 are
    March, 1975.12 December; 1975.1 is refused, because Excel shows both
    "1975.1" (January) and "1975.10" (October) as that same number.
    """
    if value is None or (isinstance(value, str) and not clean_text(value)):
        return None
    if isinstance(value, dt.datetime):
        return _month_start(value.year, value.month, None, clean_text(value))
    if isinstance(value, dt.date):
        return _month_start(value.year, value.month, None, value.isoformat())
    if isinstance(value, float) and not value.is_integer():
        raw = repr(value)
        year_text, _, fraction = raw.partition(".")
        if len(year_text) != 4 or len(fraction) > 2:
            raise ValueError(f"“{raw}”不是有效的出生年月，{BIRTH_MONTH_HELP}。")
        if fraction == "1":
            raise ValueError(
                f"“{raw}”无法确定是1月还是10月（Excel 把 1975.10 也显示成 1975.1），"
                "请把该单元格设为文本后写成 1975.01 或 1975.10，或写成 1975年1月。"
            )
        return _month_start(int(year_text), int(fraction), None, raw)
    raw = unicodedata.normalize("NFKC", clean_text(value))
    match = _DATE_TEXT.fullmatch(raw) or _DATE_DIGITS.fullmatch(raw)
    if match is None:
        if re.fullmatch(r"\d{4}(年)?", raw):
            raise ValueError(f"“{raw}”只有年份，缺少月份，{BIRTH_MONTH_HELP}。")
        raise ValueError(f"“{raw}”不是有效的出生年月，{BIRTH_MONTH_HELP}。")
    day = match.group("day")
    return _month_start(int(match.group("year")), int(match.group("month")), int(day) if day else None, raw)


def format_birth_month(value: dt.date | None) -> str:
    return f"{value.year}.{value.month:02d}" if value else ""


# ---------------------------------------------------------------------------
# Finding the header row

HEADER_SCAN_ROWS = 20
NOTE_PREFIXES = ("注", "说明", "填表", "制表", "审核", "备注:")


class RosterFileError(ValueError):
    """A problem with the file as a whole (not one row); its message is for the user."""


def locate_header(rows: list[list], required: list[str], aliases: dict[str, str]) -> int:
    """Index of the first row (among the first few) that holds every required column name."""
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        names = {aliases.get(clean_header(cell), clean_header(cell)) for cell in row}
        if set(required) <= names:
            return index
    raise RosterFileError(
        f"没有找到表头行：文件前 {HEADER_SCAN_ROWS} 行中应有一行写着列名"
        f"“{'”“'.join(required)}”。请核对是否选错了文件或工作表。"
    )


def is_note_row(values: list) -> bool:
    """A footnote under the table ("注：……", "制表：……") is not a data row."""
    filled = [clean_text(v) for v in values if clean_text(v)]
    return len(filled) == 1 and filled[0].startswith(NOTE_PREFIXES)


def normalize_roster(dataset, *, required: list[str], aliases: dict[str, str]) -> list[int]:
    """Rewrite `dataset` in place so that its headers are the roster's header
    row (column names cleaned, aliases resolved) and its rows the data rows
    below it, without blank rows and footnotes.

    `dataset` holds the sheet as read: Excel row 1 as headers, then rows 2, 3,
    …. Returns the Excel row number of each remaining data row, so that an
    error can name the row the user sees.
    """
    raw_rows = [list(dataset.headers or [])] + [list(row) for row in dataset]
    header_index = locate_header(raw_rows, required, aliases)
    headers: list[str] = []
    for position, cell in enumerate(raw_rows[header_index], start=1):
        name = aliases.get(clean_header(cell), clean_header(cell)) or f"第{position}列"
        headers.append(name if name not in headers else f"{name}（第{position}列）")

    width = len(headers)
    rows: list[list] = []
    excel_rows: list[int] = []
    for offset, values in enumerate(raw_rows[header_index + 1:]):
        if not any(clean_text(v) for v in values) or is_note_row(values):
            continue
        values = (values + [None] * width)[:width]
        rows.append(values)
        excel_rows.append(header_index + 2 + offset)

    dataset.wipe()
    dataset.headers = headers
    for values in rows:
        dataset.append(values)
    if not rows:
        raise RosterFileError(f"表头（第{header_index + 1}行）下面没有数据行。")
    return excel_rows


# ---------------------------------------------------------------------------
# The file format


class RosterXLSX(XLSX):
    """.xlsx as offices keep it (Excel 2007+, WPS 表格).

    Reads the sheet that was open when the file was saved (as Excel shows it
    on opening) without interpreting it: the resource finds
    the header row. Writes plain-text cells, so a phone number is not shown as
    1.38E+10, a birth month "1975.10" does not become 1975.1, and a cell that
    starts with "=" is never a formula.
    """

    def create_dataset(self, in_stream):
        import openpyxl
        import tablib

        try:
            book = openpyxl.load_workbook(BytesIO(in_stream), data_only=True)
        except Exception as error:
            raise RosterFileError(
                "无法读取这个文件。请上传 Excel 2007 及以上版本的 .xlsx 文件"
                "（旧的 .xls 文件请在 Excel 或 WPS 中“另存为”.xlsx）。"
            ) from error
        sheet = book.active
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        if len(rows) < 2:
            raise RosterFileError("工作表中没有数据行。")
        dataset = tablib.Dataset(headers=rows[0])
        for row in rows[1:]:
            dataset.append(row)
        return dataset

    def export_data(self, dataset, **kwargs):
        from openpyxl import Workbook
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        book = Workbook()
        sheet = book.active
        sheet.title = (dataset.title or "名册")[:31]
        sheet.append([str(header) for header in dataset.headers])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        widths = [display_width(str(header)) for header in dataset.headers]
        for values in dataset:
            texts = ["" if value is None else str(value) for value in values]
            sheet.append(texts)
            for column, text in enumerate(texts):
                widths[column] = max(widths[column], display_width(text))
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.data_type = "s"  # text even when it starts with "="
                cell.number_format = "@"  # edits in Excel stay text too
        for column, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 8), 60)
        stream = BytesIO()
        book.save(stream)
        return stream.getvalue()


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


class TextWidget(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class BirthMonthWidget(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        return format_birth_month(value)


class ChoiceLabelWidget(widgets.Widget):
    """A choice exported by its Chinese label (低收入家庭), not its code."""

    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.labels = dict(choices)

    def render(self, value, obj=None, **kwargs):
        return str(self.labels.get(value, value or ""))


# ---------------------------------------------------------------------------
# The resource


def cell_error(row: int, column: str, message: str) -> str:
    return f"第{row}行“{column}”列：{message}"


class RosterResult(Result):
    """Import results whose error rows are numbered as in Excel."""

    excel_rows: list[int] = []
    # Columns of the file the roster does not read, named as in the file: the
    # preview warns about them so nobody thinks a "籍贯" column was saved.
    ignored_columns: list[str] = []

    def excel_row(self, number: int | None) -> int | None:
        if number is None or not 1 <= number <= len(self.excel_rows):
            return number
        return self.excel_rows[number - 1]

    def row_errors(self):
        return [(self.excel_row(row.errors[0].number), row.errors) for row in self.rows if row.errors]


class RosterResource(ModelResource):
    """A roster's rows imported as one unit.

    Subclasses say which columns the roster has (`required_columns`,
    `optional_columns`, header `aliases`), how a row is read (`parse_row`
    returns the cleaned values or raises ValidationError keyed by column),
    how an existing row is found by its natural key (`find_existing`) and
    how values land on the instance (`apply`).
    """

    required_columns: list[str] = []
    optional_columns: list[str] = []
    # Columns a roster carries that are not data: skipped without a warning.
    skipped_columns: tuple[str, ...] = ("序号", "编号", "序", "No.")
    aliases: dict[str, str] = {}
    # model field -> column, so model validation errors name the column
    field_columns: dict[str, str] = {}
    # Foreign keys `parse_row` resolved from rows loaded in `prepare`: the
    # model need not query each one again to see that it exists.
    resolved_fields: list[str] = []
    audit_action = ""
    # The row that names a natural key first: "与第N行重复".
    duplicate_message = "与第{row}行重复。"
    # Model fields an import writes to a row that is already there (bulk_update).
    update_fields: list[str] = []
    # Natural keys looked up per query.
    lookup_batch = 500

    class Meta:
        use_transactions = True
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        # Rows go to the database a thousand at a time, history rows with them.
        use_bulk = True
        batch_size = 1000

    def __init__(self, user=None, ip_address: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.ip_address = ip_address
        self.excel_rows: list[int] = []
        self.row_number = 0
        self.parsed: dict = {}
        self.seen_keys: dict[tuple, int] = {}
        self.columns_present: set[str] = set()
        self.ignored_columns: list[str] = []
        self.read_rows: list[dict | ValidationError] = []
        self.existing: dict[tuple, object] = {}
        # Called as progress(done, total) every few hundred rows (the import task shows it).
        self.progress = None

    @classmethod
    def get_result_class(cls):
        return RosterResult

    @classmethod
    def help_text(cls) -> dict:
        return {"required": cls.required_columns, "optional": cls.optional_columns}

    # -- the import as one unit ------------------------------------------------

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None,
                    collect_failed_rows=False, rollback_on_validation_errors=False, **kwargs):
        # One bad row and nothing from the file is saved, also on the
        # confirmation step of the admin (which does not ask for it).
        return super().import_data(
            dataset, dry_run=dry_run, raise_errors=raise_errors, use_transactions=True,
            collect_failed_rows=collect_failed_rows, rollback_on_validation_errors=True, **kwargs,
        )

    def before_import(self, dataset, **kwargs):
        user = kwargs.get("user") or self.user
        if user is None or not user.is_authenticated:
            dataset.wipe()
            raise ImproperlyConfigured("Roster imports need the acting user for the audit history.")
        self.user = user
        self.seen_keys = {}
        try:
            self.excel_rows = normalize_roster(dataset, required=self.required_columns, aliases=self.aliases)
            self.columns_present = set(dataset.headers)
            self.ignored_columns = self.unrecognised_columns(dataset)
            self.prepare()
        except RosterFileError:
            dataset.wipe()
            raise
        self.read_all(dataset)

    def read_all(self, dataset) -> None:
        """Read every row, then look up the rows already in the database in a few queries."""
        self.read_rows = []
        keys = []
        for values in dataset:
            try:
                parsed = self.parse_row(dict(zip(dataset.headers, values, strict=False)))
            except ValidationError as error:
                self.read_rows.append(error)
                continue
            self.read_rows.append(parsed)
            keys.append(self.natural_key(parsed))
        unique_keys = list(dict.fromkeys(keys))
        self.existing = {}
        for start in range(0, len(unique_keys), self.lookup_batch):
            for key, instance in self.load_existing(unique_keys[start:start + self.lookup_batch]).items():
                self.existing.setdefault(key, instance)

    def load_existing(self, keys: list[tuple]) -> dict[tuple, object]:
        """The rows already in the database for these natural keys (one query)."""
        raise NotImplementedError

    def unrecognised_columns(self, dataset) -> list[str]:
        """The file's columns this roster does not read (and that hold something)."""
        known = {*self.required_columns, *self.optional_columns, *self.skipped_columns}
        ignored = []
        for index, header in enumerate(dataset.headers):
            if header in known:
                continue
            if not any(clean_text(value) for value in dataset.get_col(index)):
                if header.startswith("第") and header.endswith("列"):
                    continue  # an empty column without a name: nothing to lose
            ignored.append(header)
        return ignored

    def prepare(self) -> None:
        """Load what rows are matched against (terms, constituencies…) once per file."""

    def before_import_row(self, row, **kwargs):
        number = kwargs.get("row_number") or 0
        self.row_number = self.excel_rows[number - 1] if 0 < number <= len(self.excel_rows) else number
        self.parsed = {}
        errors: dict[str, list[str]] = {}
        read = self.read_rows[number - 1] if 0 < number <= len(self.read_rows) else None
        if read is None:
            try:
                read = self.parse_row(row)
            except ValidationError as error:
                read = error
        if isinstance(read, ValidationError):
            errors = read.message_dict
        else:
            self.parsed = read
        if not errors:
            key = self.natural_key(self.parsed)
            if key in self.seen_keys:
                errors = {self.required_columns[0]: [self.duplicate_message.format(row=self.seen_keys[key])]}
            else:
                self.seen_keys[key] = self.row_number
        if self.progress is not None and number % 500 == 0:
            self.progress(number, len(self.read_rows))
        if errors:
            raise ValidationError(self.numbered(errors))

    def numbered(self, errors: dict[str, list[str]]) -> dict[str, list[str]]:
        return {
            column: [cell_error(self.row_number, column, message) for message in messages_]
            if column != NON_FIELD_ERRORS else [f"第{self.row_number}行：{m}" for m in messages_]
            for column, messages_ in errors.items()
        }

    def parse_row(self, row: dict) -> dict:
        raise NotImplementedError

    def natural_key(self, parsed: dict) -> tuple:
        raise NotImplementedError

    def find_existing(self, parsed: dict):
        """The row already in the database for this one (looked up with all rows in `read_all`)."""
        return self.existing.get(self.natural_key(parsed))

    def apply(self, instance, parsed: dict) -> None:
        raise NotImplementedError

    def get_instance(self, instance_loader, row):
        return self.find_existing(self.parsed)

    def import_instance(self, instance, row, **kwargs):
        self.apply(instance, self.parsed)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # The natural key is looked up, and repeats inside the file are refused,
        # before this point; the database constraints still guard it.
        try:
            instance.full_clean(exclude=self.resolved_fields, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            by_column: dict[str, list[str]] = {}
            for field, messages_ in error.message_dict.items():
                column = self.field_columns.get(field, NON_FIELD_ERRORS)
                by_column.setdefault(column, []).extend(messages_)
            raise ValidationError(self.numbered(by_column)) from None

    def before_save_instance(self, instance, row, **kwargs):
        audited(instance, action=self.audit_action, user=self.user)

    # -- writing in bulk, with history ---------------------------------------------

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        """New rows in one INSERT per batch, and their history rows ("+") in one more."""
        from simple_history.utils import bulk_create_with_history

        rows, self.create_instances = list(self.create_instances), []
        if not rows or dry_run:
            return  # a dry run validates only: nothing is written, nothing to roll back
        try:
            bulk_create_with_history(rows, self._meta.model, batch_size=batch_size, default_user=self.user,
                                     default_change_reason=self.audit_action)
            self.after_bulk_save(rows)
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        """Changed rows in one UPDATE per batch, and their history rows ("~") in one INSERT."""
        from simple_history.utils import bulk_update_with_history

        rows, self.update_instances = list(self.update_instances), []
        if not rows or dry_run:
            return
        try:
            bulk_update_with_history(rows, self._meta.model, self.update_fields, batch_size=batch_size,
                                     default_user=self.user, default_change_reason=self.audit_action)
            self.after_bulk_save(rows)
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)

    def after_bulk_save(self, instances: list) -> None:
        """Rules that need the rows saved (a deputy the roster marks as left loses the account, through
        deputies/services.py) go here: in bulk mode `after_save_instance` runs before the row is written.
        Called per batch, inside the import's transaction, never on a dry run. A row's own history
        reason can still be set on the instance (`instance._change_reason`) before the batch is written."""

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        result.excel_rows = self.excel_rows
        result.ignored_columns = self.ignored_columns
        for invalid in result.invalid_rows:
            invalid.number = result.excel_row(invalid.number)


# ---------------------------------------------------------------------------
# The admin


class RosterImportForm(ImportForm):
    """The roster file is judged by its content (a real .xlsx workbook), not by its name (issue 9 §5)."""

    def clean_import_file(self):
        from .uploads import check_upload

        upload = self.cleaned_data["import_file"]
        check_upload(upload, kinds=("xlsx",))
        return upload


class RosterAdminMixin:
    """Import and export pages for a roster, in Chinese, for office staff.

    Combine before `ImportExportModelAdmin`: `class DeputyAdmin(RosterAdminMixin,
    ImportExportModelAdmin, SimpleHistoryAdmin)`.
    """

    formats = [RosterXLSX]
    export_form_class = ExportForm  # every column, so the file re-imports
    import_form_class = RosterImportForm
    import_template_name = "liaison/admin/roster_import.html"
    export_template_name = "liaison/admin/roster_export.html"
    export_file_stem = "名册"
    export_note = ""
    import_noun = "条记录"

    def has_import_permission(self, request):
        user = request.user
        return bool(
            user.is_active and user.is_office_staff
            and self.has_add_permission(request) and self.has_change_permission(request)
        )

    def has_export_permission(self, request):
        user = request.user
        return bool(user.is_active and user.is_office_staff and self.has_view_permission(request))

    def get_resource_kwargs(self, request, *args, **kwargs):
        from .security import client_ip

        return {"user": request.user, "ip_address": client_ip(request)}

    def get_import_context_data(self, **kwargs):
        resource_class = self.resource_classes[0] if self.resource_classes else self.resource_class
        return {"roster": resource_class.help_text()}

    # -- both steps in a task (issue 11): a 10,000-row roster takes longer than a request may ----------

    def get_urls(self):
        from django.urls import path

        info = (self.model._meta.app_label, self.model._meta.model_name)
        return [
            path("import/<int:job_id>/", self.admin_site.admin_view(self.roster_import_job),
                 name="{}_{}_import_job".format(*info)),
            *super().get_urls(),
        ]

    def import_action(self, request, **kwargs):
        """The upload: a valid file is kept and checked by a task; its page shows the progress."""
        from django.core.exceptions import PermissionDenied

        from .imports import roster_import_upload

        if not self.has_import_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            form = self.create_import_form(request)
            if form.is_valid():
                upload = form.cleaned_data["import_file"]
                job = roster_import_upload(roster=self.model._meta.label_lower, file_title=upload.name,
                                           content=b"".join(upload.chunks()), acting_user=request.user)
                return HttpResponseRedirect(self._job_url(job))
        return super().import_action(request, **kwargs)

    def _job_url(self, job) -> str:
        info = (self.model._meta.app_label, self.model._meta.model_name)
        return reverse("admin:{}_{}_import_job".format(*info), args=[job.pk], current_app=self.admin_site.name)

    def roster_import_job(self, request, job_id: int):
        """The check's or the import's progress; then the row errors, or the counts and the confirm button."""
        from django.core.exceptions import PermissionDenied
        from django.shortcuts import get_object_or_404
        from django.template.response import TemplateResponse

        from .imports import current_progress, roster_import_confirm
        from .models import RosterImport

        if not self.has_import_permission(request):
            raise PermissionDenied
        job = get_object_or_404(RosterImport.objects.visible_to(request.user), pk=job_id,
                                roster=self.model._meta.label_lower)
        if request.method == "POST":
            try:
                roster_import_confirm(job=job, acting_user=request.user)
            except ValidationError as error:
                messages.error(request, error.messages[0])
            return HttpResponseRedirect(self._job_url(job))
        info = (self.model._meta.app_label, self.model._meta.model_name)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"导入{self.model._meta.verbose_name}名册",
            "job": job,
            "progress": current_progress(job),
            "import_noun": self.import_noun,
            "upload_url": reverse("admin:{}_{}_import".format(*info), current_app=self.admin_site.name),
            "changelist_url": reverse("admin:{}_{}_changelist".format(*info), current_app=self.admin_site.name),
        }
        return TemplateResponse(request, "liaison/admin/roster_import_job.html", context)

    def get_export_context_data(self, **kwargs):
        return {"export_note": self.export_note}

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, RosterFileError):
            form.add_error("import_file", str(e))
        else:
            form.add_error("import_file", "无法读取这个文件，请确认上传的是 .xlsx 格式的 Excel 文件。")

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # The confirmation step re-reads the file: if the data changed
            # meanwhile and a row fails now, the transaction was rolled back.
            messages.error(request, "导入没有完成，文件中的数据一条也没有保存。请重新上传，查看错误说明。")
            info = (self.model._meta.app_label, self.model._meta.model_name)
            return HttpResponseRedirect(reverse("admin:{}_{}_import".format(*info), current_app=self.admin_site.name))
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        totals = result.totals
        messages.success(
            request,
            f"导入完成：新增 {totals[RowResult.IMPORT_TYPE_NEW]} {self.import_noun}，"
            f"更新 {totals[RowResult.IMPORT_TYPE_UPDATE]} {self.import_noun}，"
            f"{totals[RowResult.IMPORT_TYPE_SKIP]} {self.import_noun}没有变化。",
        )

    def _create_log_entry(self, user_pk, rows, import_type, action_flag):
        if rows:
            label = {RowResult.IMPORT_TYPE_NEW: "新增", RowResult.IMPORT_TYPE_UPDATE: "更新"}.get(import_type, "")
            LogEntry.objects.log_actions(
                user_pk, rows, action_flag, change_message=f"通过 Excel 导入{label}", single_object=len(rows) == 1
            )

    def get_export_filename(self, request, queryset, file_format):
        return f"{self.export_file_stem}-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}"

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        response = super()._do_file_export(file_format, request, queryset, export_form=export_form)
        # A Chinese file name needs RFC 6266's filename*= form to reach the browser intact.
        response["Content-Disposition"] = content_disposition_header(
            True, self.get_export_filename(request, queryset, file_format)
        )
        return response
