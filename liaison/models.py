"""What every app shares: accounts and roles, row scoping, notifications, access log."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property

from .history import HistoricalRecords


class Role(models.TextChoices):
    STAFF = "staff", "联络工委工作人员"
    COMMITTEE = "committee", "常委会"
    LIAISON = "liaison", "代表组联络员"
    DEPUTY = "deputy", "代表"
    DEPARTMENT = "department", "承办单位"
    # 三员分立: three separate administrators; no account holds two, staff hold none.
    SYSTEM_ADMIN = "sysadmin", "系统管理员"
    SECURITY_ADMIN = "secadmin", "安全管理员"
    AUDIT_ADMIN = "auditadmin", "审计管理员"


class AccountDeletionRefused(models.ProtectedError):
    """Accounts are deactivated, never deleted: the audit trail points at them."""

    def __init__(self, user=None):
        super().__init__("账号不能删除，只能停用。", {user} if user is not None else set())


class User(AbstractUser):
    role = models.CharField("角色", max_length=16, choices=Role.choices, default=Role.DEPUTY)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    # Set when an administrator gives a temporary password; cleared by the owner's own change.
    must_change_password = models.BooleanField("首次登录须修改密码", default=False)

    objects = UserManager()
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        constraints = [
            # 三员分立: a separated administrator is never also the installation superuser.
            models.CheckConstraint(
                condition=~(models.Q(is_superuser=True) & models.Q(role__in=["sysadmin", "secadmin", "auditadmin"])),
                name="user_administrator_not_superuser",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        # Chinese names: family name first, no space.
        return f"{self.last_name}{self.first_name}".strip()

    def delete(self, *args, **kwargs):
        # The audit trail points at accounts: they are deactivated, never deleted.
        raise AccountDeletionRefused(self)

    # Each role's admin permissions come from the one table in liaison/roles.py:
    # office staff run the registry but hold nothing over accounts or the audit trail.
    def has_perm(self, perm, obj=None) -> bool:
        from .roles import role_has_perm

        if self.is_active and not self.is_superuser and role_has_perm(self, perm):
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label) -> bool:
        from .roles import role_has_module_perms

        if self.is_active and not self.is_superuser and role_has_module_perms(self, app_label):
            return True
        return super().has_module_perms(app_label)

    @property
    def display_name(self) -> str:
        return str(self)

    @property
    def is_office_staff(self) -> bool:
        return self.is_superuser or self.role == Role.STAFF

    @property
    def is_committee(self) -> bool:
        return self.role == Role.COMMITTEE and not self.is_superuser

    @property
    def is_liaison(self) -> bool:
        return self.role == Role.LIAISON and not self.is_superuser

    @property
    def is_deputy(self) -> bool:
        return self.role == Role.DEPUTY and not self.is_superuser

    @property
    def is_department(self) -> bool:
        return self.role == Role.DEPARTMENT and not self.is_superuser

    @property
    def is_administrator(self) -> bool:
        """One of the three separated administrators (they never see casework rows)."""
        return self.role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)

    @property
    def sees_district(self) -> bool:
        """Office staff and the standing committee read the whole district."""
        return self.is_superuser or self.role in (Role.STAFF, Role.COMMITTEE)

    @property
    def can_write(self) -> bool:
        """The standing committee reads; a deputy who left office reads their own past
        records; everyone else writes within their scope."""
        return self.is_active and not self.is_committee and not self.has_left_office

    @property
    def write_refusal(self) -> str:
        """Why this account may not write, in words for the person (empty when it may)."""
        if self.has_left_office:
            return "您已离任，不能再登记或修改任何内容；本人以前的记录仍可查看。"
        if self.is_committee:
            return "常委会账号只能查看，不能修改。"
        if not self.can_write:
            return "您的账号不能修改。"
        return ""

    @cached_property
    def current_deputy(self):
        """The deputy record of this account in the current term, if any."""
        return (
            self.deputy_records.select_related("term", "group", "constituency")
            .filter(term__is_current=True)
            .first()
        )

    @cached_property
    def has_left_office(self) -> bool:
        """A deputy's account from the day the deputy left office (辞职、罢免、调离、去世):
        no constituents, no unmasking, no writes; their own past records stay readable."""
        if self.role != Role.DEPUTY or self.is_superuser or self.pk is None:
            return False
        deputy = self.current_deputy
        return deputy is not None and deputy.left_on is not None and deputy.left_on <= timezone.localdate()


class ScopedQuerySet(models.QuerySet):
    """Row-level access in one place.

    Every model a person can see gets a QuerySet built on this one and says
    how its rows reach a deputy group (`group_path`) and a deputy
    (`deputy_path`). `visible_to(user)` is where a page starts.
    """

    group_path: str | None = "group"
    deputy_path: str | None = None

    def visible_to(self, user) -> models.QuerySet:
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.sees_district:
            return self.all()
        if user.role == Role.LIAISON and self.group_path:
            return self.filter(**{f"{self.group_path}__liaisons": user})
        if user.role == Role.DEPUTY:
            return self.for_deputy_user(user)
        if user.role == Role.DEPARTMENT:
            return self.for_department_user(user)
        return self.none()

    def for_deputy_user(self, user) -> models.QuerySet:
        if not self.deputy_path:
            return self.none()
        return self.filter(**{f"{self.deputy_path}__user": user}).distinct()

    def for_department_user(self, user) -> models.QuerySet:
        # 承办单位 see only what was forwarded to their own department; the querysets
        # of the casework pipeline say how (constituents/models.py).
        return self.none()


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
        verbose_name="接收人",
    )
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=500, blank=True)
    # What makes a reminder "the same one": e.g. "mailbox.unopened:12:2026-W47".
    dedupe_key = models.CharField("去重键", max_length=200, blank=True, null=True)
    created_at = models.DateTimeField("发送时间", auto_now_add=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    emailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)
    # Delivery (reliability): a sender claims the e-mail until this time, or a failed
    # one waits until then for its next try; emailed_at is set only once the backend accepted it.
    email_claimed_until = models.DateTimeField("邮件占用或下次重试时间", null=True, blank=True)
    # Database defaults too: the daily digests insert notices with set-based SQL.
    email_attempts = models.PositiveIntegerField("邮件尝试次数", default=0, db_default=0)
    email_error = models.CharField("邮件最近错误", max_length=500, blank=True, default="", db_default="")

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], name="notification_once_per_key"
            ),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title


class AccessLog(models.Model):
    """Who saw or changed constituents' personal data in full (SPEC §1)."""

    class Action(models.TextChoices):
        VIEWED = "viewed", "查看完整信息"
        EXPORTED = "exported", "导出"
        CHANGED = "changed", "修改"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="用户"
    )
    action = models.CharField("操作", max_length=16, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name="对象类型")
    object_id = models.CharField("对象编号", max_length=40)
    object_repr = models.CharField("对象", max_length=200)
    ip_address = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "个人信息访问记录"
        verbose_name_plural = "个人信息访问记录"
        ordering = ["-at"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="accesslog_object")]

    def __str__(self) -> str:
        return f"{self.user} {self.get_action_display()} {self.object_repr}"


class ReferenceQuerySet(models.QuerySet):
    """Reference data (terms, offices, departments): every signed-in user may read it."""

    def visible_to(self, user) -> models.QuerySet:
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.all()


class WorkdayOverride(models.Model):
    """A day the office declares a holiday or a make-up working day.

    chinese-calendar knows the State Council's holiday notices only up to the
    year it was released; for later years (and for any correction) staff enter
    the days here, and these rows win over the package.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "放假（不上班）"
        WORKDAY = "workday", "调休上班"

    day = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    name = models.CharField("节日/说明", max_length=40, blank=True, help_text="如：春节、国庆节调休")

    objects = ReferenceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "节假日与调休"
        verbose_name_plural = "节假日与调休"
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.get_kind_display()}"

    @property
    def is_working(self) -> bool:
        return self.kind == self.Kind.WORKDAY


class LoginLockout(AccessAttempt):
    """django-axes' running count of failed logins, named for the office.

    It is a counter, not evidence: axes itself drops it when the cool-off ends.
    The evidence is append-only: every failed login, lockout and unlock is an
    AuditEvent (and a row of axes' AccessFailureLog). The security
    administrator unlocks with an admin action that records who did it.
    """

    class Meta:
        proxy = True
        verbose_name = "登录锁定"
        verbose_name_plural = "登录锁定"


class AuditEvent(models.Model):
    """The security log (等保 2.0): logins, failed logins, lockouts, denied
    requests, account and role changes, audit exports. Append-only: PostgreSQL
    triggers refuse UPDATE and DELETE (liaison/append_only.py)."""

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="用户",
    )
    # As typed at the login form: failed logins often name no real account.
    username = models.CharField("用户名", max_length=150, blank=True)
    ip_address = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    action = models.CharField("操作", max_length=64, db_index=True)
    succeeded = models.BooleanField("成功", default=True)
    object_type = models.CharField("对象类型", max_length=100, blank=True)
    object_id = models.CharField("对象编号", max_length=40, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    path = models.CharField("请求地址", max_length=300, blank=True)
    detail = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["username", "at"], name="auditevent_username")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action}"


class FigureSnapshot(models.Model):
    """District-wide figures computed by a beat job (liaison.figures), so that the pages
    the office and the committee open all day read one row instead of counting millions."""

    key = models.CharField("统计项", max_length=80, unique=True)
    data = models.JSONField("数据", default=dict)
    computed_at = models.DateTimeField("统计时间")

    class Meta:
        verbose_name = "全区统计快照"
        verbose_name_plural = "全区统计快照"

    def __str__(self) -> str:
        return self.key


# Reliability: the task outbox and text messages live in their own module.
from .models_delivery import OutboxMessage, TextMessage  # noqa: E402, F401

# Large Excel exports made by a task (issue 12 §2).
from .models_exports import ExportJob  # noqa: E402, F401

# Roster imports run by a task.
from .models_imports import RosterImport  # noqa: E402, F401
