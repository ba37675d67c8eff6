from __future__ import annotations

import datetime as dt

import pytest

from deputies.tests.factories import DeputyFactory
from reports import services
from reports.models import RotationPlan

YEAR = 2025  # term year 2 of the 2024–2028 term in the shared fixtures


@pytest.fixture
def colleagues_a(deputy_a):
    """Nine more serving deputies in group A: ten in all, so two report face to face."""
    return [DeputyFactory(constituency=deputy_a.constituency) for _ in range(9)]


@pytest.fixture
def plan_a(staff_user, group_a, deputy_a, colleagues_a):
    return services.rotation_plan_draft(group=group_a, year=YEAR, acting_user=staff_user, seed=2026)


def pick(plan, deputy, user):
    """Make sure `deputy` is on the plan (swapping out the last entry if needed)."""
    entry = plan.entries.filter(deputy=deputy).first()
    if entry is None:
        entry = plan.entries.order_by("-rank").first()
        services.rotation_swap(entry=entry, new_deputy=deputy, reason="测试需要", acting_user=user)
        entry.refresh_from_db()
    return entry


def confirm(plan, user, *, on=dt.datetime(YEAR, 1, 8, 9, tzinfo=dt.UTC)):
    """Confirm at the start of the year (the real clock says late November)."""
    services.rotation_plan_confirm(plan=plan, acting_user=user)
    RotationPlan.objects.filter(pk=plan.pk).update(confirmed_at=on)
    plan.refresh_from_db()
    return plan


@pytest.fixture
def confirmed_plan_a(plan_a, deputy_a, liaison_a):
    pick(plan_a, deputy_a, liaison_a)
    return confirm(plan_a, liaison_a)


@pytest.fixture
def entry_a(confirmed_plan_a, deputy_a):
    return confirmed_plan_a.entries.get(deputy=deputy_a)


@pytest.fixture
def held_meeting_a(entry_a, liaison_a):
    meeting = services.meeting_open(entry=entry_a, acting_user=liaison_a)
    return services.meeting_record(
        meeting=meeting, held_on=dt.date(YEAR, 6, 18), place="幸福里社区活动中心", attendance=40,
        acting_user=liaison_a,
    )
