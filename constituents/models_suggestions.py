"""Bills and suggestions (议案/建议): a deputy's proposal, the departments that answer it, and
the problems it takes up (a reply to a suggestion closes those problems' forwardings)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse

from deputies.models import Department, Deputy, DeputyGroup, Term
from liaison.history import HistoricalRecords
from liaison.models import ScopedQuerySet

from .models import Problem, ProblemCategory, ResultClass

# ---------------------------------------------------------------------------
# Bills and suggestions (议案/建议)
# ---------------------------------------------------------------------------


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASICALLY = "basically", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"


class SuggestionQuerySet(ScopedQuerySet):
    group_path = "group"
    deputy_path = "proposers"


class Suggestion(models.Model):
    class Kind(models.TextChoices):
        BILL = "bill", "议案"
        SUGGESTION = "suggestion", "建议"

    class State(models.TextChoices):
        DRAFT = "draft", "起草中"
        SUBMITTED = "submitted", "已提交"
        ASSIGNED = "assigned", "已交办"
        REPLIED = "replied", "已答复"
        CLOSED = "closed", "已办结"

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="suggestions", verbose_name="届次")
    group = models.ForeignKey(
        DeputyGroup, on_delete=models.PROTECT, related_name="suggestions", verbose_name="代表组",
        help_text="领衔代表所在代表组",
    )
    kind = models.CharField("类型", max_length=16, choices=Kind.choices, default=Kind.SUGGESTION)
    title = models.CharField("标题（案由）", max_length=200)
    content = models.TextField("内容（理由和办法）")
    research_notes = models.TextField("调研论证情况", blank=True)
    category = models.CharField("问题类别", max_length=24, choices=ProblemCategory.choices)
    lead_deputy = models.ForeignKey(
        Deputy, on_delete=models.PROTECT, related_name="led_suggestions", verbose_name="领衔代表"
    )
    proposers = models.ManyToManyField(Deputy, related_name="suggestions", verbose_name="提出代表（含领衔）")
    problems = models.ManyToManyField(Problem, blank=True, related_name="suggestions", verbose_name="相关群众诉求")
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.DRAFT)
    submitted_on = models.DateField("提交日期", null=True, blank=True)
    assigned_on = models.DateField("交办日期", null=True, blank=True)
    lead_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="led_suggestions",
        verbose_name="主办部门",
    )
    # 并案: several identical items handled together; the lead item's reply answers each of them.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged",
        verbose_name="并案办理的主件",
    )
    co_departments = models.ManyToManyField(
        Department, blank=True, related_name="co_handled_suggestions", verbose_name="协办部门"
    )
    reply_due = models.DateField("答复期限", null=True, blank=True)
    co_view_due = models.DateField("协办意见期限", null=True, blank=True)
    replied_on = models.DateField("答复日期", null=True, blank=True)
    reply_text = models.TextField("答复内容", blank=True)
    result_class = models.CharField("答复类别", max_length=1, choices=ResultClass.choices, blank=True)
    satisfaction = models.CharField("代表满意度", max_length=16, choices=Satisfaction.choices, blank=True)
    satisfaction_note = models.TextField("代表意见", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="起草人"
    )
    created_at = models.DateTimeField("起草时间", auto_now_add=True)

    objects = SuggestionQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[proposers, problems, co_departments])

    class Meta:
        verbose_name = "议案/建议"
        verbose_name_plural = "议案/建议"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "reply_due"], name="suggestion_state_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.title}"

    def get_absolute_url(self) -> str:
        return reverse("constituents:suggestion_detail", args=[self.pk])

    def is_reply_overdue(self, today: dt.date) -> bool:
        return self.state == self.State.ASSIGNED and self.reply_due is not None and self.reply_due < today
