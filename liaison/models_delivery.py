"""What must leave the building even when Redis or a provider is down: the task
outbox and text messages (短信). Imported by liaison/models.py.

Neither has django-simple-history: they are delivery machinery, written many
times per minute; what a person did is audited on the rows that caused them.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class OutboxMessage(models.Model):
    """A Celery task to send, written in the same transaction as the work that wants it.

    The relay publishes rows whose turn has come and marks them published; a row
    is claimed by moving `claimed_until` forward first, so two relays never publish
    the same row, and a relay that dies mid-way leaves the row to the next one
    after the lease.
    """

    task = models.CharField("任务", max_length=200)
    args = models.JSONField("位置参数", default=list, blank=True)
    kwargs = models.JSONField("关键字参数", default=dict, blank=True)
    # Only one unpublished row per key: "send the pending e-mails" need not be queued twice.
    dedupe_key = models.CharField("去重键", max_length=200, blank=True, null=True)
    created_at = models.DateTimeField("写入时间", auto_now_add=True)
    claimed_until = models.DateTimeField("占用至", null=True, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    attempts = models.PositiveIntegerField("尝试次数", default=0)
    last_error = models.CharField("最近错误", max_length=500, blank=True)

    class Meta:
        verbose_name = "待发送任务"
        verbose_name_plural = "待发送任务（发件箱）"
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"], condition=Q(published_at__isnull=True), name="outbox_pending_once_per_key"
            ),
        ]
        indexes = [
            models.Index(fields=["claimed_until"], condition=Q(published_at__isnull=True), name="outbox_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.task} #{self.pk}"


class TextMessage(models.Model):
    """One SMS to one phone. Sent at least once by `liaison.sms.send_pending`, marked sent only
    after the provider accepted it; the key makes the same text to the same phone exist once."""

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENT = "sent", "已发送"
        CAPPED = "capped", "超过每日条数上限，未发送"
        FAILED = "failed", "多次失败，已放弃"

    phone = models.CharField("手机号", max_length=20)
    text = models.CharField("内容", max_length=70)
    dedupe_key = models.CharField("去重键", max_length=200)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField("写入时间", auto_now_add=True)
    claimed_until = models.DateTimeField("占用或下次重试时间", null=True, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    attempts = models.PositiveIntegerField("尝试次数", default=0)
    provider_id = models.CharField("服务商回执编号", max_length=100, blank=True)
    last_error = models.CharField("最近错误", max_length=500, blank=True)

    class Meta:
        verbose_name = "短信"
        verbose_name_plural = "短信"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["phone", "dedupe_key"], name="text_message_once_per_key"),
        ]
        indexes = [
            models.Index(fields=["claimed_until"], condition=Q(status="pending"), name="text_message_pending"),
            models.Index(fields=["phone", "sent_at"], name="text_message_daily_cap"),
        ]

    def __str__(self) -> str:
        return f"{self.phone[:3]}****{self.phone[-4:]} {self.text}"
