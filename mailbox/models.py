"""代表信箱: mailboxes, their weekly openings (a chain of custody), letters and
quarterly summaries (source part 三)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.urls import reverse

from constituents.models import Problem, ProblemCategory, mask_name
from deputies.models import Community, Constituency, Deputy
from liaison.history import HistoricalRecords
from liaison.links import reverse_pk
from liaison.models import ScopedQuerySet

from .weeks import Week


class MailboxQuerySet(ScopedQuerySet):
    group_path = "constituency__group"

    def for_deputy_user(self, user):
        # A deputy sees the boxes of the group they serve in, as they see its constituencies.
        return self.filter(constituency__group__deputies__user=user).distinct()

    def active(self):
        return self.filter(status=Mailbox.Status.ACTIVE)

    def with_week(self, week: Week):
        """Annotate `opened_in_week`: at least one opening in `week` (one EXISTS, no join)."""
        start, end = week.range()
        return self.annotate(
            opened_in_week=Exists(
                Opening.objects.filter(mailbox=OuterRef("pk"), opened_at__gte=start, opened_at__lt=end)
            )
        )

    def due_in(self, week: Week):
        """Active boxes that had to be opened in `week`: set up by its Monday."""
        return self.active().filter(set_up_on__lte=week.start)


class Mailbox(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "启用"
        RETIRED = "retired", "已撤除"

    class Keeping(models.TextChoices):
        DEPUTY = "deputy", "代表本人管理"
        ENTRUSTED = "entrusted", "委托联络员管理"

    constituency = models.ForeignKey(
        Constituency, on_delete=models.PROTECT, related_name="mailboxes", verbose_name="选区"
    )
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="mailboxes", verbose_name="所在社区/单位",
        null=True, blank=True,
    )
    name = models.CharField("信箱名称", max_length=80)
    location = models.CharField("设置地点", max_length=200)
    deputies = models.ManyToManyField(Deputy, related_name="mailboxes", verbose_name="服务代表", blank=True)
    keeping = models.CharField("管理方式", max_length=16, choices=Keeping.choices, default=Keeping.DEPUTY)
    keeper_deputy = models.ForeignKey(
        Deputy, on_delete=models.PROTECT, related_name="kept_mailboxes", verbose_name="保管代表",
        null=True, blank=True,
    )
    entrusted_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="entrusted_mailboxes",
        verbose_name="受托联络员", null=True, blank=True, limit_choices_to={"role": "liaison"},
    )
    entrusted_reason = models.CharField("委托原因", max_length=200, blank=True)
    entrusted_on = models.DateField("委托日期", null=True, blank=True)
    set_up_on = models.DateField("设立日期")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.ACTIVE)
    retired_on = models.DateField("撤除日期", null=True, blank=True)

    objects = MailboxQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[deputies])

    class Meta:
        verbose_name = "代表信箱"
        verbose_name_plural = "代表信箱"
        ordering = ["constituency__group__sort_order", "constituency__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["constituency", "name"], name="mailbox_name_per_constituency"),
            models.CheckConstraint(
                condition=(
                    models.Q(keeping="deputy", keeper_deputy__isnull=False, entrusted_to__isnull=True)
                    | models.Q(keeping="entrusted", entrusted_to__isnull=False, entrusted_on__isnull=False)
                    & ~models.Q(entrusted_reason="")
                ),
                name="mailbox_keeper_matches_keeping",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(status="active", retired_on__isnull=True)
                    | models.Q(status="retired", retired_on__isnull=False)
                ),
                name="mailbox_retired_on_matches_status",
            ),
        ]
        indexes = [models.Index(fields=["status", "set_up_on"], name="mailbox_status_setup")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("mailbox:mailbox_detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_entrusted(self) -> bool:
        return self.keeping == self.Keeping.ENTRUSTED

    @property
    def keeper_name(self) -> str:
        if self.is_entrusted:
            return f"{self.entrusted_to}（受托联络员）" if self.entrusted_to_id else "—"
        return str(self.keeper_deputy) if self.keeper_deputy_id else "—"

    @property
    def keeper_user_id(self) -> int | None:
        """The account the keeper signs in with (a deputy may have none)."""
        if self.is_entrusted:
            return self.entrusted_to_id
        return self.keeper_deputy.user_id if self.keeper_deputy_id else None


class OpeningQuerySet(ScopedQuerySet):
    group_path = "mailbox__constituency__group"

    def for_deputy_user(self, user):
        return self.filter(mailbox__constituency__group__deputies__user=user).distinct()

    def in_week(self, week: Week):
        start, end = week.range()
        return self.filter(opened_at__gte=start, opened_at__lt=end)


class Opening(models.Model):
    """开启记录: one opening of one box, with who opened it, who watched and what was inside."""

    mailbox = models.ForeignKey(Mailbox, on_delete=models.PROTECT, related_name="openings", verbose_name="信箱")
    opened_at = models.DateTimeField("开启时间")
    opened_by = models.CharField("开启人", max_length=40)
    witness = models.CharField("见证人", max_length=40, blank=True)
    letter_count = models.PositiveSmallIntegerField("来信数量", default=0)
    note = models.CharField("备注", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="登记人"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = OpeningQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "开启记录"
        verbose_name_plural = "开启记录"
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["mailbox", "opened_at"], name="opening_once_per_moment"),
        ]

    def __str__(self) -> str:
        return f"{self.mailbox} {self.opened_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("mailbox:opening_detail", args=[self.pk])

    @property
    def week(self) -> Week:
        return Week.of(self.opened_at)


class LetterQuerySet(ScopedQuerySet):
    """A letter is a problem: it is seen by whoever sees its problem."""

    group_path = "problem__group"
    deputy_path = "problem__deputy"

    def for_deputy_user(self, user):
        return self.filter(problem__deputy__user=user)

    def undelivered(self):
        return self.filter(delivered_at__isnull=True)

    def unreplied(self):
        return self.filter(delivered_at__isnull=False, replied_at__isnull=True)


class Letter(models.Model):
    """来信: the mailbox's part of a problem. The casework pipeline (departments,
    deadlines, follow-ups, result, feedback) lives on `problem`, not here."""

    class Channel(models.TextChoices):
        PAPER = "paper", "信箱来信"
        ONLINE = "online", "网上来信"

    problem = models.OneToOneField(
        Problem, on_delete=models.PROTECT, related_name="letter", verbose_name="群众诉求"
    )
    channel = models.CharField("渠道", max_length=16, choices=Channel.choices)
    opening = models.ForeignKey(
        Opening, on_delete=models.PROTECT, related_name="letters", verbose_name="开启记录", null=True, blank=True
    )
    mailbox = models.ForeignKey(
        Mailbox, on_delete=models.PROTECT, related_name="letters", verbose_name="信箱", null=True, blank=True
    )
    sender_name = models.CharField("来信人", max_length=40, blank=True)
    sender_contact = models.CharField("联系方式", max_length=60, blank=True)
    received_at = models.DateTimeField("收信时间")
    delivered_at = models.DateTimeField("送交代表时间", null=True, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="送交人",
        null=True, blank=True,
    )
    replied_at = models.DateTimeField("代表回复时间", null=True, blank=True)
    reply = models.TextField("代表回复", blank=True, help_text="代表的处理意见，告知代表组")
    public_reply = models.TextField(
        "公开答复", blank=True, help_text="来信人凭查询码可以看到；不要写姓名、电话、住址等个人信息"
    )
    # SHA-256 of the tracking code: the code itself is shown once to the sender and kept nowhere.
    tracking_digest = models.CharField("查询码摘要", max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = LetterQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["tracking_digest"])

    class Meta:
        verbose_name = "来信"
        verbose_name_plural = "来信"
        ordering = ["-received_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(channel="online") | models.Q(opening__isnull=False),
                name="letter_paper_has_opening",
            ),
            models.CheckConstraint(
                condition=models.Q(replied_at__isnull=True) | models.Q(delivered_at__isnull=False),
                name="letter_replied_after_delivery",
            ),
        ]
        indexes = [
            models.Index(fields=["delivered_at", "received_at"], name="letter_delivery"),
            models.Index(fields=["replied_at", "delivered_at"], name="letter_reply"),
            models.Index(fields=["received_at", "id"], name="letter_received"),  # the list's order (perf)
        ]

    def __str__(self) -> str:
        return f"来信{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse_pk("mailbox:letter_detail", self.pk)  # one resolver walk per list, not per row

    @property
    def stage(self) -> str:
        """Where the letter stands, in the liaison's words; after the reply the problem's state speaks."""
        return self.stage_of(delivered_at=self.delivered_at, replied_at=self.replied_at,
                             problem_state=self.problem.state)

    @staticmethod
    def stage_of(*, delivered_at, replied_at, problem_state: str) -> str:
        """The stage from the values alone, for lists that read rows with values()."""
        if delivered_at is None:
            return "待送交代表"
        if replied_at is None:
            return "待代表回复"
        if problem_state == Problem.State.REGISTERED:
            return "代表已回复，待转交"
        return Problem.display_state_of(problem_state, 1)  # past registration: the round does not show

    def public_stage(self) -> str:
        """Plain words for the public tracking page."""
        if self.delivered_at is None:
            return "已收到您的来信，正在送交代表"
        if self.replied_at is None:
            return "代表已收到您的来信，正在研究处理"
        if self.problem.state == Problem.State.REGISTERED:
            return "代表已回复，正在转交有关部门办理"
        return self.problem.public_state_label()

    @property
    def masked_sender(self) -> str:
        return mask_name(self.sender_name) if self.sender_name else "匿名"


class QuarterlySummaryQuerySet(ScopedQuerySet):
    group_path = "group"

    def for_deputy_user(self, user):
        return self.none()


class QuarterlySummary(models.Model):
    """季度汇总: a group's list (清单) of the quarter's problems. Submitted (报送) = frozen in `snapshot`."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已报送"

    group = models.ForeignKey(
        "deputies.DeputyGroup", on_delete=models.PROTECT, related_name="quarterly_summaries", verbose_name="代表组"
    )
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度", choices=[(1, "第一季度"), (2, "第二季度"), (3, "第三季度"),
                                                                (4, "第四季度")])
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    remarks = models.TextField("联络员说明", blank=True, help_text="本季度信件收取、处理情况的说明和建议")
    snapshot = models.JSONField("报送内容", default=dict, blank=True, editable=False)
    opened_at = models.DateTimeField("生成时间", auto_now_add=True)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="报送人",
        null=True, blank=True,
    )

    objects = QuarterlySummaryQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["snapshot"])

    class Meta:
        verbose_name = "季度汇总"
        verbose_name_plural = "季度汇总"
        ordering = ["-year", "-quarter", "group__sort_order"]
        # The roll-up counts a quarter's submitted summaries on every view (perf, issue 11).
        indexes = [models.Index(fields=["year", "quarter", "status"], name="summary_quarter_status")]
        constraints = [
            models.UniqueConstraint(fields=["group", "year", "quarter"], name="summary_once_per_group_quarter"),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(submitted_at__isnull=False),
                name="summary_submitted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.period.label}汇总"

    def get_absolute_url(self) -> str:
        return reverse("mailbox:summary_detail", args=[self.pk])

    @property
    def period(self):
        from .weeks import Quarter

        return Quarter(self.year, self.quarter)

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class SupervisedIssueQuerySet(ScopedQuerySet):
    group_path = "constituency__group"

    def for_deputy_user(self, user):
        return self.filter(constituency__group__deputies__user=user).distinct()


class SupervisedIssue(models.Model):
    """重点监督: a hot or difficult issue (a category in a place) the standing committee picked."""

    category = models.CharField("问题类别", max_length=24, choices=ProblemCategory.choices)
    constituency = models.ForeignKey(
        Constituency, on_delete=models.PROTECT, related_name="supervised_issues", verbose_name="选区"
    )
    title = models.CharField("议题", max_length=120)
    note = models.TextField("监督意见")
    problems = models.ManyToManyField(
        Problem, related_name="supervised_issues", verbose_name="相关诉求", blank=True
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="标记人"
    )
    marked_at = models.DateTimeField("标记时间", auto_now_add=True)
    is_open = models.BooleanField("监督中", default=True)

    objects = SupervisedIssueQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[problems])

    class Meta:
        verbose_name = "重点监督问题"
        verbose_name_plural = "重点监督问题"
        ordering = ["-marked_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "constituency"], condition=models.Q(is_open=True),
                name="one_open_issue_per_category_place",
            ),
        ]

    def __str__(self) -> str:
        return self.title
