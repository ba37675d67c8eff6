"""The constituent register as an Excel file: 姓名, 联系电话, 社区, 类别 (and,
when a community's name is not unique in the district, 选区), with 住址 and
备注 when the office keeps them."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured, ValidationError
from import_export.fields import Field

from deputies.models import Community, Constituency, Term
from liaison.importing import (
    ChoiceLabelWidget,
    RosterFileError,
    RosterResource,
    TextWidget,
    clean_name,
    clean_text,
    compact,
)
from liaison.models import AccessLog
from liaison.validators import normalize_phone, validate_mainland_phone

from .models import Constituent, ConstituentCategory

CATEGORY_NAMES = {
    **{compact(label): value for value, label in ConstituentCategory.choices},
    **{value: value for value in ConstituentCategory.values},
    # what registers also write
    "特困": ConstituentCategory.EXTREME_HARDSHIP, "特困户家庭": ConstituentCategory.EXTREME_HARDSHIP,
    "零就业": ConstituentCategory.ZERO_EMPLOYMENT, "低收入": ConstituentCategory.LOW_INCOME,
    "低收入户": ConstituentCategory.LOW_INCOME, "一般": ConstituentCategory.ORDINARY,
    "普通选民": ConstituentCategory.ORDINARY,
}
ACCESS_LOG_BATCH = 1000


class ConstituentResource(RosterResource):
    """Rows are matched to constituents by 社区 + 姓名 + 联系电话: importing the
    same register again updates them, never duplicates them.

    Exporting takes personal data out of the system: every export writes one
    access-log row per constituent exported, so "who has taken my data out?"
    is answered from the person's own log (SPEC §1).
    """

    name = Field(attribute="name", column_name="姓名", widget=TextWidget())
    phone = Field(attribute="phone", column_name="联系电话", widget=TextWidget())
    community = Field(attribute="community", column_name="社区", widget=TextWidget())
    category = Field(attribute="category", column_name="类别", widget=ChoiceLabelWidget(ConstituentCategory.choices))
    constituency = Field(attribute="community__constituency", column_name="选区", widget=TextWidget())
    address = Field(attribute="address", column_name="住址", widget=TextWidget())
    note = Field(attribute="note", column_name="备注", widget=TextWidget())

    required_columns = ["姓名", "联系电话", "社区", "类别"]
    optional_columns = ["选区", "住址", "备注"]
    aliases = {
        "选民姓名": "姓名", "电话": "联系电话", "手机": "联系电话", "手机号码": "联系电话", "联系方式": "联系电话",
        "社区/单位": "社区", "社区(单位)": "社区", "所在社区": "社区", "社区名称": "社区",
        "选民类别": "类别", "人员类别": "类别", "联系类别": "类别", "所在选区": "选区", "选区名称": "选区",
        "地址": "住址", "家庭住址": "住址", "居住地址": "住址",
    }
    field_columns = {"name": "姓名", "phone": "联系电话", "community": "社区", "category": "类别",
                     "address": "住址", "note": "备注"}
    resolved_fields = ["community"]
    update_fields = ["community", "name", "phone", "category", "address", "note"]
    audit_action = "constituents.constituent.imported"
    duplicate_message = "与第{row}行是同一位选民（社区、姓名和联系电话都相同），请删去重复的一行。"

    class Meta:
        model = Constituent
        fields = ("name", "phone", "community", "category", "constituency", "address", "note")
        export_order = fields
        import_order = fields

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.exported_ids: list[tuple[int, str]] = []

    # -- import ------------------------------------------------------------------

    def prepare(self) -> None:
        self.term = Term.current()
        if self.term is None:
            raise RosterFileError("还没有设置本届届次。请先在“届次”中把本届标记为“本届”，再导入选民名册。")
        self.communities: dict[str, list[Community]] = {}
        for community in Community.objects.filter(constituency__term=self.term).select_related("constituency"):
            self.communities.setdefault(compact(community.name), []).append(community)
        self.constituencies = {
            compact(constituency.name): constituency for constituency in Constituency.objects.filter(term=self.term)
        }

    def parse_row(self, row: dict) -> dict:
        errors: dict[str, list[str]] = {}

        def fail(column: str, message: str) -> None:
            errors.setdefault(column, []).append(message)

        parsed: dict = {"name": clean_name(row.get("姓名"))}
        if not parsed["name"]:
            fail("姓名", "姓名不能为空。")

        parsed["phone"] = normalize_phone(clean_text(row.get("联系电话")))
        try:
            validate_mainland_phone(parsed["phone"])
        except ValidationError as error:
            fail("联系电话", error.messages[0])

        category_text = compact(row.get("类别"))
        parsed["category"] = CATEGORY_NAMES.get(category_text) if category_text else ConstituentCategory.ORDINARY
        if parsed["category"] is None:
            fail("类别", f"“{clean_text(row.get('类别'))}”不是选民类别，应为以下之一：{'、'.join(ConstituentCategory.labels)}。")

        parsed["community"] = self.find_community(row, fail)
        parsed["address"] = clean_text(row.get("住址"))
        parsed["note"] = clean_text(row.get("备注"))
        if errors:
            raise ValidationError(errors)
        return parsed

    def find_community(self, row: dict, fail) -> Community | None:
        community_name = compact(row.get("社区"))
        written = clean_text(row.get("社区"))
        if not community_name:
            fail("社区", "社区不能为空。")
            return None
        candidates = self.communities.get(community_name, [])
        constituency_name = compact(row.get("选区"))
        if constituency_name:
            constituency = self.constituencies.get(constituency_name)
            if constituency is None:
                fail("选区", f"本届（{self.term}）没有名为“{clean_text(row.get('选区'))}”的选区。")
                return None
            candidates = [c for c in candidates if c.constituency_id == constituency.pk]
            if not candidates:
                fail("社区", f"选区“{constituency}”中没有名为“{written}”的社区/单位。")
                return None
        if not candidates:
            fail("社区", f"本届（{self.term}）没有名为“{written}”的社区/单位。")
            return None
        if len(candidates) > 1:
            where = "、".join(sorted(str(c.constituency) for c in candidates))
            fail("社区", f"名为“{written}”的社区/单位在多个选区都有（{where}），"
                         "请在表中增加一列“选区”，写明是哪个选区的。")
            return None
        return candidates[0]

    def natural_key(self, parsed: dict) -> tuple:
        return (parsed["community"].pk, parsed["name"], parsed["phone"])

    def load_existing(self, keys: list[tuple]) -> dict[tuple, Constituent]:
        found: dict[tuple, Constituent] = {}
        wanted = set(keys)
        for constituent in (
            Constituent.objects.select_related("community__constituency")
            .filter(community_id__in={community for community, _, _ in keys}, name__in={name for _, name, _ in keys})
            .order_by("pk")
        ):
            key = (constituent.community_id, constituent.name, constituent.phone)
            if key in wanted:
                found.setdefault(key, constituent)
        return found

    def apply(self, constituent: Constituent, parsed: dict) -> None:
        constituent.community = parsed["community"]
        constituent.name = parsed["name"]
        constituent.phone = parsed["phone"]
        constituent.category = parsed["category"]
        # A column the file does not have leaves the field as it was.
        if "住址" in self.columns_present:
            constituent.address = parsed["address"]
        if "备注" in self.columns_present:
            constituent.note = parsed["note"]

    # -- export ------------------------------------------------------------------

    def get_queryset(self):
        return Constituent.objects.all()

    def filter_export(self, queryset, **kwargs):
        # The register is the current term's: communities belong to its constituencies.
        return queryset.filter(community__constituency__term__is_current=True).select_related(
            "community__constituency"
        )

    def export(self, queryset=None, **kwargs):
        if self.user is None or not self.user.is_authenticated:
            raise ImproperlyConfigured("Exporting constituents needs the acting user for the access log.")
        self.exported_ids = []
        dataset = super().export(queryset, **kwargs)
        dataset.title = "选民名册"
        return dataset

    def export_resource(self, instance, selected_fields=None, **kwargs):
        self.exported_ids.append((instance.pk, str(instance)))
        return super().export_resource(instance, selected_fields, **kwargs)

    def after_export(self, queryset, dataset, **kwargs):
        content_type = ContentType.objects.get_for_model(Constituent)
        AccessLog.objects.bulk_create(
            [
                AccessLog(
                    user=self.user, action=AccessLog.Action.EXPORTED, content_type=content_type,
                    object_id=str(pk), object_repr=masked[:200], ip_address=self.ip_address,
                )
                for pk, masked in self.exported_ids
            ],
            batch_size=ACCESS_LOG_BATCH,
        )
