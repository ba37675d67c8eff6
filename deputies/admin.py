from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from liaison.admin_personal import PersonalDataAdminMixin
from liaison.importing import RosterAdminMixin

from .models import Community, Constituency, Department, Deputy, DeputyGroup, DeputyStatus, SubDistrict, Term
from .resources import DeputyResource
from .services import deputy_leave


@admin.register(Term)
class TermAdmin(SimpleHistoryAdmin):
    list_display = ["name", "start_date", "end_date", "is_current"]


@admin.register(SubDistrict)
class SubDistrictAdmin(SimpleHistoryAdmin):
    list_display = ["name", "address"]
    search_fields = ["name"]


@admin.register(DeputyGroup)
class DeputyGroupAdmin(SimpleHistoryAdmin):
    list_display = ["name", "sub_district", "sort_order"]
    list_filter = ["sub_district"]
    search_fields = ["name"]
    autocomplete_fields = ["liaisons"]
    list_select_related = ["sub_district"]


class CommunityInline(admin.TabularInline):
    model = Community
    extra = 0


@admin.register(Constituency)
class ConstituencyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "group", "term", "seats"]
    list_filter = ["term", "group"]
    search_fields = ["name"]
    autocomplete_fields = ["group"]
    list_select_related = ["group", "term"]
    inlines = [CommunityInline]


@admin.register(Community)
class CommunityAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "constituency", "contact_person"]
    list_filter = ["kind", "constituency__group"]
    search_fields = ["name", "constituency__name"]
    autocomplete_fields = ["constituency"]
    list_select_related = ["constituency"]


@admin.register(Deputy)
class DeputyAdmin(PersonalDataAdminMixin, RosterAdminMixin, ImportExportModelAdmin, SimpleHistoryAdmin):
    list_display = ["name", "gender", "party", "group", "constituency", "status", "left_on", "term"]
    list_filter = ["term", "status", "group", "gender", "party"]
    search_fields = ["name", "work_unit", "phone"]
    autocomplete_fields = ["group", "constituency", "user"]
    list_select_related = ["group", "constituency", "term"]
    # Excel roster (本届代表名册): see deputies/resources.py.
    resource_classes = [DeputyResource]
    export_file_stem = "代表名册"
    import_noun = "名代表"
    export_note = "导出本届代表名册（按当前的筛选条件）。导出的文件可以在 Excel 或 WPS 中修改后重新导入。"

    def save_model(self, request, obj, form, change):
        # Leaving office goes through its service (audited as 代表离任; the account
        # stops writing and its sessions end), not through a plain field edit.
        leaving = change and obj.status != DeputyStatus.SERVING and (
            {"status", "left_on"} & set(form.changed_data)
        )
        if not leaving:
            return super().save_model(request, obj, form, change)
        status, left_on = obj.status, obj.left_on
        obj.status, obj.left_on = form.initial.get("status"), form.initial.get("left_on")
        super().save_model(request, obj, form, change)
        try:
            deputy_leave(deputy=obj, status=status, left_on=left_on, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "contact_person", "contact_phone", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    filter_horizontal = ["users"]  # 承办单位账号 (role 承办单位)
