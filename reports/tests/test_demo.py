from __future__ import annotations

import random

import pytest
from django.urls import reverse

from deputies import demo as deputies_demo
from reports import demo as reports_demo
from reports.models import DutyMeeting, PublishedReport, RectificationItem, RotationPlan, WrittenReport


@pytest.fixture
def demo(db):
    # The registry and this app's part only: the whole `seed_demo` is run by liaison's tests.
    context = {"rng": random.Random(2026), "password": "Demo@2026"}
    deputies_demo.seed(context)
    reports_demo.seed(context)


def test_demo_has_duty_reports_for_term_years_two_and_three(demo, client):
    assert RotationPlan.objects.filter(year=2025).count() == RotationPlan.objects.filter(year=2026).count() == 12
    assert not RotationPlan.objects.filter(year=2024).exists()
    assert DutyMeeting.objects.filter(entry__plan__year=2025, status=DutyMeeting.Status.EVALUATED).exists()
    assert set(DutyMeeting.objects.filter(entry__plan__year=2026).values_list("status", flat=True)) == set(
        DutyMeeting.Status.values
    )
    assert set(RectificationItem.objects.values_list("status", flat=True)) == set(RectificationItem.Status.values)
    assert set(WrittenReport.objects.filter(year=2026).values_list("status", flat=True)) == set(
        WrittenReport.Status.values
    )
    assert PublishedReport.objects.filter(kind=PublishedReport.Kind.FACE_TO_FACE).exists()
    assert PublishedReport.objects.filter(kind=PublishedReport.Kind.WRITTEN).exists()
    assert all(plan.explanation for plan in RotationPlan.objects.all())
    assert client.get(reverse("reports:public_list")).status_code == 200
    assert client.login(username="deputy", password="Demo@2026")
    page = client.get(reverse("home")).content.decode()
    assert "当面向选民述职" in page and "我的整改事项" in page
