"""The deputy roster as an Excel file: 姓名, 性别, 民族, 出生年月, 党派,
工作单位及职务, 联系电话, 选区, 代表组 — the current term's deputies."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.core.exceptions import ValidationError
from import_export.fields import Field

from liaison.importing import (
    BirthMonthWidget,
    RosterFileError,
    RosterResource,
    TextWidget,
    clean_name,
    clean_text,
    compact,
    parse_birth_month,
)
from liaison.validators import normalize_phone, validate_mainland_phone

from .models import Constituency, Deputy, DeputyGroup, DeputyStatus, Term

GENDERS = {"男": Deputy.Gender.MALE, "男性": Deputy.Gender.MALE, "女": Deputy.Gender.FEMALE, "女性": Deputy.Gender.FEMALE}
STATUSES = {label: value for value, label in DeputyStatus.choices}
_DAY = re.compile(r"(?P<year>\d{4})\s*(?:年|[./\-])\s*(?P<month>\d{1,2})\s*(?:月)?\s*[./\-]?\s*(?P<day>\d{1,2})\s*[日号]?")


def parse_day(value) -> dt.date | None:
    """A date cell (2026-03-15, 2026.3.15, 2026年3月15日 or an Excel date), None when empty."""
    if value is None or (isinstance(value, str) and not clean_text(value)):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = unicodedata.normalize("NFKC", clean_text(value))
    match = _DAY.fullmatch(raw)
    try:
        return dt.date(int(match["year"]), int(match["month"]), int(match["day"])) if match else None
    except ValueError:
        return None


class DeputyResource(RosterResource):
    """Rows are matched to deputies of the current term by 姓名 + 出生年月:
    importing the same roster again updates them, never duplicates them."""

    name = Field(attribute="name", column_name="姓名", widget=TextWidget())
    gender = Field(attribute="gender", column_name="性别", widget=TextWidget())
    ethnicity = Field(attribute="ethnicity", column_name="民族", widget=TextWidget())
    birth_month = Field(attribute="birth_month", column_name="出生年月", widget=BirthMonthWidget())
    party = Field(attribute="party", column_name="党派", widget=TextWidget())
    work_unit = Field(attribute="work_unit", column_name="工作单位及职务", widget=TextWidget())
    phone = Field(attribute="phone", column_name="联系电话", widget=TextWidget())
    constituency = Field(attribute="constituency", column_name="选区", widget=TextWidget())
    group = Field(attribute="group", column_name="代表组", widget=TextWidget())

    required_columns = ["姓名", "性别", "出生年月", "选区"]
    # 状态 and 离任日期 are read, not exported: a deputy marked as left goes through
    # the same rule for their account as deputy_leave (deputies/services.py).
    optional_columns = ["民族", "党派", "工作单位及职务", "联系电话", "代表组", "状态", "离任日期"]
    aliases = {
        "代表姓名": "姓名", "出生日期": "出生年月", "出生年月日": "出生年月", "族别": "民族",
        "政治面貌": "党派", "党派(政治面貌)": "党派", "工作单位": "工作单位及职务", "单位及职务": "工作单位及职务",
        "工作单位和职务": "工作单位及职务", "单位职务": "工作单位及职务", "电话": "联系电话", "手机": "联系电话",
        "手机号码": "联系电话", "联系方式": "联系电话", "所在选区": "选区", "选区名称": "选区",
        "所属代表组": "代表组", "代表小组": "代表组", "代表状态": "状态", "离任时间": "离任日期",
    }
    field_columns = {
        "name": "姓名", "gender": "性别", "ethnicity": "民族", "birth_month": "出生年月", "party": "党派",
        "work_unit": "工作单位及职务", "phone": "联系电话", "constituency": "选区", "group": "代表组",
        "status": "状态", "left_on": "离任日期",
    }
    resolved_fields = ["term", "group", "constituency"]
    update_fields = ["term", "name", "gender", "birth_month", "constituency", "group", "ethnicity", "party",
                     "work_unit", "phone", "status", "left_on"]
    audit_action = "deputies.deputy.imported"
    duplicate_message = "与第{row}行是同一名代表（姓名和出生年月都相同），请删去重复的一行。"

    class Meta:
        model = Deputy
        fields = ("name", "gender", "ethnicity", "birth_month", "party", "work_unit", "phone", "constituency", "group")
        export_order = fields
        import_order = fields

    # -- import ------------------------------------------------------------------

    def prepare(self) -> None:
        self.term = Term.current()
        if self.term is None:
            raise RosterFileError("还没有设置本届届次。请先在“届次”中把本届标记为“本届”，再导入代表名册。")
        self.constituencies = {
            compact(constituency.name): constituency
            for constituency in Constituency.objects.filter(term=self.term).select_related("group")
        }
        self.groups = {compact(group.name): group for group in DeputyGroup.objects.all()}

    def parse_row(self, row: dict) -> dict:
        errors: dict[str, list[str]] = {}

        def fail(column: str, message: str) -> None:
            errors.setdefault(column, []).append(message)

        parsed: dict = {"name": clean_name(row.get("姓名"))}
        if not parsed["name"]:
            fail("姓名", "姓名不能为空。")

        gender_text = clean_text(row.get("性别"))
        parsed["gender"] = GENDERS.get(gender_text)
        if parsed["gender"] is None:
            fail("性别", f"“{gender_text}”不是有效的性别，请填写“男”或“女”。" if gender_text else "请填写“男”或“女”。")

        try:
            parsed["birth_month"] = parse_birth_month(row.get("出生年月"))
        except ValueError as error:
            fail("出生年月", str(error))

        ethnicity = clean_text(row.get("民族"))
        if ethnicity and not ethnicity.endswith("族"):
            ethnicity += "族"  # "汉" → "汉族"
        parsed["ethnicity"] = ethnicity
        parsed["party"] = clean_text(row.get("党派"))
        parsed["work_unit"] = clean_text(row.get("工作单位及职务"))

        parsed["phone"] = normalize_phone(clean_text(row.get("联系电话")))
        try:
            validate_mainland_phone(parsed["phone"])
        except ValidationError as error:
            fail("联系电话", error.messages[0])

        constituency_name = compact(row.get("选区"))
        constituency = self.constituencies.get(constituency_name)
        if not constituency_name:
            fail("选区", "选区不能为空。")
        elif constituency is None:
            fail("选区", f"本届（{self.term}）没有名为“{clean_text(row.get('选区'))}”的选区。")
        parsed["constituency"] = constituency

        group_name = compact(row.get("代表组"))
        group = constituency.group if constituency else None
        if group_name:
            group = self.groups.get(group_name)
            if group is None:
                fail("代表组", f"没有名为“{clean_text(row.get('代表组'))}”的代表组。")
            elif constituency is not None and constituency.group_id != group.pk:
                fail("代表组", f"选区“{constituency}”属于“{constituency.group}”，不属于“{group}”。")
        parsed["group"] = group

        status_text = clean_text(row.get("状态"))
        parsed["status"] = STATUSES.get(status_text) if status_text else None
        if status_text and parsed["status"] is None:
            fail("状态", f"“{status_text}”不是有效的状态，请填写在任、辞职、罢免、调离或去世。")
        parsed["left_on"] = parse_day(row.get("离任日期"))
        if clean_text(row.get("离任日期")) and parsed["left_on"] is None:
            fail("离任日期", f"“{clean_text(row.get('离任日期'))}”不是有效的日期，请写成 2026-03-15 或 2026年3月15日。")
        elif parsed["status"] == DeputyStatus.SERVING and parsed["left_on"]:
            fail("离任日期", "在任代表不应填写离任日期。")
        elif parsed["status"] not in (None, DeputyStatus.SERVING):
            if parsed["left_on"] is None:
                fail("离任日期", "已离任的代表请填写离任日期。")
            elif not self.term.start_date <= parsed["left_on"] <= self.term.end_date:
                fail("离任日期", "离任日期应在本届任期之内。")

        if errors:
            raise ValidationError(errors)
        return parsed

    def natural_key(self, parsed: dict) -> tuple:
        return (parsed["name"], parsed["birth_month"])

    def load_existing(self, keys: list[tuple]) -> dict[tuple, Deputy]:
        found: dict[tuple, Deputy] = {}
        wanted = set(keys)
        for deputy in (
            Deputy.objects.select_related("term", "group", "constituency")
            .filter(term=self.term, name__in={name for name, _ in keys})
            .order_by("pk")
        ):
            key = (deputy.name, deputy.birth_month)
            if key in wanted:
                found.setdefault(key, deputy)
        return found

    def apply(self, deputy: Deputy, parsed: dict) -> None:
        deputy.term = self.term
        deputy.name = parsed["name"]
        deputy.gender = parsed["gender"]
        deputy.birth_month = parsed["birth_month"]
        deputy.constituency = parsed["constituency"]
        deputy.group = parsed["group"]
        # A column the file does not have leaves the field as it was; an empty
        # 民族 cell keeps what is known (汉族 for a new deputy).
        if "民族" in self.columns_present and parsed["ethnicity"]:
            deputy.ethnicity = parsed["ethnicity"]
        for field, column in (("party", "党派"), ("work_unit", "工作单位及职务"), ("phone", "联系电话")):
            if column in self.columns_present:
                setattr(deputy, field, parsed[field])
        # Kept on the row, not on the resource: rows are written in batches, long after apply().
        deputy._leaving = False
        if parsed["status"] is not None:
            deputy._leaving = deputy.status == DeputyStatus.SERVING and parsed["status"] != DeputyStatus.SERVING
            deputy.status = parsed["status"]
            deputy.left_on = parsed["left_on"] if parsed["status"] != DeputyStatus.SERVING else None

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # 状态 and 离任日期 are not export fields, so the default comparison does not see them.
        if original is not None and (instance.status, instance.left_on) != (original.status, original.left_on):
            return False
        return super().skip_row(instance, original, row, import_validation_errors=import_validation_errors)

    def before_save_instance(self, instance, row, **kwargs):
        super().before_save_instance(instance, row, **kwargs)
        if getattr(instance, "_leaving", False):
            instance._change_reason = "deputies.deputy.left"

    def after_bulk_save(self, instances: list) -> None:
        """A deputy the roster marks as left loses the account by the same rule as deputy_leave."""
        from .services import deputy_departure_close_account

        for deputy in instances:
            if getattr(deputy, "_leaving", False):
                deputy_departure_close_account(deputy=deputy, acting_user=self.user)

    # -- export ------------------------------------------------------------------

    def get_queryset(self):
        return Deputy.objects.all()

    def filter_export(self, queryset, **kwargs):
        # The roster is the current term's: it re-imports into the current term.
        return queryset.filter(term__is_current=True).select_related("group", "constituency")

    def export(self, queryset=None, **kwargs):
        dataset = super().export(queryset, **kwargs)
        term = Term.current()
        dataset.title = f"{term}代表名册" if term else "代表名册"
        return dataset
