"""What a department and the office add to a forwarding or a problem: the
department's extension requests (申请延期) and reply attachments, and the office's
own 回访 of each constituent after a result.

Imported at the end of constituents/models.py, so these are models of the app."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models

from liaison.history import HistoricalRecords
from liaison.models import ScopedQuerySet
from liaison.storage import private_storage as liaison_private_storage

from .models import Constituent, Forwarding, Problem


def private_storage() -> FileSystemStorage:
    """Files outside MEDIA_ROOT: never served by a URL, only by a view that checks `visible_to`.
    (Named by migration 0006; the one private folder is liaison.storage's.)"""
    return liaison_private_storage()


def attachment_path(instance: ForwardingAttachment, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"forwardings/{instance.forwarding_id}/{uuid.uuid4().hex}.{suffix}"


class _ForwardingPartQuerySet(ScopedQuerySet):
    group_path = "forwarding__problem__group"
    deputy_path = "forwarding__problem__deputy"

    def for_deputy_user(self, user):
        return self.filter(forwarding__problem__deputy__user=user)

    def for_department_user(self, user):
        return self.filter(forwarding__department__users=user)


class ExtensionRequest(models.Model):
    """申请延期: the department asks, the office decides; the deadline moves only on approval."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已同意"
        REFUSED = "refused", "不同意"

    forwarding = models.ForeignKey(
        Forwarding, on_delete=models.CASCADE, related_name="extension_requests", verbose_name="转交办理"
    )
    reason = models.TextField("延期理由")
    old_deadline = models.DateField("原答复期限")
    requested_deadline = models.DateField("申请延至")
    requested_on = models.DateField("申请日期")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="申请登记人"
    )
    proxy_contact = models.CharField("代录：部门联系人", max_length=40, blank=True)
    status = models.CharField("审批结果", max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_on = models.DateField("审批日期", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="审批人",
    )
    decision_note = models.TextField("审批意见", blank=True)

    objects = _ForwardingPartQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "延期申请"
        verbose_name_plural = "延期申请"
        ordering = ["-requested_on", "-id"]
        constraints = [
            # One request waits at a time for a forwarding.
            models.UniqueConstraint(
                fields=["forwarding"], condition=models.Q(status="pending"), name="extension_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.forwarding.department}申请延至{self.requested_deadline:%Y-%m-%d}（{self.get_status_display()}）"


class ForwardingAttachment(models.Model):
    """A file a department attaches to its reply (PDF or image, checked by content)."""

    forwarding = models.ForeignKey(
        Forwarding, on_delete=models.CASCADE, related_name="attachments", verbose_name="转交办理"
    )
    file = models.FileField("附件", upload_to=attachment_path, storage=private_storage, max_length=200)
    original_name = models.CharField("原文件名", max_length=120)
    content_type = models.CharField("文件类型", max_length=40)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="上传人"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    objects = _ForwardingPartQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "答复附件"
        verbose_name_plural = "答复附件"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class CallbackResult(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASICALLY = "basically", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"
    UNREACHABLE = "unreachable", "未能联系"


class CallbackQuerySet(ScopedQuerySet):
    """回访 rows: the office's and the group's; a department never sees them (otherwise it is 被满意)."""

    group_path = "problem__group"
    deputy_path = "problem__deputy"

    def for_deputy_user(self, user):
        return self.filter(problem__deputy__user=user)


class Callback(models.Model):
    """回访: after a result the liaison or the office calls each constituent back."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="callbacks", verbose_name="群众诉求")
    round = models.PositiveSmallIntegerField("办理轮次")
    constituent = models.ForeignKey(
        Constituent, on_delete=models.PROTECT, null=True, blank=True, related_name="callbacks",
        verbose_name="回访对象", help_text="为空表示匿名来信或未登记姓名的反映人",
    )
    result = models.CharField("回访结果", max_length=16, choices=CallbackResult.choices)
    called_on = models.DateField("回访日期")
    note = models.TextField("回访情况", blank=True)
    sent_back = models.BooleanField("已发回重办", default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="回访人"
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    objects = CallbackQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "回访"
        verbose_name_plural = "回访"
        ordering = ["called_on", "id"]
        indexes = [models.Index(fields=["problem", "round"], name="callback_problem_round")]

    def __str__(self) -> str:
        return f"{self.problem_id}第{self.round}轮回访：{self.get_result_display()}"

    @property
    def reached(self) -> bool:
        return self.result != CallbackResult.UNREACHABLE
