"""常委会抽查: a random, reproducible sample of one group's records, findings, scoping."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from constituents.tests.factories import ContactActivityFactory
from liaison.models import Notification
from reports.models import SpotCheck
from reports.spot_checks import ItemFinding, spot_check_conclude, spot_check_draw


@pytest.fixture
def activities_a(group_a):
    return [ContactActivityFactory(group=group_a, held_on=dt.date(2026, 3, day)) for day in range(1, 13)]


def draw(user, group, **extra):
    values = {"kind": SpotCheck.Kind.ACTIVITY, "period_start": dt.date(2026, 1, 1),
              "period_end": dt.date(2026, 6, 30), "sample_size": 4, **extra}
    return spot_check_draw(group=group, acting_user=user, **values)


def test_the_same_seed_draws_the_same_records(committee_user, group_a, activities_a):
    first = draw(committee_user, group_a, seed=7)
    second = draw(committee_user, group_a, seed=7)
    assert first.population == 12 and first.items.count() == 4
    assert list(first.items.values_list("record_id", flat=True)) == list(second.items.values_list("record_id", flat=True))
    assert first.history.latest().history_user == committee_user


def test_bad_draws_are_refused_in_chinese(committee_user, liaison_a, group_a, activities_a):
    with pytest.raises(ValidationError, match="没有这类记录"):
        draw(committee_user, group_a, period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 2, 1))
    with pytest.raises(ValidationError, match="不能早于"):
        draw(committee_user, group_a, period_start=dt.date(2026, 6, 1), period_end=dt.date(2026, 1, 1))
    with pytest.raises(ValidationError, match="只有常委会"):
        draw(liaison_a, group_a)
    assert not SpotCheck.objects.exists()


def test_conclusion_needs_findings_and_tells_the_liaison(committee_user, liaison_a, group_a, activities_a,
                                                         django_capture_on_commit_callbacks):
    check = draw(committee_user, group_a)
    item = check.items.first()
    with pytest.raises(ValidationError, match="请写明问题"):
        spot_check_conclude(spot_check=check, conclusion="poor", findings="照片缺失",
                            items=[ItemFinding(item.pk, False, "")], acting_user=committee_user)
    with pytest.raises(ValidationError, match="请写明发现的问题"):
        spot_check_conclude(spot_check=check, conclusion="fair", findings="", items=[], acting_user=committee_user)
    with django_capture_on_commit_callbacks(execute=True):
        spot_check_conclude(spot_check=check, conclusion="fair", findings="两份记录缺少选民名单",
                            items=[ItemFinding(item.pk, False, "未记录联系的选民")], acting_user=committee_user)
    item.refresh_from_db()
    assert item.compliant is False and item.note == "未记录联系的选民"
    assert Notification.objects.filter(recipient=liaison_a, title__contains="基本规范").count() == 1


def test_pages_scoping_and_roles(client_of, committee_user, liaison_a, deputy_a, deputy_b, group_a, group_b,
                                 activities_a, assert_flat_queries):
    client = client_of(committee_user)
    response = client.post(reverse("reports:spot_check_new"), {
        "group": group_a.pk, "kind": "activity", "period_start": "2026-01-01", "period_end": "2026-06-30",
        "sample_size": 3,
    })
    check = SpotCheck.objects.get()
    assert response.status_code == 302 and response.url == check.get_absolute_url()
    items = list(check.items.all())
    posted = {"conclusion": "good", "findings": ""}
    posted.update({f"item-{item.pk}": "yes" for item in items})
    assert client.post(check.get_absolute_url(), posted).status_code == 302
    check.refresh_from_db()
    assert check.conclusion == "good"

    liaison = client_of(liaison_a)
    assert "记录规范" in liaison.get(check.get_absolute_url()).content.decode()
    assert liaison.post(check.get_absolute_url(), {"conclusion": "poor"}).status_code == 403
    assert liaison.get(reverse("reports:spot_check_new")).status_code == 403
    # Another group's people see nothing of it.
    group_b.liaisons.add(liaison_a.__class__.objects.create(username="liaison_b", role="liaison"))
    other = client_of(liaison_a.__class__.objects.get(username="liaison_b"))
    assert other.get(check.get_absolute_url()).status_code == 404
    assert client_of(deputy_b.user).get(check.get_absolute_url()).status_code == 404

    assert_flat_queries(client_of(committee_user), reverse("reports:spot_check_list"),
                        grow=lambda: [draw(committee_user, group_a) for _ in range(5)])
