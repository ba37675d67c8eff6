"""Roster imports run by a task (imported by liaison/models.py).

An office uploads a roster of thousands of rows: the check (a dry run) and then
the import run in a Celery task, the admin page shows their progress, the row
errors in Chinese, and the confirm button between the two steps. The uploaded
file is kept here only until the import is done or refused.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class RosterImportQuerySet(models.QuerySet):
    def visible_to(self, user) -> models.QuerySet:
        """Only the person who uploaded it: the page shows rows of their file."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(uploaded_by=user)


class RosterImport(models.Model):
    class State(models.TextChoices):
        CHECKING = "checking", "正在检查"
        CHECKED = "checked", "检查完成，等待确认"
        REFUSED = "refused", "文件有错误，没有导入"
        IMPORTING = "importing", "正在导入"
        DONE = "done", "导入完成"
        FAILED = "failed", "导入失败"

    roster = models.CharField("名册", max_length=64)  # the model's label, e.g. "deputies.deputy"
    file_title = models.CharField("文件", max_length=200)
    content = models.BinaryField("文件内容", blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="上传人"
    )
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.CHECKING)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    total_rows = models.PositiveIntegerField("行数", default=0)
    totals = models.JSONField("统计", default=dict, blank=True)  # new / update / skip
    errors = models.JSONField("错误说明", default=list, blank=True)  # Chinese, by Excel row and column
    ignored_columns = models.JSONField("未导入的列", default=list, blank=True)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    objects = RosterImportQuerySet.as_manager()

    class Meta:
        verbose_name = "名册导入"
        verbose_name_plural = "名册导入"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.file_title

    @property
    def is_working(self) -> bool:
        return self.state in (self.State.CHECKING, self.State.IMPORTING)
