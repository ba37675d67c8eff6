from axes.utils import reset as axes_reset
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from .admin_personal import PersonalDataAdminMixin
from .audit import audited, record_event
from .models import AccessLog, LoginLockout, Notification, Role, User, WorkdayOverride
from .roles import ADMINISTRATOR_ROLES, holds


@admin.register(User)
class UserAdmin(PersonalDataAdminMixin, SimpleHistoryAdmin, BaseUserAdmin):  # masked phones: sec-data
    """Accounts under 三员分立 (the table is liaison/roles.py ACCOUNT_POWERS).

    The system administrator creates accounts and edits contact details; the
    security administrator sets roles and activates or deactivates; only the
    command-line superuser sees is_staff / is_superuser, groups, permissions
    and another user's password. Nobody deletes an account.
    """

    list_display = ["username", "get_full_name", "role", "email", "is_active", "last_login"]
    list_filter = ["role", "is_active", "is_superuser"]
    search_fields = ["username", "last_name", "first_name", "email", "phone"]
    fieldsets = BaseUserAdmin.fieldsets + (("角色", {"fields": ("role", "phone", "must_change_password")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (("角色", {"fields": ("role", "last_name", "first_name", "email")}),)
    actions = ["deactivate_accounts"]

    CONTACT_FIELDS = ("username", "last_name", "first_name", "email", "phone")

    @admin.display(description="姓名")
    def get_full_name(self, obj):
        return obj.get_full_name()

    def get_fieldsets(self, request, obj=None):
        user = request.user
        if user.is_superuser:
            return super().get_fieldsets(request, obj)
        if obj is None:  # the system administrator's new account: always a plain 代表 at first
            return ((None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),
                    ("姓名与联系方式", {"fields": ("last_name", "first_name", "email", "phone")}))
        fieldsets = (
            ("姓名与联系方式", {"fields": self.CONTACT_FIELDS}),
            ("角色与状态", {"fields": ("role", "is_active", "must_change_password")}),
            ("重要日期", {"fields": ("last_login", "date_joined")}),
        )
        # Phones and e-mails masked as on every admin page (PersonalDataAdminMixin).
        return [(title, {**options, "fields": self._swap(options["fields"], request, obj)})
                for title, options in fieldsets]

    def get_readonly_fields(self, request, obj=None):
        user = request.user
        masked = set(super().get_readonly_fields(request, obj))  # the masked columns, read-only
        if user.is_superuser or obj is None:
            return tuple(sorted(masked))
        readonly = {"last_login", "date_joined", "must_change_password"} | masked
        if not holds(user, "account.edit_contact"):
            readonly |= set(self.CONTACT_FIELDS)
        if not holds(user, "account.set_role") or obj.pk == user.pk or obj.is_superuser:
            # Nobody changes their own role or status, nor the installation superuser's.
            readonly |= {"role", "is_active"}
        if obj.is_superuser:
            readonly |= set(self.CONTACT_FIELDS)
        return tuple(sorted(readonly))

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "usable_password" in getattr(form, "base_fields", {}) and not request.user.is_superuser:
            del form.base_fields["usable_password"]
        return form

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        if not holds(request.user, "account.activate"):
            actions.pop("deactivate_accounts", None)
        return actions

    def has_add_permission(self, request):
        return holds(request.user, "account.create")

    def has_delete_permission(self, request, obj=None):
        return False

    def user_change_password(self, request, id, form_url=""):
        if not holds(request.user, "account.set_password_of_another"):
            raise PermissionDenied("只有安装时在命令行建立的超级用户可以修改他人密码。")
        return super().user_change_password(request, id, form_url)

    def save_model(self, request, obj, form, change):
        acting = request.user
        if not change:
            if not acting.is_superuser:
                obj.role = Role.DEPUTY
                obj.is_staff = obj.is_superuser = False
            obj.must_change_password = True
        elif not acting.is_superuser:
            before = User.objects.get(pk=obj.pk)
            # Fields a non-superuser cannot see cannot change, whatever was posted.
            obj.is_staff, obj.is_superuser = before.is_staff, before.is_superuser
            if obj.role != before.role:
                if obj.role in (Role.STAFF, *ADMINISTRATOR_ROLES) and obj.role != Role.AUDIT_ADMIN:
                    obj.is_staff = True  # the admin's door follows the role the security admin set
                else:
                    obj.is_staff = False
        audited(obj, action="accounts.user.changed" if change else "accounts.user.created", user=acting)
        changed = set(form.changed_data) if change else set()
        super().save_model(request, obj, form, change)
        if not change:
            record_event(action="accounts.user.created", request=request, obj=obj)
            return
        if "role" in changed:
            record_event(action="accounts.user.role_changed", request=request, obj=obj,
                         detail=f"新角色：{obj.get_role_display()}")
        if "is_active" in changed:
            record_event(action="accounts.user.activated" if obj.is_active else "accounts.user.deactivated",
                         request=request, obj=obj)
        if changed - {"role", "is_active"}:
            record_event(action="accounts.user.changed", request=request, obj=obj,
                         detail="、".join(sorted(changed - {"role", "is_active"})))

    @admin.action(description="停用所选账号")
    def deactivate_accounts(self, request, queryset):
        count = 0
        for account in queryset.exclude(pk=request.user.pk).exclude(is_superuser=True).filter(is_active=True):
            account.is_active = False
            audited(account, action="accounts.user.deactivated", user=request.user)
            account.save(update_fields=["is_active"])
            record_event(action="accounts.user.deactivated", request=request, obj=account)
            count += 1
        self.message_user(request, f"已停用 {count} 个账号。")


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
    """The security administrator unlocks here; the evidence (AuditEvent) stays."""

    list_display = ["username", "ip_address", "failures_since_start", "attempt_time"]
    search_fields = ["username", "ip_address"]
    readonly_fields = ["username", "ip_address", "user_agent", "failures_since_start", "attempt_time"]
    fields = readonly_fields
    actions = ["unlock"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not holds(request.user, "account.unlock"):
            actions.pop("unlock", None)
        return actions

    @admin.action(description="解除所选账号的登录锁定")
    def unlock(self, request, queryset):
        if not holds(request.user, "account.unlock"):
            raise PermissionDenied
        usernames = sorted({row.username for row in queryset if row.username})
        for username in usernames:
            # axes' counter goes; every failed login stays in the audit log.
            axes_reset(username=username)
            record_event(action="auth.unlocked", request=request, detail=f"解除锁定的账号：{username}")
        self.message_user(request, f"已解除 {len(usernames)} 个账号的锁定。")
