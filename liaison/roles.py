"""三员分立: who may do what with accounts, the audit log and the system, in one table.

`User.has_perm` and the account admin read these tables; the README prints
ACCOUNT_POWERS as it is. Office staff keep the office's data (deputies,
constituents, mailboxes, reports, working-day overrides) and hold none of
the powers below. The superuser exists for installation: it is created with
`manage.py createsuperuser`, and it alone sets is_superuser / is_staff or
another user's password.
"""

from __future__ import annotations

from .models import Role

SUPERUSER = "superuser"

# power → the roles that hold it ("superuser" is the command-line superuser).
ACCOUNT_POWERS: dict[str, frozenset[str]] = {
    # A new account starts as 代表 (it sees nothing until linked to a deputy
    # record), with a temporary password to be changed at first login.
    "account.create": frozenset({Role.SYSTEM_ADMIN, SUPERUSER}),
    "account.edit_contact": frozenset({Role.SYSTEM_ADMIN, SUPERUSER}),
    "account.set_role": frozenset({Role.SECURITY_ADMIN, SUPERUSER}),
    "account.activate": frozenset({Role.SECURITY_ADMIN, SUPERUSER}),
    "account.unlock": frozenset({Role.SECURITY_ADMIN, SUPERUSER}),
    # Deleting someone's authenticator (a lost phone) makes them enrol again at next login.
    "account.reset_second_factor": frozenset({Role.SECURITY_ADMIN, SUPERUSER}),
    "account.set_staff_or_superuser": frozenset({SUPERUSER}),
    "account.set_password_of_another": frozenset({SUPERUSER}),
    "account.delete": frozenset(),  # nobody: accounts are deactivated instead
    "audit.read_export": frozenset({Role.AUDIT_ADMIN}),
    "system.schedule_and_settings": frozenset({Role.SYSTEM_ADMIN, SUPERUSER}),
}

POWER_LABELS = {
    "account.create": "新建账号（角色为“代表”，临时密码，首次登录须修改）",
    "account.edit_contact": "修改姓名、电子邮箱、联系电话",
    "account.set_role": "设定角色（不能设为超级用户）",
    "account.activate": "启用或停用账号",
    "account.unlock": "解除登录锁定",
    "account.reset_second_factor": "重置动态口令（手机遗失时删除验证器，下次登录重新绑定）",
    "account.set_staff_or_superuser": "授予 is_staff / is_superuser",
    "account.set_password_of_another": "修改他人密码",
    "account.delete": "删除账号（任何人都不能，改为停用）",
    "audit.read_export": "查询、导出审计日志",
    "system.schedule_and_settings": "定时任务、系统参数",
}

ADMINISTRATOR_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})

# Models that belong to no office role: accounts and the audit trail.
ACCOUNT_MODELS = frozenset({"liaison.user"})
AUDIT_MODELS = frozenset({"liaison.accesslog", "liaison.auditevent", "liaison.loginlockout", "admin.logentry"})
# Settings and the schedule: the system administrator's.
SYSTEM_APPS = frozenset({"django_celery_beat"})
SYSTEM_MODELS = frozenset({"reports.dutyreportsettings", "reports.evaluationcriteria", "liaison.workdayoverride"})
# Office staff run the registry: every model of the project's apps except the above.
OFFICE_APPS = frozenset({"liaison", "deputies", "constituents", "mailbox", "reports"})


def holds(user, power: str) -> bool:
    """Whether `user` holds `power` of ACCOUNT_POWERS."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    allowed = ACCOUNT_POWERS[power]
    if user.is_superuser:
        return SUPERUSER in allowed
    return user.role in allowed


def _split(perm: str) -> tuple[str, str, str]:
    """"liaison.change_user" → ("liaison", "change", "liaison.user")."""
    app_label, codename = perm.split(".", 1)
    verb, _, model = codename.partition("_")
    return app_label, verb, f"{app_label}.{model}"


def role_has_perm(user, perm: str) -> bool:
    """The admin permissions a role holds without per-user grants (superusers aside)."""
    if not (user.is_active and user.is_staff) or "." not in perm:
        return False
    app_label, verb, model = _split(perm)
    if user.role == Role.STAFF:
        if model in ACCOUNT_MODELS or model in AUDIT_MODELS:
            return False
        return app_label in OFFICE_APPS
    if user.role == Role.SYSTEM_ADMIN:
        if model in ACCOUNT_MODELS:
            return verb in ("view", "add", "change")
        return app_label in SYSTEM_APPS or model in SYSTEM_MODELS
    if user.role == Role.SECURITY_ADMIN:
        if model in ACCOUNT_MODELS:
            return verb in ("view", "change")
        if model == "otp_totp.totpdevice":
            return verb in ("view", "delete")
        return model == "liaison.loginlockout" and verb in ("view", "change")
    # The audit administrator reads the log on its own page, not in the admin.
    return False


def role_has_module_perms(user, app_label: str) -> bool:
    if not (user.is_active and user.is_staff):
        return False
    if user.role == Role.STAFF:
        return app_label in OFFICE_APPS
    if user.role == Role.SYSTEM_ADMIN:
        return app_label in SYSTEM_APPS or app_label in ("liaison", "reports")
    if user.role == Role.SECURITY_ADMIN:
        return app_label in ("liaison", "otp_totp")
    return False
