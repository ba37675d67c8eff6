"""The registry: terms, sub-district offices, deputy groups, constituencies, deputies, departments."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from liaison.history import HistoricalRecords
from liaison.models import ReferenceQuerySet, ScopedQuerySet
from liaison.validators import validate_mainland_phone

CURRENT_YEARS_KEY = "liaison:term_years"


def forget_current_years(sender=None, **kwargs) -> None:
    """post_save / post_delete of a Term: the year filters read the terms again."""
    from django.core.cache import cache
    from django.utils import timezone

    cache.delete(f"{CURRENT_YEARS_KEY}:{timezone.localdate().isoformat()}")


class Term(models.Model):
    name = models.CharField("届次", max_length=40, unique=True, help_text="如：第十八届")
    number = models.PositiveSmallIntegerField("届数", unique=True)
    start_date = models.DateField("任期开始")
    end_date = models.DateField("任期结束")
    is_current = models.BooleanField("本届", default=False)

    objects = ReferenceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "届次"
        verbose_name_plural = "届次"
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=models.Q(is_current=True), name="one_current_term"
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__gt=models.F("start_date")), name="term_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def term_year(self, on: dt.date) -> int:
        """Term year n = 1 in the first calendar year of the term (SPEC §2)."""
        return on.year - self.start_date.year + 1

    @property
    def years(self) -> list[int]:
        return list(range(self.start_date.year, self.end_date.year + 1))

    def years_so_far(self, today: dt.date, *, newest_first: bool = True, ahead: int = 0) -> list[int]:
        """The term's years up to this one (and `ahead` more, for planning): what a year filter offers."""
        years = [year for year in self.years if year <= today.year + ahead] or self.years[:1]
        return years[::-1] if newest_first else years

    def contains(self, day: dt.date) -> bool:
        return self.start_date <= day <= self.end_date

    @classmethod
    def current(cls) -> Term | None:
        return cls.objects.filter(is_current=True).first()

    @classmethod
    def current_years(cls, today: dt.date) -> list[int]:
        """The current term's years up to `today`'s, newest first: every list's year filter offers
        them on every view, so they are kept in the cache for a minute and forgotten whenever a
        term is saved or deleted (forget_current_years, connected in deputies.apps)."""
        from django.core.cache import cache

        key = f"{CURRENT_YEARS_KEY}:{today.isoformat()}"
        years = cache.get(key)
        if years is None:
            term = cls.current()
            years = term.years_so_far(today) if term else []
            cache.set(key, years, 60)
        return years


class SubDistrict(models.Model):
    name = models.CharField("办事处", max_length=60, unique=True)
    address = models.CharField("地址", max_length=200, blank=True)

    objects = ReferenceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "办事处"
        verbose_name_plural = "办事处"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DeputyGroupQuerySet(ScopedQuerySet):
    group_path = None

    def visible_to(self, user):
        if user is not None and user.is_authenticated and user.is_active and user.role == "liaison":
            return self.filter(liaisons=user)
        return super().visible_to(user)

    def for_deputy_user(self, user):
        return self.filter(deputies__user=user).distinct()


class DeputyGroup(models.Model):
    name = models.CharField("代表组", max_length=60, unique=True)
    sub_district = models.ForeignKey(
        SubDistrict, on_delete=models.PROTECT, related_name="groups", verbose_name="办事处"
    )
    liaisons = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="liaison_groups", verbose_name="联络员",
        limit_choices_to={"role": "liaison"},
    )
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    objects = DeputyGroupQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[liaisons])

    class Meta:
        verbose_name = "代表组"
        verbose_name_plural = "代表组"
        ordering = ["sort_order", "name"]
        # Lists of groups are read in this order; a province pages through some 8,000 (perf, issue 11).
        indexes = [models.Index(fields=["sort_order", "name"], name="group_listed_order")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("deputies:group_detail", args=[self.pk])


class ConstituencyQuerySet(ScopedQuerySet):
    group_path = "group"

    def for_deputy_user(self, user):
        return self.filter(group__deputies__user=user).distinct()


class Constituency(models.Model):
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="constituencies", verbose_name="届次")
    group = models.ForeignKey(
        DeputyGroup, on_delete=models.PROTECT, related_name="constituencies", verbose_name="代表组"
    )
    name = models.CharField("选区", max_length=60)
    seats = models.PositiveSmallIntegerField("应选代表数", default=1)

    objects = ConstituencyQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "选区"
        verbose_name_plural = "选区"
        ordering = ["group__sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["term", "name"], name="constituency_name_per_term"),
        ]

    def __str__(self) -> str:
        return self.name


class CommunityQuerySet(ScopedQuerySet):
    group_path = "constituency__group"

    def for_deputy_user(self, user):
        return self.filter(constituency__group__deputies__user=user).distinct()


class Community(models.Model):
    class Kind(models.TextChoices):
        COMMUNITY = "community", "社区"
        UNIT = "unit", "单位"
        VILLAGE = "village", "村"

    constituency = models.ForeignKey(
        Constituency, on_delete=models.PROTECT, related_name="communities", verbose_name="选区"
    )
    name = models.CharField("名称", max_length=80)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices, default=Kind.COMMUNITY)
    contact_person = models.CharField("联系人", max_length=40, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True, validators=[validate_mainland_phone])

    objects = CommunityQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "社区/单位"
        verbose_name_plural = "社区/单位"
        ordering = ["constituency__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["constituency", "name"], name="community_name_per_constituency"),
        ]

    def __str__(self) -> str:
        return self.name


class DeputyStatus(models.TextChoices):
    SERVING = "serving", "在任"
    RESIGNED = "resigned", "辞职"
    RECALLED = "recalled", "罢免"
    TRANSFERRED = "transferred", "调离"
    DECEASED = "deceased", "去世"


class DeputyQuerySet(ScopedQuerySet):
    group_path = "group"

    def for_deputy_user(self, user):
        # A deputy sees the colleagues of the group they serve in.
        return self.filter(group__deputies__user=user).distinct()

    def serving(self):
        return self.filter(status=DeputyStatus.SERVING)

    def current_term(self):
        return self.filter(term__is_current=True)


class Deputy(models.Model):
    class Gender(models.TextChoices):
        MALE = "男", "男"
        FEMALE = "女", "女"

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="deputies", verbose_name="届次")
    group = models.ForeignKey(DeputyGroup, on_delete=models.PROTECT, related_name="deputies", verbose_name="代表组")
    constituency = models.ForeignKey(
        Constituency, on_delete=models.PROTECT, related_name="deputies", verbose_name="选区"
    )
    name = models.CharField("姓名", max_length=40)
    gender = models.CharField("性别", max_length=2, choices=Gender.choices)
    ethnicity = models.CharField("民族", max_length=20, default="汉族")
    birth_month = models.DateField("出生年月", null=True, blank=True, help_text="只记年月，日为 1")
    party = models.CharField("党派", max_length=40, blank=True)
    work_unit = models.CharField("工作单位及职务", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True, validators=[validate_mainland_phone])
    status = models.CharField("状态", max_length=16, choices=DeputyStatus.choices, default=DeputyStatus.SERVING)
    left_on = models.DateField("离任日期", null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="deputy_records", verbose_name="登录账号",
    )
    is_exemplary = models.BooleanField("履职典型", default=False)

    objects = DeputyQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "代表"
        verbose_name_plural = "代表"
        ordering = ["group__sort_order", "name"]
        constraints = [
            # The roster's natural key: re-importing a roster updates, never duplicates.
            models.UniqueConstraint(fields=["term", "name", "birth_month"], name="deputy_once_per_term"),
            models.UniqueConstraint(
                fields=["term", "user"], condition=models.Q(user__isnull=False), name="one_deputy_account_per_term"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(status=DeputyStatus.SERVING, left_on__isnull=True)
                    | (~models.Q(status=DeputyStatus.SERVING) & models.Q(left_on__isnull=False))
                ),
                name="deputy_left_on_matches_status",
            ),
        ]
        indexes = [models.Index(fields=["group", "status"], name="deputy_group_status")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("deputies:deputy_detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if self.constituency_id and self.group_id and self.constituency.group_id != self.group_id:
            errors["constituency"] = "该选区不属于所选代表组。"
        if self.constituency_id and self.term_id and self.constituency.term_id != self.term_id:
            errors["constituency"] = "该选区不属于所选届次。"
        if self.status == DeputyStatus.SERVING and self.left_on:
            errors["left_on"] = "在任代表不应填写离任日期。"
        if self.status != DeputyStatus.SERVING and not self.left_on:
            errors["left_on"] = "请填写离任日期。"
        if errors:
            raise ValidationError(errors)

    @property
    def is_serving(self) -> bool:
        return self.status == DeputyStatus.SERVING

    def was_serving_on(self, day: dt.date) -> bool:
        return self.left_on is None or day < self.left_on


class Department(models.Model):
    class Kind(models.TextChoices):
        GOVERNMENT = "government", "区政府部门"
        COURT = "court", "区人民法院"
        PROCURATORATE = "procuratorate", "区人民检察院"
        OTHER = "other", "其他单位"

    name = models.CharField("部门名称", max_length=80, unique=True)
    kind = models.CharField("类别", max_length=16, choices=Kind.choices, default=Kind.GOVERNMENT)
    contact_person = models.CharField("联系人", max_length=40, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True, validators=[validate_mainland_phone])
    is_active = models.BooleanField("启用", default=True)
    # 承办单位账号: a department's own staff sign for, return and answer what is forwarded to it.
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="departments", verbose_name="承办单位账号",
        limit_choices_to={"role": "department"},
    )

    objects = ReferenceQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[users])

    class Meta:
        verbose_name = "有关部门"
        verbose_name_plural = "有关部门（一府两院）"
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name
