from django import forms
from django.contrib import admin, messages
from django.core.files.uploadedfile import UploadedFile
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from liaison.admin_personal import PersonalDataAdminMixin
from liaison.importing import RosterAdminMixin

from .models import (
    ActivityPhoto,
    Callback,
    Constituent,
    ContactActivity,
    ExtensionRequest,
    FollowUp,
    Forwarding,
    Problem,
    ProblemFeedback,
    Suggestion,
)
from .resources import ConstituentResource
from .services import validate_photo


@admin.register(Constituent)
class ConstituentAdmin(PersonalDataAdminMixin, RosterAdminMixin, ImportExportModelAdmin, SimpleHistoryAdmin):
    list_display = ["name", "category", "community", "phone", "address"]
    list_filter = ["category", "community__constituency__group"]
    search_fields = ["name", "phone", "community__name"]
    autocomplete_fields = ["community"]
    list_select_related = ["community"]
    # Last entered first, by the primary key: the model's order (constituency, community, name) joined and
    # sorted a province's million constituents, 0.5-1.1 s a page; a column header still sorts (perf, issue 11).
    ordering = ["-id"]
    # Excel register (选民名册): see constituents/resources.py.
    resource_classes = [ConstituentResource]
    export_file_stem = "选民名册"
    import_noun = "位选民"
    export_note = (
        "导出的文件含选民的姓名、电话和住址等个人信息，请妥善保管，不要外传。"
        "每次导出都会记入“个人信息访问记录”。"
    )


class ActivityPhotoAdminForm(forms.ModelForm):
    """Photos added in the admin go through the same door as the pages: checked by content, EXIF removed."""

    class Meta:
        model = ActivityPhoto
        fields = ["image", "caption"]

    def clean_image(self):
        image = self.cleaned_data["image"]
        if isinstance(image, UploadedFile):  # a new upload, not the stored file
            return validate_photo(image)
        return image


class ActivityPhotoInline(admin.TabularInline):
    model = ActivityPhoto
    form = ActivityPhotoAdminForm
    extra = 0


@admin.register(ContactActivity)
class ContactActivityAdmin(SimpleHistoryAdmin):
    list_display = ["held_on", "group", "organizer", "ask_type", "form", "place", "crowd_count"]
    list_filter = ["organizer", "ask_type", "form", "group"]
    search_fields = ["place", "summary", "deputies__name"]
    date_hierarchy = "held_on"
    filter_horizontal = ["deputies"]
    raw_id_fields = ["constituents"]
    list_select_related = ["group"]
    inlines = [ActivityPhotoInline]


class ForwardingInline(admin.TabularInline):
    model = Forwarding
    extra = 0
    fields = ["department", "round", "status", "forwarded_on", "deadline", "deadline_is_estimate", "replied_on",
              "result_class", "returned_on"]


class FollowUpInline(admin.TabularInline):
    model = FollowUp
    extra = 0
    fields = ["followed_on", "method", "forwarding", "department_said", "recorded_by"]
    raw_id_fields = ["recorded_by", "forwarding"]


@admin.register(Problem)
class ProblemAdmin(SimpleHistoryAdmin):
    list_display = ["pk", "raised_on", "source", "category", "state", "is_livelihood", "group", "deputy"]
    list_filter = ["state", "source", "category", "is_livelihood", "group"]
    search_fields = ["text", "deputy__name"]
    date_hierarchy = "raised_on"
    raw_id_fields = ["constituents", "visit", "deputy", "constituency", "community", "registered_by"]
    list_select_related = ["group", "deputy"]
    inlines = [ForwardingInline, FollowUpInline]


@admin.register(ProblemFeedback)
class ProblemFeedbackAdmin(SimpleHistoryAdmin):
    list_display = ["problem", "constituent", "suggestion", "status", "method", "told_on"]
    list_filter = ["status", "method"]
    raw_id_fields = ["problem", "constituent", "suggestion"]


@admin.register(Suggestion)
class SuggestionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "state", "lead_deputy", "lead_department", "reply_due", "result_class",
                    "satisfaction"]
    list_filter = ["kind", "state", "result_class", "satisfaction", "group"]
    search_fields = ["title", "content", "lead_deputy__name"]
    filter_horizontal = ["proposers", "co_departments"]
    raw_id_fields = ["problems", "lead_deputy"]
    list_select_related = ["lead_deputy", "lead_department"]


# 工作日调整 (节假日与调休): registered by liaison/admin.py; the office's changes go
# through the deadline services here, which recompute the open estimated deadlines
# of that year and audit each one (liaison cannot import this app, so the
# registration is taken over here rather than hidden in a signal).
from liaison.admin import WorkdayOverrideAdmin as BaseWorkdayOverrideAdmin  # noqa: E402
from liaison.models import WorkdayOverride  # noqa: E402

from .services import workday_override_delete, workday_override_save  # noqa: E402

admin.site.unregister(WorkdayOverride)


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(BaseWorkdayOverrideAdmin):
    def save_model(self, request, obj, form, change):
        self._tell(request, workday_override_save(override=obj, acting_user=request.user))

    def delete_model(self, request, obj):
        self._tell(request, workday_override_delete(override=obj, acting_user=request.user))

    def delete_queryset(self, request, queryset):
        moved = 0
        for override in queryset.order_by("day"):
            moved += workday_override_delete(override=override, acting_user=request.user)
        self._tell(request, moved)

    def _tell(self, request, moved: int) -> None:
        if moved:
            messages.info(request, f"已按新的节假日安排重新计算 {moved} 个估算的答复期限。")
# casework-roles: the department's extension requests and the office's 回访 (corrected here if ever needed).
@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(SimpleHistoryAdmin):
    list_display = ["forwarding", "old_deadline", "requested_deadline", "status", "requested_on", "decided_on"]
    list_filter = ["status"]
    raw_id_fields = ["forwarding", "requested_by", "decided_by"]


@admin.register(Callback)
class CallbackAdmin(SimpleHistoryAdmin):
    list_display = ["problem", "round", "constituent", "result", "called_on", "sent_back"]
    list_filter = ["result", "sent_back"]
    raw_id_fields = ["problem", "constituent", "recorded_by"]
