"""Drafting, swapping and confirming the yearly plan."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from deputies.models import DeputyStatus
from deputies.services import deputy_leave
from deputies.tests.factories import DeputyFactory
from liaison.models import Notification
from reports import services
from reports.models import RotationEntry, RotationPlan, RotationSwap
from reports.tasks import draft_duty_report_rotations

from .conftest import YEAR, confirm, pick


def test_draft_picks_twenty_percent_and_explains(plan_a):
    assert plan_a.status == RotationPlan.Status.DRAFT
    assert plan_a.serving_count == 10 and plan_a.entries.count() == 2
    assert "本组在任代表10名" in plan_a.explanation and "20%—30%之内" in plan_a.explanation
    assert plan_a.written_deadline == dt.date(YEAR, 11, 30)
    assert sorted(plan_a.entries.values_list("planned_month", flat=True)) == [3, 11]
    assert services.rotation_plan_verify(plan_a)


def test_same_seed_same_plan_and_anyone_can_check_it(staff_user, group_a, group_b, deputy_a, colleagues_a):
    plan = services.rotation_plan_draft(group=group_a, year=YEAR, acting_user=staff_user, seed=77)
    picked = set(plan.entries.values_list("deputy_id", flat=True))
    plan.entries.all().delete()
    plan.delete()
    again = services.rotation_plan_draft(group=group_a, year=YEAR, acting_user=staff_user, seed=77)
    assert set(again.entries.values_list("deputy_id", flat=True)) == picked
    assert again.seed == 77 and services.rotation_plan_verify(again)
    # Tampering with the stored result is caught by the check.
    again.ranking[-1]["picked"], again.ranking[0]["picked"] = True, False
    assert not services.rotation_plan_verify(again)


def test_those_who_reported_earlier_go_last(staff_user, liaison_a, group_a, deputy_a, colleagues_a):
    first = services.rotation_plan_draft(group=group_a, year=2025, acting_user=staff_user, seed=1)
    confirm(first, liaison_a, on=dt.datetime(2025, 1, 8, tzinfo=dt.UTC))
    reported = []
    for entry in first.entries.select_related("deputy"):
        meeting = services.meeting_open(entry=entry, acting_user=liaison_a)
        services.meeting_record(meeting=meeting, held_on=dt.date(2025, 5, 1), place="社区", attendance=30,
                                acting_user=liaison_a)
        reported.append(entry.deputy_id)
    second = services.rotation_plan_draft(group=group_a, year=2026, acting_user=staff_user, seed=1)
    assert not set(second.entries.values_list("deputy_id", flat=True)) & set(reported)
    ranking = sorted(second.ranking, key=lambda row: row["rank"])
    assert [row["deputy_id"] for row in ranking[-2:]] == sorted(
        reported, key=lambda pk: next(r["rank"] for r in ranking if r["deputy_id"] == pk)
    )
    assert all(row["last_report_year"] == 2025 for row in ranking[-2:])


def test_left_deputies_are_never_picked(staff_user, group_a, deputy_a, colleagues_a):
    for colleague in colleagues_a[:5]:
        deputy_leave(deputy=colleague, status=DeputyStatus.RESIGNED, left_on=dt.date(2025, 6, 1),
                     acting_user=staff_user)
    plan = services.rotation_plan_draft(group=group_a, year=YEAR, acting_user=staff_user, seed=3)
    assert plan.serving_count == 5
    left_ids = {c.pk for c in colleagues_a[:5]}
    assert not set(plan.entries.values_list("deputy_id", flat=True)) & left_ids
    assert not {row["deputy_id"] for row in plan.ranking} & left_ids


def test_small_group_says_how_it_rounded(staff_user, group_b, deputy_b):
    plan = services.rotation_plan_draft(group=group_b, year=YEAR, acting_user=staff_user, seed=3)
    assert plan.entries.count() == 1 and not plan.within_band
    assert "每年至少一人" in plan.explanation


def test_no_plan_in_term_year_one(staff_user, group_a, deputy_a):
    with pytest.raises(ValidationError, match="任期第一年"):
        services.rotation_plan_draft(group=group_a, year=2024, acting_user=staff_user)
    assert not RotationPlan.objects.exists()


def test_one_plan_per_group_and_year(plan_a, staff_user, group_a):
    with pytest.raises(ValidationError, match="已经存在"):
        services.rotation_plan_draft(group=group_a, year=YEAR, acting_user=staff_user)
    assert RotationPlan.objects.count() == 1 and plan_a.entries.count() == 2


def test_swap_is_kept_and_audited(plan_a, liaison_a, colleagues_a):
    entry = plan_a.entries.order_by("rank").first()
    outgoing = entry.deputy
    incoming = next(c for c in colleagues_a if not plan_a.entries.filter(deputy=c).exists())
    swap = services.rotation_swap(entry=entry, new_deputy=incoming, reason="出国学习半年", acting_user=liaison_a)
    entry.refresh_from_db()
    assert entry.deputy == incoming
    assert (swap.removed, swap.added, swap.reason, swap.swapped_by) == (outgoing, incoming, "出国学习半年", liaison_a)
    last = entry.history.order_by("-history_date").first()
    assert last.history_change_reason == "reports.rotation.swapped" and last.history_user == liaison_a
    assert last.prev_record.deputy_id == outgoing.pk


def test_swap_refuses_bad_choices_and_keeps_the_plan(plan_a, liaison_a, staff_user, deputy_b, colleagues_a):
    entries = list(plan_a.entries.order_by("rank"))
    before = [(e.pk, e.deputy_id) for e in entries]
    with pytest.raises(ValidationError, match="同一名代表一年只安排一次"):
        services.rotation_swap(entry=entries[0], new_deputy=entries[1].deputy, reason="调整", acting_user=liaison_a)
    with pytest.raises(ValidationError, match="不是甲代表组本届代表"):
        services.rotation_swap(entry=entries[0], new_deputy=deputy_b, reason="调整", acting_user=liaison_a)
    spare = next(c for c in colleagues_a if c.pk not in {d for _, d in before})
    with pytest.raises(ValidationError, match="调换理由"):
        services.rotation_swap(entry=entries[0], new_deputy=spare, reason="  ", acting_user=liaison_a)
    deputy_leave(deputy=spare, status=DeputyStatus.TRANSFERRED, left_on=dt.date(2025, 3, 1), acting_user=staff_user)
    with pytest.raises(ValidationError, match="离任"):
        services.rotation_swap(entry=entries[0], new_deputy=spare, reason="调整", acting_user=liaison_a)
    assert [(e.pk, e.deputy_id) for e in plan_a.entries.order_by("rank")] == before
    assert not RotationSwap.objects.exists()


def test_a_deputy_cannot_be_on_the_plan_twice_even_in_the_database(plan_a):
    from django.db import IntegrityError, transaction

    entry = plan_a.entries.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        RotationEntry.objects.create(plan=plan_a, deputy=entry.deputy, planned_month=5)


def test_confirm_notifies_picked_with_month_and_others_with_deadline(plan_a, liaison_a, deputy_a, colleagues_a):
    from liaison.tests.factories import UserFactory

    pick(plan_a, deputy_a, liaison_a)
    other = next(c for c in colleagues_a if not plan_a.entries.filter(deputy=c).exists())
    other.user = UserFactory(username="other_deputy")
    other.save()
    entry = plan_a.entries.get(deputy=deputy_a)
    services.rotation_plan_confirm(plan=plan_a, acting_user=liaison_a)
    picked_notice = Notification.objects.get(recipient=deputy_a.user)
    assert f"{YEAR}年{entry.planned_month}月" in picked_notice.title and "当面述职" in picked_notice.title
    written_notice = Notification.objects.get(recipient=other.user)
    assert "11月30日" in written_notice.title and "书面履职情况报告" in written_notice.title
    with pytest.raises(ValidationError, match="不能重复确认"):
        services.rotation_plan_confirm(plan=plan_a, acting_user=liaison_a)
    assert Notification.objects.count() == 2


def test_confirm_refuses_a_plan_naming_a_deputy_who_left(plan_a, staff_user, liaison_a):
    entry = plan_a.entries.first()
    deputy_leave(deputy=entry.deputy, status=DeputyStatus.DECEASED, left_on=dt.date(2025, 2, 1), acting_user=staff_user)
    with pytest.raises(ValidationError, match="已离任，请先调换"):
        services.rotation_plan_confirm(plan=plan_a, acting_user=liaison_a)
    plan_a.refresh_from_db()
    assert plan_a.status == RotationPlan.Status.DRAFT


def test_swap_after_confirmation_tells_both_deputies(confirmed_plan_a, liaison_a, deputy_a, colleagues_a):
    from liaison.tests.factories import UserFactory

    incoming = next(c for c in colleagues_a if not confirmed_plan_a.entries.filter(deputy=c).exists())
    incoming.user = UserFactory(username="incoming")
    incoming.save()
    entry = confirmed_plan_a.entries.get(deputy=deputy_a)
    services.rotation_swap(entry=entry, new_deputy=incoming, reason="因病住院", acting_user=liaison_a)
    assert Notification.objects.filter(recipient=incoming.user, title__contains="当面述职").exists()
    assert Notification.objects.filter(recipient=deputy_a.user, title__contains="书面履职情况报告").exists()


def test_deputies_cannot_draft_or_swap(plan_a, deputy_a, colleagues_a):
    with pytest.raises(PermissionDenied):
        services.rotation_swap(entry=plan_a.entries.first(), new_deputy=colleagues_a[0], reason="x",
                               acting_user=deputy_a.user)


def test_beat_task_drafts_each_group_once_and_tells_the_liaisons(liaison_a, group_a, group_b, deputy_a,
                                                                  colleagues_a, deputy_b):
    assert draft_duty_report_rotations(year=YEAR) == 2
    assert draft_duty_report_rotations(year=YEAR) == 0
    assert RotationPlan.objects.filter(year=YEAR).count() == 2
    plan = RotationPlan.objects.get(group=group_a, year=YEAR)
    assert plan.drafted_by is None and plan.entries.count() == 2
    notice = Notification.objects.get(recipient=liaison_a)
    assert "甲代表组" in notice.title and "草稿" in notice.title
    # Term year 1 has no rotation.
    assert draft_duty_report_rotations(year=2024) == 0


def test_beat_task_queries_do_not_grow_with_deputies(group_a, deputy_a, colleagues_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.models import DutyReportSettings

    DutyReportSettings.load()  # created once, on first use
    with CaptureQueriesContext(connection) as ten:
        draft_duty_report_rotations(year=YEAR)
    small = RotationPlan.objects.get()
    small.entries.all().delete()
    small.delete()
    for _ in range(30):
        DeputyFactory(constituency=deputy_a.constituency)
    with CaptureQueriesContext(connection) as forty:
        draft_duty_report_rotations(year=YEAR)
    big = RotationPlan.objects.get()
    assert (small.serving_count, big.serving_count) == (10, 40)
    # Only the picked entries cost queries (a row and its history row each), not the deputies considered.
    extra_entries = big.entries.count() - 2
    assert len(forty) - len(ten) == 2 * extra_entries


def test_staff_draft_page_and_confirm_page(client_of, staff_user, liaison_a, group_a, deputy_a, colleagues_a):
    client = client_of(staff_user)
    response = client.post(reverse("reports:plan_draft"), {"year": YEAR, "group": group_a.pk})
    plan = RotationPlan.objects.get()
    assert response.status_code == 302 and response.url == plan.get_absolute_url()
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "人数说明" in page and "随机种子" in page and "结果与草稿一致" in page
    response = client.post(reverse("reports:plan_draft"), {"year": 2024, "group": group_a.pk}, follow=True)
    assert "任期第一年" in response.content.decode()
    client = client_of(liaison_a)
    client.post(reverse("reports:plan_confirm", args=[plan.pk]), {"written_deadline": f"{YEAR}-10-31"})
    plan.refresh_from_db()
    assert plan.is_confirmed and plan.written_deadline == dt.date(YEAR, 10, 31)


def test_swap_page_shows_chinese_error_and_keeps_input(client_of, plan_a, liaison_a):
    entry = plan_a.entries.first()
    spare = plan_a.group.deputies.exclude(pk__in=plan_a.entries.values("deputy_id")).first()
    response = client_of(liaison_a).post(reverse("reports:entry_swap", args=[entry.pk]),
                                         {"new_deputy": spare.pk, "reason": ""})
    page = response.content.decode()
    assert response.status_code == 200 and "这个字段是必填项" in page
    assert f'value="{spare.pk}" selected' in page


def test_staff_can_draft_every_group_at_once_in_the_background(client_of, staff_user, group_a, group_b, deputy_a,
                                                               colleagues_a, deputy_b,
                                                               django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_of(staff_user).post(reverse("reports:plan_draft"), {"year": YEAR, "group": ""}, follow=True)
    assert len(callbacks) >= 1
    assert "正在为全部代表组生成" in response.content.decode()
    assert set(RotationPlan.objects.filter(year=YEAR).values_list("group__name", flat=True)) == {"甲代表组", "乙代表组"}
    assert all(plan.drafted_by == staff_user for plan in RotationPlan.objects.all())
