"""Constituents (选民), contact activities (联系选民活动), the casework pipeline
(群众诉求) and bills/suggestions (议案/建议)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse

from deputies.models import Community, Constituency, Department, Deputy, DeputyGroup, Term
from liaison.history import HistoricalRecords
from liaison.links import reverse_pk
from liaison.models import ScopedQuerySet
from liaison.personal_data import mask_address, mask_name, mask_phone  # noqa: F401 (re-exported)
from liaison.validators import validate_mainland_phone


class AskType(models.TextChoices):
    """The 三问 of the source document, part 一."""

    DIFFICULTY = "difficulty", "问难"
    NEEDS = "needs", "问需"
    ADVICE = "advice", "问计"


class ConstituentCategory(models.TextChoices):
    # 问难: vulnerable groups
    EXTREME_HARDSHIP = "extreme_hardship", "特困户"
    ZERO_EMPLOYMENT = "zero_employment", "零就业家庭"
    LOW_INCOME = "low_income", "低收入家庭"
    ELDERLY_SICK_DISABLED = "vulnerable", "孤寡病残弱"
    # 问需: ordinary voters
    ORDINARY = "ordinary", "一般选民"
    # 问计: leading figures, public figures, the well educated
    INDUSTRY_LEADER = "industry_leader", "各行各业领先人物"
    PUBLIC_FIGURE = "public_figure", "社会知名人士"
    WELL_EDUCATED = "well_educated", "文化程度较高的选民"


CATEGORY_ASK_TYPE: dict[str, str] = {
    ConstituentCategory.EXTREME_HARDSHIP: AskType.DIFFICULTY,
    ConstituentCategory.ZERO_EMPLOYMENT: AskType.DIFFICULTY,
    ConstituentCategory.LOW_INCOME: AskType.DIFFICULTY,
    ConstituentCategory.ELDERLY_SICK_DISABLED: AskType.DIFFICULTY,
    ConstituentCategory.ORDINARY: AskType.NEEDS,
    ConstituentCategory.INDUSTRY_LEADER: AskType.ADVICE,
    ConstituentCategory.PUBLIC_FIGURE: AskType.ADVICE,
    ConstituentCategory.WELL_EDUCATED: AskType.ADVICE,
}
VULNERABLE_CATEGORIES = frozenset(c for c, t in CATEGORY_ASK_TYPE.items() if t == AskType.DIFFICULTY)


class ConstituentQuerySet(ScopedQuerySet):
    group_path = "community__constituency__group"

    def for_deputy_user(self, user):
        # A deputy works with the constituents of the constituencies of their group;
        # from the day they leave office, with none (their own records keep the names masked).
        if user.has_left_office:
            return self.none()
        return self.filter(community__constituency__group__deputies__user=user).distinct()


class Constituent(models.Model):
    name = models.CharField("姓名", max_length=40)
    phone = models.CharField("联系电话", max_length=20, blank=True, validators=[validate_mainland_phone])
    address = models.CharField("住址", max_length=200, blank=True)
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="constituents", verbose_name="社区/单位"
    )
    category = models.CharField(
        "类别", max_length=24, choices=ConstituentCategory.choices, default=ConstituentCategory.ORDINARY
    )
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = ConstituentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "选民"
        verbose_name_plural = "选民"
        ordering = ["community", "name"]
        constraints = [
            # The roster's natural key: re-importing updates, never duplicates.
            models.UniqueConstraint(fields=["community", "name", "phone"], name="constituent_once_per_community"),
        ]
        indexes = [models.Index(fields=["category"], name="constituent_category")]

    def __str__(self) -> str:
        return self.masked_name

    def get_absolute_url(self) -> str:
        return reverse("constituents:constituent_detail", args=[self.pk])

    @property
    def ask_type(self) -> str:
        return CATEGORY_ASK_TYPE[self.category]

    @property
    def is_vulnerable(self) -> bool:
        return self.category in VULNERABLE_CATEGORIES

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_address(self) -> str:
        return mask_address(self.address)


def mismatch_warning(ask_type: str, categories) -> str:
    """The 三问 type and the constituents met should agree (问难 → vulnerable groups …).

    Returns a plain-Chinese warning when some constituents belong to another kind
    of 三问, or "" when they agree. A warning only: a visit is never refused for it.
    """
    others = sorted({c for c in categories if CATEGORY_ASK_TYPE.get(c) != ask_type})
    if not others:
        return ""
    labels = "、".join(ConstituentCategory(c).label for c in others)
    expected = {
        AskType.DIFFICULTY: "特困户、零就业家庭、低收入家庭、孤寡病残弱等社会弱势群体",
        AskType.NEEDS: "一般选民",
        AskType.ADVICE: "各行各业领先人物、社会知名人士、文化程度较高的选民",
    }[AskType(ask_type)]
    return (
        f"“{AskType(ask_type).label}”活动的主要对象是{expected}；"
        f"本次联系的选民中有{labels}，请确认“三问”类型是否选对。"
    )


# ---------------------------------------------------------------------------
# Contact activities (联系选民活动)
# ---------------------------------------------------------------------------


class ActivityForm(models.TextChoices):
    SPECIAL = "special", "专门活动"
    VISIT = "visit", "走访慰问"
    CONSULTATION = "consultation", "咨询服务"
    ON_SITE = "on_site", "现场办公解疑"
    SURVEY = "survey", "调研座谈"
    PUBLIC_WELFARE = "public_welfare", "公益活动"


class ActivityOrganizer(models.TextChoices):
    GROUP = "group", "代表组统一组织"
    PERSONAL = "personal", "代表个人"


class ContactActivityQuerySet(ScopedQuerySet):
    group_path = "group"
    deputy_path = "deputies"

    def in_year(self, year: int):
        return self.filter(held_on__year=year)


class ContactActivity(models.Model):
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="contact_activities", verbose_name="届次")
    group = models.ForeignKey(
        DeputyGroup, on_delete=models.PROTECT, related_name="contact_activities", verbose_name="代表组"
    )
    organizer = models.CharField("组织方式", max_length=16, choices=ActivityOrganizer.choices)
    held_on = models.DateField("活动日期")
    ask_type = models.CharField("“三问”类型", max_length=16, choices=AskType.choices)
    form = models.CharField("活动形式", max_length=16, choices=ActivityForm.choices)
    place = models.CharField("活动地点", max_length=120)
    constituency = models.ForeignKey(
        Constituency, on_delete=models.PROTECT, related_name="contact_activities", verbose_name="选区"
    )
    deputies = models.ManyToManyField(Deputy, related_name="contact_activities", verbose_name="参加代表")
    constituents = models.ManyToManyField(
        Constituent, blank=True, related_name="contact_activities", verbose_name="联系的选民"
    )
    crowd_count = models.PositiveIntegerField(
        "其他参加选民人数", default=0, help_text="未逐一登记姓名的选民人数（如座谈会、公益活动现场）"
    )
    summary = models.TextField("活动情况")
    mismatch_note = models.CharField("“三问”对象提示", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="登记人"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = ContactActivityQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[deputies, constituents])

    class Meta:
        verbose_name = "联系选民活动"
        verbose_name_plural = "联系选民活动"
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(fields=["group", "held_on"], name="activity_group_date"),
            models.Index(fields=["held_on"], name="activity_date"),
        ]

    def __str__(self) -> str:
        day = self.held_on
        return f"{day.year}年{day.month}月{day.day}日{self.get_form_display()}（{self.get_ask_type_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("constituents:activity_detail", args=[self.pk])


def activity_photo_path(instance: ActivityPhoto, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"activities/{dt.date.today():%Y/%m}/{instance.activity_id}-{dt.datetime.now():%H%M%S%f}.{suffix}"


class ActivityPhotoQuerySet(ScopedQuerySet):
    group_path = "activity__group"
    deputy_path = "activity__deputies"


class ActivityPhoto(models.Model):
    activity = models.ForeignKey(ContactActivity, on_delete=models.CASCADE, related_name="photos", verbose_name="活动")
    image = models.ImageField("照片", upload_to=activity_photo_path)
    caption = models.CharField("说明", max_length=100, blank=True)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    objects = ActivityPhotoQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "活动照片"
        verbose_name_plural = "活动照片"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.caption or f"照片{self.pk}"


# ---------------------------------------------------------------------------
# Casework (群众诉求)
# ---------------------------------------------------------------------------


class ProblemCategory(models.TextChoices):
    URBAN_CONSTRUCTION = "urban_construction", "城市建设"
    TRANSPORT = "transport", "交通出行"
    SANITATION = "sanitation", "环境卫生"
    EDUCATION = "education", "教育"
    HEALTH = "health", "医疗卫生"
    SOCIAL_SECURITY = "social_security", "社会保障"
    EMPLOYMENT = "employment", "就业创业"
    HOUSING = "housing", "住房物业"
    ELDERLY_CARE = "elderly_care", "养老服务"
    PUBLIC_SECURITY = "public_security", "治安"
    ECONOMY = "economy", "经济发展"
    OTHER = "other", "其他"


class FeedbackMethod(models.TextChoices):
    PHONE = "phone", "电话告知"
    IN_PERSON = "in_person", "当面告知"
    LETTER = "letter", "书面答复"
    SMS = "sms", "短信"
    ONLINE = "online", "网上答复"
    OTHER = "other", "其他方式"


class ResultClass(models.TextChoices):
    """How a department or a suggestion's handler classes its answer (SPEC §6)."""

    A = "A", "A类（已解决或采纳）"
    B = "B", "B类（正在解决或列入计划）"
    C = "C", "C类（因条件限制暂不能解决，已作说明）"
    D = "D", "D类（留作参考）"


class ProblemQuerySet(ScopedQuerySet):
    group_path = "group"
    deputy_path = "deputy"

    def for_deputy_user(self, user):
        # No join fan-out: a deputy sees the problems they are responsible for.
        return self.filter(deputy__user=user)

    def open(self):
        return self.exclude(state=Problem.State.FED_BACK)

    def awaiting_feedback(self):
        return self.filter(state__in=[Problem.State.RESOLVED, Problem.State.UNSOLVABLE])

    def with_overdue_forwardings(self, today: dt.date):
        """`overdue_condition` read from the stored earliest open deadline (Problem.open_deadline)."""
        return self.filter(open_deadline__lt=today)

    def for_department_user(self, user):
        return self.filter(forwardings__department__users=user).distinct()

    def livelihood_solved(self):
        """Livelihood problems solved, counting only results the departments recorded
        (on the platform, by 代录 or in a suggestion's reply): never one a deputy entered."""
        return self.filter(
            is_livelihood=True, outcome=Problem.Outcome.RESOLVED, result_source__in=Problem.COUNTED_RESULT_SOURCES,
            linked_to__isnull=True,  # a problem linked into a case is that one case, counted once
        )


class Problem(models.Model):
    class Source(models.TextChoices):
        VISIT = "visit", "走访收集"
        LETTER = "letter", "信箱来信"
        ONLINE = "online", "网上来信"

    class State(models.TextChoices):
        REGISTERED = "registered", "登记"
        FORWARDED = "forwarded", "已转交"
        HANDLING = "handling", "办理中"
        RESOLVED = "resolved", "已办结"
        UNSOLVABLE = "unsolvable", "暂不能解决"
        FED_BACK = "fed_back", "已反馈"

    # While departments hold the case: the states in which a deadline can run out.
    WITH_DEPARTMENTS = (State.FORWARDED, State.HANDLING)

    class Outcome(models.TextChoices):
        RESOLVED = "resolved", "已解决"
        UNSOLVABLE = "unsolvable", "暂不能解决"

    class ResultSource(models.TextChoices):
        """Who recorded the result: only a department's own result counts as solved (代表不直接处理问题)."""

        DEPARTMENT = "department", "承办单位在平台登记"
        PROXY = "proxy", "代录（部门未使用平台）"
        SUGGESTION = "suggestion", "议案/建议答复"

    source = models.CharField("来源", max_length=16, choices=Source.choices)
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.REGISTERED)
    text = models.TextField("反映内容")
    category = models.CharField("问题类别", max_length=24, choices=ProblemCategory.choices)
    is_livelihood = models.BooleanField("民生问题", default=False)
    group = models.ForeignKey(DeputyGroup, on_delete=models.PROTECT, related_name="problems", verbose_name="代表组")
    deputy = models.ForeignKey(
        Deputy, on_delete=models.PROTECT, null=True, blank=True, related_name="problems", verbose_name="责任代表"
    )
    constituency = models.ForeignKey(
        Constituency, on_delete=models.PROTECT, null=True, blank=True, related_name="problems", verbose_name="选区"
    )
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, null=True, blank=True, related_name="problems", verbose_name="社区/单位"
    )
    constituents = models.ManyToManyField(
        Constituent, blank=True, related_name="problems", verbose_name="反映人"
    )
    visit = models.ForeignKey(
        ContactActivity, on_delete=models.PROTECT, null=True, blank=True, related_name="problems",
        verbose_name="来源活动",
    )
    raised_on = models.DateField("反映日期")
    round = models.PositiveSmallIntegerField("办理轮次", default=1, help_text="重新办理一次加一")
    state_since = models.DateField("进入当前状态日期")
    outcome = models.CharField("办理结果", max_length=16, choices=Outcome.choices, blank=True)
    result_on = models.DateField("办结日期", null=True, blank=True)
    result_summary = models.TextField(
        "办理结果（可公开）", blank=True, help_text="告知反映人的办理结果，不含个人信息，可在公开查询页显示"
    )
    unsolvable_reason = models.TextField("暂不能解决的原因", blank=True)
    fed_back_on = models.DateField("反馈日期", null=True, blank=True)
    feedback_method = models.CharField("反馈方式", max_length=16, choices=FeedbackMethod.choices, blank=True)
    reopen_reason = models.TextField("重新办理的原因", blank=True)
    result_source = models.CharField("结果登记方式", max_length=16, choices=ResultSource.choices, blank=True)
    result_proxy_contact = models.CharField("代录：部门联系人", max_length=40, blank=True)
    escalated_on = models.DateField(
        "提级督办日期", null=True, blank=True, help_text="发回重办满三次，列入常委会提级督办"
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="登记人",
    )
    # 并入: the same matter raised again (ten letters about one streetlight) is handled as one case.
    # A linked problem is never forwarded itself: it follows its main case's steps and result,
    # and its own constituents are fed back (constituents/services/linking.py).
    linked_to = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="linked_problems",
        verbose_name="并入的主件",
    )
    # The earliest reply deadline among the open forwardings of the current round while the problem is
    # 已转交/办理中, else empty: kept by constituents.services.deadlines.open_deadlines_refresh after every
    # step that moves a forwarding, a deadline, a round or the state (perf: the overdue list reads one index).
    open_deadline = models.DateField("最早未答复期限", null=True, blank=True, editable=False)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ProblemQuerySet.as_manager()
    # open_deadline is derived from the forwardings, whose own history records every change.
    history = HistoricalRecords(m2m_fields=[constituents], excluded_fields=["open_deadline"])

    class Meta:
        verbose_name = "群众诉求"
        verbose_name_plural = "群众诉求"
        ordering = ["-raised_on", "-id"]
        indexes = [
            models.Index(fields=["group", "state"], name="problem_group_state"),
            models.Index(fields=["deputy", "state"], name="problem_deputy_state"),
            models.Index(fields=["state", "updated_at"], name="problem_state_updated"),
            models.Index(fields=["category", "constituency"], name="problem_category_place"),
            # The case list's order (-raised_on, -id), alone and under the state filter (perf).
            models.Index(fields=["raised_on", "id"], name="problem_raised"),
            models.Index(fields=["state", "raised_on"], name="problem_state_raised"),
            # The case list filtered by state and category (a common pair), and its capped count, from the index.
            models.Index(fields=["state", "category", "raised_on", "id"], name="problem_state_category"),
            # The committee board's 提级督办 list: the few escalated problems, newest first.
            models.Index(fields=["escalated_on", "id"], name="problem_escalated",
                         condition=models.Q(escalated_on__isnull=False)),
            # The overdue list: the open problems in the list's order, each checked against its open forwardings.
            models.Index(fields=["raised_on", "id"], name="problem_open_raised",
                         condition=models.Q(state__in=["forwarded", "handling"])),
            # The overdue list, longest overdue first, from the stored earliest open deadline: district-wide
            # and scoped to a group (a liaison's list).
            models.Index(fields=["open_deadline", "id"], name="problem_open_deadline",
                         condition=models.Q(open_deadline__isnull=False)),
            models.Index(fields=["group", "open_deadline", "id"], name="problem_group_open_deadline",
                         condition=models.Q(open_deadline__isnull=False)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="unsolvable") | ~models.Q(unsolvable_reason=""),
                name="problem_unsolvable_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="fed_back") | models.Q(fed_back_on__isnull=False),
                name="problem_fed_back_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"诉求{self.pk}：{self.text[:20]}"

    def save(self, *args, **kwargs):
        # open_deadline is written only by open_deadlines_refresh: a save() of a row read before a
        # forwarding moved must not put its stale copy back.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [field.name for field in self._meta.concrete_fields
                                       if not field.primary_key and field.name != "open_deadline"]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse_pk("constituents:problem_detail", self.pk)  # one resolver walk per list, not per row

    PUBLIC_LABELS = {
        State.REGISTERED: "已登记，正在转交有关部门",
        State.FORWARDED: "已转交有关部门，等待部门受理",
        State.HANDLING: "有关部门正在办理",
        State.RESOLVED: "已办结，正在将结果告知您",
        State.UNSOLVABLE: "暂不能解决，正在向您说明原因",
        State.FED_BACK: "已办结并已告知反映人",
    }

    COUNTED_RESULT_SOURCES = (ResultSource.DEPARTMENT, ResultSource.PROXY, ResultSource.SUGGESTION)

    def public_state_label(self) -> str:
        """Plain words for the public tracking page: no names, no departments' staff, no personal data."""
        return self.PUBLIC_LABELS[self.State(self.state)]

    def is_overdue(self, today: dt.date, *, current: list | None = None) -> bool:
        """A department of this round is past its reply deadline (uses prefetched forwardings when
        present, or `current`: this round's forwardings, already read)."""
        if self.state not in self.WITH_DEPARTMENTS:
            return False
        if current is None:
            current = [f for f in self.forwardings.all() if f.round == self.round]
        return any(f.is_overdue(today) for f in current)

    def days_overdue(self, today: dt.date) -> int:
        """Days since the earliest open deadline passed (0 when none has)."""
        return max((today - self.open_deadline).days, 0) if self.open_deadline else 0

    @property
    def has_result(self) -> bool:
        return self.state in (self.State.RESOLVED, self.State.UNSOLVABLE, self.State.FED_BACK)

    @property
    def sent_back_count(self) -> int:
        """发回重办 so far: each new round after a result is one."""
        return self.round - 1

    @property
    def display_state(self) -> str:
        return self.display_state_of(self.state, self.round)

    @classmethod
    def display_state_of(cls, state: str, round_: int) -> str:
        """Staff-facing state; a registered problem whose departments returned it waits for re-forwarding.
        From the values alone, for lists that read rows with values()."""
        if state == cls.State.REGISTERED and round_ > 1:
            return "待重新办理"
        return _STATE_LABELS.get(state, state)  # get_state_display() without its per-call dict


_STATE_LABELS = dict(Problem.State.choices)


class ForwardingQuerySet(ScopedQuerySet):
    group_path = "problem__group"
    deputy_path = "problem__deputy"

    def for_deputy_user(self, user):
        return self.filter(problem__deputy__user=user)

    def for_department_user(self, user):
        return self.filter(department__users=user)

    def overdue(self, today: dt.date):
        return self.filter(overdue_condition(today))


def overdue_condition(today: dt.date) -> models.Q:
    """A department past its deadline while it still holds the problem: the one overdue rule.

    Only an open forwarding of the problem's current round counts: one closed by
    a suggestion's reply (已由建议答复) or left over from an earlier round is not
    held against the department.
    """
    return models.Q(
        status__in=Forwarding.OPEN_STATUSES, deadline__lt=today,
        problem__state__in=Problem.WITH_DEPARTMENTS,
        round=models.F("problem__round"),
    )


class Forwarding(models.Model):
    """One department's part of a problem: forwarded, accepted, replied or returned."""

    class Status(models.TextChoices):
        PENDING = "pending", "待受理"
        HANDLING = "handling", "办理中"
        REPLIED = "replied", "已答复"
        RETURNED = "returned", "已退办"
        # A bill or suggestion's reply answered the problem while this department
        # still held it: closed without a reply of its own, never overdue.
        BY_SUGGESTION = "by_suggestion", "已由建议答复"

    OPEN_STATUSES = (Status.PENDING, Status.HANDLING)

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="forwardings", verbose_name="群众诉求")
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="forwardings", verbose_name="承办部门"
    )
    round = models.PositiveSmallIntegerField("办理轮次", default=1)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PENDING)
    forwarded_on = models.DateField("转交日期")
    deadline = models.DateField("答复期限")
    deadline_is_estimate = models.BooleanField(
        "期限为估算", default=False,
        help_text="期限跨入尚未公布节假日安排的年份时，按法定节假日估算（不含当年调休）；"
        "工作人员在后台录入该年节假日和调休后自动重算",
    )
    deadline_in_working_days = models.BooleanField(
        "期限按工作日计算", default=False,
        help_text="按转交后若干个工作日算出的期限（而不是指定的日期）：节假日安排有变时随之重算",
    )
    accept_deadline = models.DateField("签收期限", null=True, blank=True)
    needs_contact = models.BooleanField(
        "需要联系反映人", default=False, help_text="勾选后承办单位可以看到反映人的姓名和联系方式（查看留痕）",
    )
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    replied_on = models.DateField("答复日期", null=True, blank=True)
    reply_text = models.TextField("部门答复", blank=True)
    result_class = models.CharField("答复类别", max_length=1, choices=ResultClass.choices, blank=True)
    reply_working_days = models.PositiveSmallIntegerField("答复用时（工作日）", null=True, blank=True)
    returned_on = models.DateField("退办日期", null=True, blank=True)
    return_reason = models.TextField("退办理由", blank=True)
    # Who recorded each of the department's steps; a contact name means 代录 on the department's behalf.
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="签收登记人",
    )
    accept_proxy_contact = models.CharField("签收代录：部门联系人", max_length=40, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="答复登记人",
    )
    reply_proxy_contact = models.CharField("答复代录：部门联系人", max_length=40, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="退办登记人",
    )
    return_proxy_contact = models.CharField("退办代录：部门联系人", max_length=40, blank=True)
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="转交人",
    )
    # 催办: the last day the office or a liaison pressed the department on the platform (history keeps each one).
    reminded_on = models.DateField("最近催办日期", null=True, blank=True)

    objects = ForwardingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "转交办理"
        verbose_name_plural = "转交办理"
        ordering = ["forwarded_on", "id"]
        indexes = [
            models.Index(fields=["status", "deadline"], name="forwarding_status_deadline"),
            # "Has this problem an open forwarding past its deadline?" from the index alone (the overdue list).
            models.Index(fields=["problem", "deadline"], name="forwarding_open_problem",
                         condition=models.Q(status__in=["pending", "handling"])),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deadline__gte=models.F("forwarded_on")), name="forwarding_deadline_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department}（{self.get_status_display()}）"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def is_overdue(self, today: dt.date) -> bool:
        return self.is_open and self.deadline < today



class FollowUpMethod(models.TextChoices):
    PHONE = "phone", "电话督办"
    VISIT = "visit", "上门督办"
    LETTER = "letter", "发函督办"
    SITE = "site", "现场察看"
    MEETING = "meeting", "座谈协调"
    OTHER = "other", "其他方式"


class FollowUpQuerySet(ScopedQuerySet):
    group_path = "problem__group"
    deputy_path = "problem__deputy"

    def for_deputy_user(self, user):
        return self.filter(problem__deputy__user=user)


class FollowUp(models.Model):
    """督办记录: the deputy supervises the department; what the department said is the department's."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="follow_ups", verbose_name="群众诉求")
    forwarding = models.ForeignKey(
        Forwarding, on_delete=models.PROTECT, null=True, blank=True, related_name="follow_ups",
        verbose_name="督办部门",
    )
    followed_on = models.DateField("督办日期")
    method = models.CharField("督办方式", max_length=16, choices=FollowUpMethod.choices)
    department_said = models.TextField("部门答复情况", help_text="部门怎么说、何时办结")
    note = models.TextField("备注", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="记录人"
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    objects = FollowUpQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "督办记录"
        verbose_name_plural = "督办记录"
        ordering = ["followed_on", "id"]

    def __str__(self) -> str:
        return f"{self.followed_on:%Y-%m-%d} {self.get_method_display()}"


class ProblemFeedbackQuerySet(ScopedQuerySet):
    group_path = "problem__group"
    deputy_path = "problem__deputy"

    def for_deputy_user(self, user):
        return self.filter(problem__deputy__user=user)

    def pending(self):
        return self.filter(status=ProblemFeedback.Status.PENDING)


class ProblemFeedback(models.Model):
    """Telling one constituent (or, for an anonymous problem, whoever raised it) the result.

    A row is queued for each constituent when a result is reached — by the
    departments or by a suggestion's reply — so no voter is forgotten.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "待反馈"
        DONE = "done", "已反馈"

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="feedbacks", verbose_name="群众诉求")
    constituent = models.ForeignKey(
        Constituent, on_delete=models.PROTECT, null=True, blank=True, related_name="feedbacks", verbose_name="选民",
        help_text="为空表示匿名来信或未登记姓名的反映人",
    )
    suggestion = models.ForeignKey(
        "Suggestion", on_delete=models.PROTECT, null=True, blank=True, related_name="feedbacks",
        verbose_name="来自议案/建议的答复",
    )
    round = models.PositiveSmallIntegerField("办理轮次", default=1)
    # "problem:round:constituent:suggestion" — a result is queued for one person once.
    dedupe_key = models.CharField("去重键", max_length=80, unique=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PENDING)
    method = models.CharField("反馈方式", max_length=16, choices=FeedbackMethod.choices, blank=True)
    told_on = models.DateField("反馈日期", null=True, blank=True)
    note = models.TextField("反馈情况", blank=True)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    objects = ProblemFeedbackQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "结果反馈"
        verbose_name_plural = "结果反馈"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "created_at"], name="feedback_status_created")]

    def __str__(self) -> str:
        return f"{self.problem_id}：{self.get_status_display()}"

    @staticmethod
    def key_for(problem_id: int, round: int, constituent_id: int | None, suggestion_id: int | None) -> str:
        return f"{problem_id}:{round}:{constituent_id or 0}:{suggestion_id or 0}"


# Department extensions, reply attachments and the office's 回访, and bills and suggestions,
# live in their own modules.
from .models_handling import (  # noqa: E402, F401
    Callback,
    CallbackResult,
    ExtensionRequest,
    ForwardingAttachment,
)
from .models_suggestions import Satisfaction, Suggestion, SuggestionQuerySet  # noqa: E402, F401
