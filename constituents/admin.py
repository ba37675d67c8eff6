from django.contrib import admin
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from liaison.importing import RosterAdminMixin

from .models import Constituent
from .resources import ConstituentResource


@admin.register(Constituent)
class ConstituentAdmin(RosterAdminMixin, ImportExportModelAdmin, SimpleHistoryAdmin):
    list_display = ["name", "category", "community", "phone"]
    list_filter = ["category", "community__constituency__group"]
    search_fields = ["name", "phone", "community__name"]
    autocomplete_fields = ["community"]
    list_select_related = ["community"]
    # Excel register (选民名册): see constituents/resources.py.
    resource_classes = [ConstituentResource]
    export_file_stem = "选民名册"
    import_noun = "位选民"
    export_note = (
        "导出的文件含选民的姓名、电话和住址等个人信息，请妥善保管，不要外传。"
        "每次导出都会记入“个人信息访问记录”。"
    )
