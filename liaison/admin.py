from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .admin_personal import PersonalDataAdminMixin
from .models import AccessLog, LoginLockout, Notification, User, WorkdayOverride


@admin.register(User)
class UserAdmin(PersonalDataAdminMixin, SimpleHistoryAdmin, BaseUserAdmin):  # masked phones: sec-data
    list_display = ["username", "get_full_name", "role", "email", "is_active", "last_login"]
    list_filter = ["role", "is_active", "is_superuser"]
    search_fields = ["username", "last_name", "first_name", "email", "phone"]
    fieldsets = BaseUserAdmin.fieldsets + (("角色", {"fields": ("role", "phone")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (("角色", {"fields": ("role", "last_name", "first_name", "email")}),)

    @admin.display(description="姓名")
    def get_full_name(self, obj):
        return obj.get_full_name()


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "created_at", "read_at"]
    list_filter = ["read_at"]
    search_fields = ["title", "recipient__username", "dedupe_key"]
    autocomplete_fields = ["recipient"]
    date_hierarchy = "created_at"


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "action", "object_repr", "ip_address"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "user__username"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(SimpleHistoryAdmin):
    list_display = ["day", "kind", "name"]
    list_filter = ["kind"]
    search_fields = ["name"]
    date_hierarchy = "day"


@admin.register(LoginLockout)
class LoginLockoutAdmin(admin.ModelAdmin):
    list_display = ["username", "ip_address", "failures_since_start", "attempt_time"]
    search_fields = ["username", "ip_address"]
    readonly_fields = ["username", "ip_address", "user_agent", "failures_since_start", "attempt_time"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
