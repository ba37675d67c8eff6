from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from constituents.models import Constituent, ConstituentCategory
from deputies.models import Department, Deputy, DeputyGroup, DeputyStatus, SubDistrict, Term
from liaison.models import User


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = False  # production mode, as `make run` serves it: the explicit switch allows the demo
    settings.LIAISON_ALLOW_DEMO = True
    call_command("seed_demo")


def test_demo_district_is_believable(demo):
    term = Term.objects.get(is_current=True)
    assert term.term_year(__import__("datetime").date(2026, 11, 28)) == 3
    assert SubDistrict.objects.count() == 4 and DeputyGroup.objects.count() == 12
    assert 140 <= Deputy.objects.count() <= 160
    assert Deputy.objects.exclude(status=DeputyStatus.SERVING).exists()
    assert Department.objects.count() >= 35
    assert Constituent.objects.count() >= 1900
    assert set(Constituent.objects.values_list("category", flat=True)) == set(ConstituentCategory.values)
    for username in ["staff", "committee", "liaison", "deputy", "deputy2", "admin"]:
        assert User.objects.get(username=username).check_password("Demo@2026")
    assert User.objects.get(username="deputy").current_deputy.group.sort_order == 1
    assert User.objects.get(username="deputy2").current_deputy.group.sort_order == 2
    # 并入 (issue 12 §6): a letter linked into a case of the first group, and one still offered it as similar.
    from constituents.models import Problem
    from constituents.selectors import similar_problems

    linked = Problem.objects.get(linked_to__isnull=False)
    assert linked.state == linked.linked_to.state
    liaison = User.objects.get(username="liaison")
    waiting = Problem.objects.filter(text__startswith="居民再次来信：").get()
    assert linked.linked_to in similar_problems(Problem.objects.visible_to(liaison), problem=waiting)
    # Every casework step of the seeding kept the stored earliest open deadlines: nothing to repair.
    from constituents.services.deadlines import open_deadlines_repair

    assert Problem.objects.filter(open_deadline__isnull=False).exists()
    assert open_deadlines_repair() == 0


def test_demo_accounts_see_their_home(demo, client):
    for username, expected in [("deputy", "代表，您好"), ("liaison", "我联系的代表组"), ("staff", "全区代表组"),
                               ("committee", "全区代表组"), ("admin", "全区代表组"), ("deputy2", "代表，您好")]:
        client.logout()
        assert client.login(username=username, password="Demo@2026")
        from django.urls import reverse

        assert expected in client.get(reverse("home")).content.decode()


def test_demo_refuses_without_the_explicit_setting_even_in_debug(db, settings):
    settings.DEBUG = True
    settings.LIAISON_ALLOW_DEMO = False
    with pytest.raises(CommandError, match="LIAISON_ALLOW_DEMO"):
        call_command("seed_demo")
    assert not Term.objects.exists()



def test_demo_runs_once(demo):
    call_command("seed_demo", "--if-empty")
    assert DeputyGroup.objects.count() == 12


def test_demo_happens_over_the_year_not_at_seeding_time(demo):
    import datetime as dt

    from django.utils import timezone

    from liaison.models import Notification
    from mailbox.models import QuarterlySummary
    from mailbox.weeks import Quarter

    # Quarterly summaries are reported in the first ten days after the quarter ends.
    submitted = QuarterlySummary.objects.exclude(submitted_at=None)
    assert submitted.count() >= 40
    for summary in submitted:
        quarter_end = Quarter(summary.year, summary.quarter).last_day
        day = timezone.localtime(summary.submitted_at).date()
        assert quarter_end < day <= quarter_end + dt.timedelta(days=10), (summary, day)
    # Notifications are spread over the past year at the times things happened, read when old,
    # and were e-mailed then (no burst of e-mails when the worker starts).
    dates = {timezone.localtime(n.created_at).date() for n in Notification.objects.all()}
    assert len(dates) >= 8 and max(dates) - min(dates) >= dt.timedelta(days=300)
    recent = timezone.now() - dt.timedelta(days=1)
    assert Notification.objects.filter(created_at__gte=recent).count() <= Notification.objects.count() // 10
    assert not Notification.objects.filter(emailed_at=None).exists()
    assert not Notification.objects.filter(read_at=None, created_at__lt=timezone.now() - dt.timedelta(days=15)).exists()
