from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    DutyMeeting,
    DutyReportSettings,
    EvaluationCriteria,
    PublishedReport,
    RectificationItem,
    RotationEntry,
    RotationPlan,
    WrittenReport,
)


@admin.register(DutyReportSettings)
class DutyReportSettingsAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "min_attendance", "written_deadline_month", "written_deadline_day"]

    def has_add_permission(self, request):
        return not DutyReportSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class RotationEntryInline(admin.TabularInline):
    model = RotationEntry
    extra = 0
    raw_id_fields = ["deputy"]


@admin.register(RotationPlan)
class RotationPlanAdmin(SimpleHistoryAdmin):
    list_display = ["group", "year", "status", "serving_count", "within_band", "lookahead_applied"]
    list_filter = ["year", "status"]
    list_select_related = ["group"]
    readonly_fields = ["seed", "ranking", "explanation"]
    inlines = [RotationEntryInline]


@admin.register(DutyMeeting)
class DutyMeetingAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "status", "held_on", "attendance"]
    list_filter = ["status", "entry__plan__year"]
    list_select_related = ["entry__deputy", "entry__plan"]
    raw_id_fields = ["entry"]


@admin.register(RectificationItem)
class RectificationItemAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "owner", "due_on", "status"]
    list_filter = ["status"]
    list_select_related = ["owner"]
    raw_id_fields = ["meeting", "owner"]


@admin.register(WrittenReport)
class WrittenReportAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "year", "status", "submitted_at"]
    list_filter = ["year", "status"]
    list_select_related = ["deputy"]
    raw_id_fields = ["plan", "deputy"]


@admin.register(PublishedReport)
class PublishedReportAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "kind", "year", "published_at", "withdrawn_at"]
    list_filter = ["kind", "year"]
    raw_id_fields = ["meeting", "written_report", "deputy"]


@admin.register(EvaluationCriteria)
class EvaluationCriteriaAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return not EvaluationCriteria.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
