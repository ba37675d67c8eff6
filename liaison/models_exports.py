"""Large Excel exports made by a task (issue 12 §2); imported by liaison/models.py.

An export over liaison.exports.MAX_ROWS rows becomes an ExportJob: the task rebuilds
the list from `kind` and `params` (the page's query string) with the requester's view
of the data, writes the workbook into private storage and notifies the requester.
The file is deleted after EXPORT_KEEP_DAYS (beat); the row stays as the record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from .history import HistoricalRecords
from .storage import private_storage


class ExportJobQuerySet(models.QuerySet):
    def visible_to(self, user) -> models.QuerySet:
        """Only the requester: the workbook holds their view of the data, unmasked where they may see it."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(requested_by=user)


class ExportJob(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "排队等待"
        RUNNING = "running", "正在生成"
        DONE = "done", "已生成"
        FAILED = "failed", "生成失败"
        EXPIRED = "expired", "已过期删除"

    kind = models.CharField("列表", max_length=40)
    title = models.CharField("文件名", max_length=200)
    params = models.CharField("筛选条件", max_length=2000, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="申请人"
    )
    ip_address = models.GenericIPAddressField("申请时的 IP 地址", null=True, blank=True)
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.QUEUED)
    total_rows = models.PositiveIntegerField("记录数", default=0)
    written_rows = models.PositiveIntegerField("已写入", default=0)
    file = models.FileField("文件", storage=private_storage, upload_to="exports/%Y/%m/", blank=True, max_length=200)
    error = models.CharField("错误", max_length=300, blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    expires_at = models.DateTimeField("文件删除时间", null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "导出文件"
        verbose_name_plural = "导出文件"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["requested_by", "kind", "state"], name="export_job_requester"),
            models.Index(fields=["state", "expires_at"], name="export_job_expiry"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("export_job", args=[self.pk])

    @property
    def progress(self) -> int:
        if self.state == self.State.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(99, self.written_rows * 100 // self.total_rows)

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED, self.State.EXPIRED)
