"""Heavy PDFs rendered by a task and kept for their requester (imported by reports/models.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from liaison.storage import private_storage


class RenderedPdfQuerySet(models.QuerySet):
    def visible_to(self, user) -> models.QuerySet:
        """Only the requester: the document was drawn with their view of the data."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(requested_by=user)


class RenderedPdf(models.Model):
    class Kind(models.TextChoices):
        DISTRICT_SUMMARY = "district_summary", "全区季度汇总"
        ANNUAL_CONTACT = "annual_contact", "年度联系选民情况统计"
        GROUP_SUMMARY = "group_summary", "代表组季度问题清单"

    class State(models.TextChoices):
        QUEUED = "queued", "排队等待"
        RENDERING = "rendering", "正在生成"
        DONE = "done", "已生成"
        FAILED = "failed", "生成失败"

    kind = models.CharField("文件类别", max_length=32, choices=Kind.choices)
    params = models.JSONField("参数", default=dict, blank=True)
    title = models.CharField("文件名", max_length=200)
    fallback_name = models.CharField("英文文件名", max_length=100)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="申请人"
    )
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    file = models.FileField("文件", storage=private_storage, upload_to="rendered_pdfs/%Y/%m/", blank=True)
    error = models.CharField("错误", max_length=300, blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    objects = RenderedPdfQuerySet.as_manager()

    class Meta:
        verbose_name = "生成的打印文件"
        verbose_name_plural = "生成的打印文件"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["requested_by", "kind", "state"], name="rendered_pdf_requester")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reports:rendered_pdf", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
