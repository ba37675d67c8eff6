from __future__ import annotations

import datetime as dt
import threading

import pytest

from constituents import tasks
from constituents.tests.casework import D, State, drive, register
from constituents.tests.factories import ContactActivityFactory
from deputies.tests.factories import DeputyFactory
from liaison.models import Notification, Role
from liaison.tests.factories import UserFactory


def keys():
    return sorted(Notification.objects.values_list("recipient__username", "dedupe_key"))


def test_daily_digest_counts_what_waits_for_each_person_once_a_day(deputy_a, liaison_a, client_of):
    waiting = register(deputy_a, liaison_a, raised_on=D(2026, 9, 1))
    waiting.state_since = D(2026, 9, 1)
    waiting.save()
    overdue = drive(register(deputy_a, liaison_a), State.HANDLING, liaison_a)  # deadline 2026-09-22
    to_tell = drive(register(deputy_a, liaison_a), State.RESOLVED, liaison_a)
    drive(register(deputy_a, liaison_a), State.FED_BACK, liaison_a)  # nothing left to do

    first = tasks.remind_casework_next_steps.delay(on="2026-10-09").get()
    assert first == 2  # one digest each for the deputy and the liaison, not one per problem
    assert keys() == [("deputy_a", "casework.digest:2026-10-09"), ("liaison_a", "casework.digest:2026-10-09")]
    notice = Notification.objects.get(recipient=deputy_a.user)
    assert notice.title == "您有 3 件诉求待处理"
    assert notice.body == "待转交 1 件，部门逾期 1 件，待反馈选民 1 件。"
    # The link opens exactly those three.
    page = client_of(deputy_a.user).get(notice.url)
    listed = {p.pk for p in page.context["page"]}
    assert listed == {waiting.pk, overdue.pk, to_tell.pk}
    # The job runs again (a second worker, a restart): nothing new; the next morning, a new digest.
    assert tasks.remind_casework_next_steps.delay(on="2026-10-09").get() == 0
    assert tasks.remind_casework_next_steps.delay(on="2026-10-10").get() == 2
    assert Notification.objects.count() == 4


def test_nobody_with_nothing_waiting_gets_a_digest(deputy_a, liaison_a, deputy_b):
    drive(register(deputy_a, liaison_a), State.RESOLVED, liaison_a)
    assert tasks.remind_casework_next_steps.delay(on="2026-10-09").get() == 2
    assert not Notification.objects.filter(recipient=deputy_b.user).exists()


def test_nothing_overdue_before_the_deadline(deputy_a, liaison_a):
    problem = drive(register(deputy_a, liaison_a), State.HANDLING, liaison_a)
    # Forwarded Wed 2 Sep: 15 working days include the make-up Sunday of 20 Sep.
    assert problem.forwardings.get().deadline == D(2026, 9, 22)
    assert tasks.remind_casework_next_steps.delay(on="2026-09-22").get() == 0
    assert tasks.remind_casework_next_steps.delay(on="2026-09-23").get() == 2


def test_a_reopened_problem_is_due_again_at_its_new_step(deputy_a, liaison_a):
    from constituents import services

    problem = drive(register(deputy_a, liaison_a), State.RESOLVED, liaison_a)
    assert tasks.remind_casework_next_steps.delay(on="2026-09-12").get() == 2
    services.problem_feedback(problem=problem, how="phone", when=D(2026, 9, 12), acting_user=liaison_a)
    services.problem_reopen(problem=problem, reason="不满意", reopened_on=D(2026, 9, 13), acting_user=liaison_a)
    # Fed back: nothing due the next day. Reopened: it waits to be forwarded again, and says so.
    assert tasks.remind_casework_next_steps.delay(on="2026-09-13").get() == 0
    assert tasks.remind_casework_next_steps.delay(on="2026-09-20").get() == 2
    latest = Notification.objects.get(recipient=deputy_a.user, dedupe_key="casework.digest:2026-09-20")
    assert (latest.title, latest.body) == ("您有 1 件诉求待处理", "待转交 1 件，部门逾期 0 件，待反馈选民 0 件。")


def test_reminders_are_set_based(deputy_a, liaison_a, django_assert_max_num_queries):
    for _ in range(5):
        drive(register(deputy_a, liaison_a), State.RESOLVED, liaison_a)
    # One UPDATE repairing drifted earliest open deadlines, the savepoint and its release,
    # one INSERT … SELECT of the digests, one outbox row for their e-mails.
    with django_assert_max_num_queries(5):
        tasks.remind_casework_next_steps.delay(on="2026-10-09").get()
    for _ in range(15):
        drive(register(deputy_a, liaison_a), State.RESOLVED, liaison_a)
    with django_assert_max_num_queries(5):
        tasks.remind_casework_next_steps.delay(on="2026-10-10").get()


def test_activity_minimum_reminds_deputies_and_liaison_once(deputy_a, liaison_a, group_a):
    busy = DeputyFactory(term=deputy_a.term, constituency=deputy_a.constituency,
                         user=UserFactory(username="busy", role=Role.DEPUTY))
    for day in (dt.date(2026, 3, 1), dt.date(2026, 5, 1)):
        ContactActivityFactory(constituency=deputy_a.constituency, held_on=day, deputies=[busy])
    ContactActivityFactory(constituency=deputy_a.constituency, held_on=dt.date(2026, 4, 1), deputies=[deputy_a])
    assert tasks.remind_activity_minimum.delay(on="2026-06-15").get() == 2
    assert tasks.remind_activity_minimum.delay(on="2026-06-15").get() == 0
    notices = {n.recipient.username: n for n in Notification.objects.select_related("recipient")}
    assert set(notices) == {"deputy_a", "liaison_a"}
    assert "1次" in notices["liaison_a"].body and deputy_a.name in notices["liaison_a"].body
    # September is a new period.
    assert tasks.remind_activity_minimum.delay(on="2026-09-15").get() == 2


def test_beat_schedule_names_resolve_to_these_tasks():
    from liaison.celery import app
    from liaison.schedules import SCHEDULES

    app.loader.import_default_modules()
    ours = [entry["task"] for entry in SCHEDULES.values() if entry["task"].startswith("constituents.")]
    assert ours == ["constituents.tasks.remind_casework_next_steps", "constituents.tasks.alert_departments_of_deadlines",
                    "constituents.tasks.remind_activity_minimum"]
    assert all(name in app.tasks for name in ours)


@pytest.mark.django_db(transaction=True)
def test_two_workers_running_the_digest_at_once_send_it_once(deputy_a, liaison_a):
    from django.db import connections

    from constituents import services

    for _ in range(3):
        drive(register(deputy_a, liaison_a), State.RESOLVED, liaison_a)
    barrier = threading.Barrier(2)
    created = []

    def worker():
        try:
            barrier.wait()
            created.append(services.casework_send_reminders(on=D(2026, 10, 9)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(created) in ([0, 2], [1, 1])
    assert keys() == [("deputy_a", "casework.digest:2026-10-09"), ("liaison_a", "casework.digest:2026-10-09")]
