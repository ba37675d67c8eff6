"""Duty reports (述职): the yearly rotation plan, the face-to-face meeting with the
voters' evaluation and rectification, written reports, and publication."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from deputies.models import Deputy, DeputyGroup, Term
from liaison.history import HistoricalRecords
from liaison.models import ScopedQuerySet

# The five parts of a duty report, in the source document's own words (part 二).
REPORT_PARTS: list[tuple[str, str, str]] = [
    ("part_session", "一、出席人民代表大会会议情况",
     "出席人民代表大会会议，依法行使审议权、表决权、选举权、议案建议权情况"),
    ("part_recess", "二、闭会期间活动情况",
     "闭会期间参加区人大常委会、代表小组活动，开展视察、调研、执法检查等活动的情况"),
    ("part_constituency", "三、联系原选区选民情况",
     "联系原选区选民，听取、反映并督促解决群众意见，向本级人大提出议案或建议、批评和意见的情况"),
    ("part_law", "四、宣传、遵守宪法和法律情况",
     "在本职工作和社会活动中宣传、遵守宪法和法律，协助宪法和法律实施的情况"),
    ("part_good_deeds", "五、为选民做好事办实事情况", "为选民做好事办实事的情况"),
]
REPORT_PART_FIELDS = [name for name, _, _ in REPORT_PARTS]


class SingleRowSettings(models.Model):
    """Settings the office edits in the admin: one row, made with defaults on first use."""

    class Meta:
        abstract = True

    @classmethod
    def load(cls):
        found = cls.objects.order_by("pk").first()
        return found if found is not None else cls.objects.create()


class DutyReportSettings(SingleRowSettings):
    """What the office sets without a deploy (one row)."""

    min_attendance = models.PositiveSmallIntegerField(
        "述职会选民最少到会人数", default=30, help_text="到会选民少于此数时，述职记录上会给出提醒。"
    )
    written_deadline_month = models.PositiveSmallIntegerField(
        "书面报告截止月份", default=11, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    written_deadline_day = models.PositiveSmallIntegerField(
        "书面报告截止日", default=30, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    first_meeting_month = models.PositiveSmallIntegerField(
        "述职会最早安排月份", default=3, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    last_meeting_month = models.PositiveSmallIntegerField(
        "述职会最晚安排月份", default=11, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "述职工作设置"
        verbose_name_plural = "述职工作设置"

    def __str__(self) -> str:
        return "述职工作设置"


    def written_deadline(self, year: int) -> dt.date:
        month = self.written_deadline_month
        day = self.written_deadline_day
        while day > 28:
            try:
                return dt.date(year, month, day)
            except ValueError:
                day -= 1
        return dt.date(year, month, day)


class FivePartReport(models.Model):
    """The report text: five parts (SPEC §2, source part 二)."""

    part_session = models.TextField(REPORT_PARTS[0][1], blank=True, help_text=REPORT_PARTS[0][2])
    part_recess = models.TextField(REPORT_PARTS[1][1], blank=True, help_text=REPORT_PARTS[1][2])
    part_constituency = models.TextField(REPORT_PARTS[2][1], blank=True, help_text=REPORT_PARTS[2][2])
    part_law = models.TextField(REPORT_PARTS[3][1], blank=True, help_text=REPORT_PARTS[3][2])
    part_good_deeds = models.TextField(REPORT_PARTS[4][1], blank=True, help_text=REPORT_PARTS[4][2])

    class Meta:
        abstract = True

    @property
    def parts(self) -> list[tuple[str, str]]:
        return [(title, getattr(self, name)) for name, title, _ in REPORT_PARTS]

    @property
    def missing_parts(self) -> list[str]:
        return [title for name, title, _ in REPORT_PARTS if not getattr(self, name).strip()]


# --- The rotation plan (述职安排) ---------------------------------------------------------


class RotationPlanQuerySet(ScopedQuerySet):
    group_path = "group"

    def for_deputy_user(self, user):
        # Deputies see their own group's plan: it is announced to all of them.
        return self.filter(group__deputies__user=user).distinct()


class RotationPlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        CONFIRMED = "confirmed", "已落实"

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="rotation_plans", verbose_name="届次")
    group = models.ForeignKey(
        DeputyGroup, on_delete=models.PROTECT, related_name="rotation_plans", verbose_name="代表组"
    )
    year = models.PositiveSmallIntegerField("年度")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    seed = models.PositiveBigIntegerField("随机种子", help_text="同分代表的抽签种子；同样的输入和种子得到同样的安排。")
    serving_count = models.PositiveSmallIntegerField("在任代表数")
    base_count = models.PositiveSmallIntegerField("常规安排人数")
    within_band = models.BooleanField("在20%—30%之内", default=True)
    lookahead_applied = models.BooleanField("前瞻多安排", default=False)
    explanation = models.TextField("人数说明")
    # The planner's inputs and ranking as drafted, so anyone can recompute the draw.
    ranking = models.JSONField("排序依据", default=list)
    written_deadline = models.DateField("书面报告截止日期")
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="起草人",
    )
    drafted_at = models.DateTimeField("起草时间", auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="落实人",
    )
    confirmed_at = models.DateTimeField("落实时间", null=True, blank=True)

    objects = RotationPlanQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "述职安排"
        verbose_name_plural = "述职安排"
        ordering = ["-year", "group__sort_order", "group__name"]
        constraints = [
            models.UniqueConstraint(fields=["group", "year"], name="rotation_plan_once_per_group_year"),
        ]

    def __str__(self) -> str:
        return f"{self.group.name}{self.year}年述职安排"

    def get_absolute_url(self) -> str:
        return reverse("reports:plan_detail", args=[self.pk])

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED

    @property
    def term_year(self) -> int:
        return self.year - self.term.start_date.year + 1


class RotationEntryQuerySet(ScopedQuerySet):
    group_path = "plan__group"

    def for_deputy_user(self, user):
        return self.filter(plan__group__deputies__user=user).distinct()


class RotationEntry(models.Model):
    """One deputy picked to report face to face: who, when, where, what."""

    plan = models.ForeignKey(RotationPlan, on_delete=models.CASCADE, related_name="entries", verbose_name="述职安排")
    deputy = models.ForeignKey(Deputy, on_delete=models.PROTECT, related_name="rotation_entries", verbose_name="述职代表")
    planned_month = models.PositiveSmallIntegerField(
        "计划月份", validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    place = models.CharField("述职地点", max_length=120, blank=True)
    topic = models.CharField("述职重点内容", max_length=200, blank=True)
    rank = models.PositiveSmallIntegerField("排序名次", default=0)

    objects = RotationEntryQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "当面述职人员"
        verbose_name_plural = "当面述职人员"
        ordering = ["planned_month", "rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "deputy"], name="rotation_entry_deputy_once_per_plan"),
        ]

    def __str__(self) -> str:
        return f"{self.deputy.name}（{self.planned_month}月）"


class RotationSwapQuerySet(ScopedQuerySet):
    group_path = "plan__group"

    def for_deputy_user(self, user):
        return self.filter(plan__group__deputies__user=user).distinct()


class RotationSwap(models.Model):
    """A picked deputy replaced by another, with the reason (kept for the record)."""

    plan = models.ForeignKey(RotationPlan, on_delete=models.CASCADE, related_name="swaps", verbose_name="述职安排")
    entry = models.ForeignKey(RotationEntry, on_delete=models.CASCADE, related_name="swaps", verbose_name="安排")
    removed = models.ForeignKey(Deputy, on_delete=models.PROTECT, related_name="+", verbose_name="调出代表")
    added = models.ForeignKey(Deputy, on_delete=models.PROTECT, related_name="+", verbose_name="调入代表")
    reason = models.CharField("调换理由", max_length=300)
    swapped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="操作人"
    )
    swapped_at = models.DateTimeField("调换时间", auto_now_add=True)

    objects = RotationSwapQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "述职人员调换"
        verbose_name_plural = "述职人员调换"
        ordering = ["-swapped_at", "-id"]

    def __str__(self) -> str:
        return f"{self.removed.name} → {self.added.name}"


# --- The face-to-face meeting (当面述职) -------------------------------------------------------


class DutyMeetingQuerySet(ScopedQuerySet):
    group_path = "entry__plan__group"

    def for_deputy_user(self, user):
        # A face-to-face report is a public meeting whose evaluation the group
        # announces to all its deputies (source, part 二 四): colleagues read it.
        return self.filter(entry__plan__group__deputies__user=user).distinct()


class DutyMeeting(FivePartReport):
    class Status(models.TextChoices):
        PREPARING = "preparing", "准备中"
        HELD = "held", "已述职"
        EVALUATED = "evaluated", "已评议"

    entry = models.OneToOneField(RotationEntry, on_delete=models.PROTECT, related_name="meeting", verbose_name="述职安排")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PREPARING)
    held_on = models.DateField("述职日期", null=True, blank=True)
    place = models.CharField("述职地点", max_length=120, blank=True)
    attendance = models.PositiveIntegerField("到会选民人数", null=True, blank=True)
    video_url = models.URLField("视频短片链接", blank=True)
    ballots_satisfied = models.PositiveIntegerField("满意票", null=True, blank=True)
    ballots_basically_satisfied = models.PositiveIntegerField("基本满意票", null=True, blank=True)
    ballots_dissatisfied = models.PositiveIntegerField("不满意票", null=True, blank=True)
    ballots_invalid = models.PositiveIntegerField("弃权或无效票", null=True, blank=True)
    voter_comments = models.TextField("选民评议意见", blank=True)
    evaluated_at = models.DateTimeField("评议录入时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = DutyMeetingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "当面述职"
        verbose_name_plural = "当面述职"
        ordering = ["-entry__plan__year", "held_on", "id"]

    def __str__(self) -> str:
        return f"{self.entry.deputy.name}{self.entry.plan.year}年当面述职"

    def get_absolute_url(self) -> str:
        return reverse("reports:meeting_detail", args=[self.pk])

    @property
    def deputy(self) -> Deputy:
        return self.entry.deputy

    @property
    def is_held(self) -> bool:
        return self.status in (self.Status.HELD, self.Status.EVALUATED)

    @property
    def ballots_total(self) -> int | None:
        if self.ballots_satisfied is None:
            return None
        return (
            self.ballots_satisfied + (self.ballots_basically_satisfied or 0)
            + (self.ballots_dissatisfied or 0) + (self.ballots_invalid or 0)
        )

    @property
    def approval_share(self) -> str:
        """满意 + 基本满意 among valid ballots, e.g. "92.5%"."""
        if self.ballots_satisfied is None:
            return ""
        valid = self.ballots_satisfied + (self.ballots_basically_satisfied or 0) + (self.ballots_dissatisfied or 0)
        if not valid:
            return "—"
        share = round((self.ballots_satisfied + (self.ballots_basically_satisfied or 0)) * 100 / valid, 1)
        return f"{share:g}%"

    def is_below_minimum(self, minimum: int) -> bool:
        return self.attendance is not None and self.attendance < minimum


class VoterQuestionQuerySet(ScopedQuerySet):
    group_path = "meeting__entry__plan__group"

    def for_deputy_user(self, user):
        return self.filter(meeting__entry__plan__group__deputies__user=user).distinct()


class VoterQuestion(models.Model):
    """A voter's question at the meeting and the deputy's answer (no names kept)."""

    meeting = models.ForeignKey(DutyMeeting, on_delete=models.CASCADE, related_name="questions", verbose_name="当面述职")
    question = models.TextField("选民提问")
    answer = models.TextField("代表回答", blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = VoterQuestionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "选民提问"
        verbose_name_plural = "选民提问"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.question[:30]


class RectificationItemQuerySet(ScopedQuerySet):
    group_path = "meeting__entry__plan__group"

    def for_deputy_user(self, user):
        # Items are read out at the group's activities (通报): the group's deputies see them.
        return self.filter(meeting__entry__plan__group__deputies__user=user).distinct()

    def open(self):
        return self.filter(status=RectificationItem.Status.OPEN)


class RectificationItem(models.Model):
    """整改: what the voters' evaluation asks to be put right, followed to its end."""

    class Status(models.TextChoices):
        OPEN = "open", "整改中"
        CLOSED = "closed", "已完成"

    meeting = models.ForeignKey(
        DutyMeeting, on_delete=models.PROTECT, related_name="rectifications", verbose_name="当面述职"
    )
    owner = models.ForeignKey(Deputy, on_delete=models.PROTECT, related_name="rectifications", verbose_name="责任代表")
    issue = models.TextField("整改事项")
    due_on = models.DateField("整改期限")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField("完成日期", null=True, blank=True)
    closing_note = models.TextField("整改结果", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="登记人"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = RectificationItemQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "整改事项"
        verbose_name_plural = "整改事项"
        ordering = ["status", "due_on", "id"]
        indexes = [models.Index(fields=["owner", "status"], name="rectification_owner_status")]

    def __str__(self) -> str:
        return self.issue[:40]

    def get_absolute_url(self) -> str:
        return reverse("reports:rectification_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def is_overdue(self, today: dt.date) -> bool:
        return self.is_open and self.due_on < today


class RectificationProgressQuerySet(ScopedQuerySet):
    group_path = "item__meeting__entry__plan__group"

    def for_deputy_user(self, user):
        return self.filter(item__meeting__entry__plan__group__deputies__user=user).distinct()


class RectificationProgress(models.Model):
    item = models.ForeignKey(
        RectificationItem, on_delete=models.CASCADE, related_name="progress_notes", verbose_name="整改事项"
    )
    note = models.TextField("进展情况")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="填写人"
    )
    noted_at = models.DateTimeField("填写时间", auto_now_add=True)

    objects = RectificationProgressQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "整改进展"
        verbose_name_plural = "整改进展"
        ordering = ["noted_at", "id"]

    def __str__(self) -> str:
        return self.note[:40]


# --- Written reports (书面履职情况报告) --------------------------------------------------------


class WrittenReportQuerySet(ScopedQuerySet):
    group_path = "plan__group"
    deputy_path = "deputy"


class WrittenReport(FivePartReport):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已提交待审查"
        RETURNED = "returned", "退回修改"
        ACCEPTED = "accepted", "审查通过"
        FILED = "filed", "已备案"

    plan = models.ForeignKey(
        RotationPlan, on_delete=models.PROTECT, related_name="written_reports", verbose_name="述职安排"
    )
    deputy = models.ForeignKey(Deputy, on_delete=models.PROTECT, related_name="written_reports", verbose_name="代表")
    year = models.PositiveSmallIntegerField("年度")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    review_comment = models.TextField("审查意见", blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="审查人",
    )
    reviewed_at = models.DateTimeField("审查时间", null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="备案人",
    )
    filed_at = models.DateTimeField("备案时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = WrittenReportQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "书面履职情况报告"
        verbose_name_plural = "书面履职情况报告"
        ordering = ["-year", "plan__group__sort_order", "deputy__name"]
        constraints = [
            models.UniqueConstraint(fields=["deputy", "year"], name="written_report_once_per_deputy_year"),
        ]

    def __str__(self) -> str:
        return f"{self.deputy.name}{self.year}年书面履职情况报告"

    def get_absolute_url(self) -> str:
        return reverse("reports:written_detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


# --- Publication (公开刊登) --------------------------------------------------------------------


class PublishedReportQuerySet(models.QuerySet):
    def public(self):
        return self.filter(withdrawn_at__isnull=True)


class PublishedReport(FivePartReport):
    """What the public page shows: a copy of the report as the office published it.

    A copy, so that later edits do not reach the public unseen; it holds no
    constituent's personal data (no questions, no names of voters).
    """

    class Kind(models.TextChoices):
        FACE_TO_FACE = "face_to_face", "当面述职报告"
        WRITTEN = "written", "书面履职情况报告"

    kind = models.CharField("类别", max_length=16, choices=Kind.choices)
    meeting = models.OneToOneField(
        DutyMeeting, on_delete=models.PROTECT, null=True, blank=True, related_name="publication",
        verbose_name="当面述职",
    )
    written_report = models.OneToOneField(
        WrittenReport, on_delete=models.PROTECT, null=True, blank=True, related_name="publication",
        verbose_name="书面报告",
    )
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="+", verbose_name="届次")
    year = models.PositiveSmallIntegerField("年度")
    group = models.ForeignKey(DeputyGroup, on_delete=models.PROTECT, related_name="+", verbose_name="代表组")
    deputy = models.ForeignKey(Deputy, on_delete=models.PROTECT, related_name="+", verbose_name="代表")
    deputy_name = models.CharField("代表姓名", max_length=40)
    deputy_work_unit = models.CharField("工作单位及职务", max_length=200, blank=True)
    constituency_name = models.CharField("选区", max_length=60, blank=True)
    held_on = models.DateField("述职日期", null=True, blank=True)
    attendance = models.PositiveIntegerField("到会选民人数", null=True, blank=True)
    ballots_satisfied = models.PositiveIntegerField("满意票", null=True, blank=True)
    ballots_basically_satisfied = models.PositiveIntegerField("基本满意票", null=True, blank=True)
    ballots_dissatisfied = models.PositiveIntegerField("不满意票", null=True, blank=True)
    ballots_invalid = models.PositiveIntegerField("弃权或无效票", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="刊登人"
    )
    published_at = models.DateTimeField("刊登时间", auto_now_add=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)

    objects = PublishedReportQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "公开刊登的述职报告"
        verbose_name_plural = "公开刊登的述职报告"
        ordering = ["-year", "-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="face_to_face", meeting__isnull=False, written_report__isnull=True)
                    | models.Q(kind="written", meeting__isnull=True, written_report__isnull=False)
                ),
                name="published_report_has_one_source",
            ),
        ]
        indexes = [models.Index(fields=["term", "year", "group"], name="published_report_browse")]

    def __str__(self) -> str:
        return f"{self.deputy_name}{self.year}年{self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("reports:public_detail", args=[self.pk])



class EvaluationCriteria(SingleRowSettings):
    """What contact work must show for 优秀代表 and 先进代表组 (source, part 四): the office sets it (one row)."""

    deputy_min_activities = models.PositiveSmallIntegerField("优秀代表：全年联系选民活动不少于（次）", default=4)
    deputy_min_problems = models.PositiveSmallIntegerField("优秀代表：反映群众诉求不少于（件）", default=3)
    deputy_min_livelihood = models.PositiveSmallIntegerField("优秀代表：推动解决民生问题不少于（个）", default=1)
    deputy_needs_report = models.BooleanField("优秀代表：当年已当面述职或书面报告已备案", default=True)
    group_min_compliance = models.PositiveSmallIntegerField(
        "先进代表组：达到每年两次活动的代表比例不低于（%）", default=90,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    group_needs_quarterlies = models.BooleanField("先进代表组：已结束季度的汇总全部报送", default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "评优条件"
        verbose_name_plural = "评优条件（优秀代表、先进代表组）"

    def __str__(self) -> str:
        return "评优条件"



# --- The standing committee's spot checks of group records (抽查) ------------------------------


class SpotCheckQuerySet(ScopedQuerySet):
    """The committee and the office see every check; a liaison sees their groups' (the findings are for them)."""

    group_path = "group"


class SpotCheck(models.Model):
    class Kind(models.TextChoices):
        ACTIVITY = "activity", "联系选民活动记录"
        OPENING = "opening", "信箱开启记录"
        PROBLEM = "problem", "群众诉求办理记录"

    class Conclusion(models.TextChoices):
        GOOD = "good", "记录规范"
        FAIR = "fair", "基本规范"
        POOR = "poor", "不规范，需整改"

    group = models.ForeignKey(DeputyGroup, on_delete=models.PROTECT, related_name="spot_checks", verbose_name="代表组")
    kind = models.CharField("抽查内容", max_length=16, choices=Kind.choices)
    period_start = models.DateField("记录起始日期")
    period_end = models.DateField("记录截止日期")
    sample_size = models.PositiveSmallIntegerField(
        "抽查份数", validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    population = models.PositiveIntegerField("期间记录总数")
    seed = models.PositiveBigIntegerField("随机种子")
    drawn_at = models.DateTimeField("抽取时间", auto_now_add=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="抽查人"
    )
    conclusion = models.CharField("抽查结论", max_length=8, choices=Conclusion.choices, blank=True)
    findings = models.TextField("发现的问题和意见", blank=True)
    concluded_at = models.DateTimeField("结论时间", null=True, blank=True)

    objects = SpotCheckQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "抽查"
        verbose_name_plural = "常委会抽查代表组记录"
        ordering = ["-drawn_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="spot_check_period_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group}{self.get_kind_display()}抽查（{self.drawn_at:%Y-%m-%d}）"

    def get_absolute_url(self) -> str:
        return reverse("reports:spot_check_detail", args=[self.pk])

    @property
    def is_concluded(self) -> bool:
        return bool(self.conclusion)


class SpotCheckItem(models.Model):
    spot_check = models.ForeignKey(SpotCheck, on_delete=models.CASCADE, related_name="items", verbose_name="抽查")
    record_id = models.PositiveBigIntegerField("记录编号")
    label = models.CharField("记录", max_length=200)
    url = models.CharField("链接", max_length=200)
    compliant = models.BooleanField("是否规范", null=True, blank=True)
    note = models.CharField("问题说明", max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "抽查记录"
        verbose_name_plural = "抽查记录"
        ordering = ["spot_check", "id"]
        constraints = [
            models.UniqueConstraint(fields=["spot_check", "record_id"], name="spot_check_item_once"),
        ]

    def __str__(self) -> str:
        return self.label


# Reliability: heavy PDFs rendered by a task (reports/rendering.py).
from .models_pdf import RenderedPdf  # noqa: E402, F401
