"""Constituents (选民). Contact visits, casework and suggestions join this app in later work."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from deputies.models import Community
from liaison.models import ScopedQuerySet
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


def mask_name(name: str) -> str:
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


def mask_phone(phone: str) -> str:
    if len(phone) >= 7:
        return phone[:3] + "****" + phone[-4:]
    return "****" if phone else ""


class ConstituentQuerySet(ScopedQuerySet):
    group_path = "community__constituency__group"

    def for_deputy_user(self, user):
        # A deputy works with the constituents of the constituencies of their group.
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
        return (self.address[:6] + "……") if len(self.address) > 6 else ("……" if self.address else "")
