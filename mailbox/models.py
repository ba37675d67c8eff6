"""代表信箱: mailboxes, their weekly openings (a chain of custody), letters and
quarterly summaries (source part 三)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.urls import reverse
from simple_history.models import HistoricalRecords

from deputies.models import Community, Constituency, Deputy
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
