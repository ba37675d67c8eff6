from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from liaison.admin_personal import PersonalDataAdminMixin
from liaison.importing import RosterAdminMixin

from .models import (
    ActivityPhoto,
    Constituent,
    ContactActivity,
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
