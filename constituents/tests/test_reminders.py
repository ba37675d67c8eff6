from __future__ import annotations

import datetime as dt

from constituents import tasks
from constituents.tests.casework import D, State, drive, register
from constituents.tests.factories import ContactActivityFactory
from deputies.tests.factories import DeputyFactory
from liaison.models import Notification, Role
from liaison.tests.factories import UserFactory


def keys():
    return sorted(Notification.objects.values_list("recipient__username", "dedupe_key"))


def test_daily_reminder_goes_to_who_holds_the_next_step_once(deputy_a, liaison_a):
    waiting = register(deputy_a, liaison_a, raised_on=D(2026, 9, 1))
    waiting.state_since = D(2026, 9, 1)
    waiting.save()
    overdue = drive(register(deputy_a, liaison_a), State.HANDLING, liaison_a)  # deadline 2026-09-22
    to_tell = drive(register(deputy_a, liaison_a), State.RESOLVED, liaison_a)
    drive(register(deputy_a, liaison_a), State.FED_BACK, liaison_a)  # nothing left to do

    first = tasks.remind_casework_next_steps.delay(on="2026-10-09").get()
    assert first == 6  # three problems × (deputy + liaison)
    assert first and keys() == sorted(
        (user, f"casework:{problem.pk}:r1:{step}")
        for problem, step in [
            (waiting, "forward:20260901"),
            (overdue, f"overdue:{overdue.forwardings.get().pk}"),
            (to_tell, "feedback:20260911"),
        ]
        for user in ("deputy_a", "liaison_a")
    )
    # The job runs again (a second worker, a restart, the next morning): nothing new.
    assert tasks.remind_casework_next_steps.delay(on="2026-10-09").get() == 0
    assert tasks.remind_casework_next_steps.delay(on="2026-10-10").get() == 0
    assert Notification.objects.count() == 6
    titles = set(Notification.objects.values_list("title", flat=True))
    assert titles == {"群众诉求待转交", "部门逾期未答复", "办理结果待反馈选民"}


def test_nothing_overdue_before_the_deadline(deputy_a, liaison_a):
    problem = drive(register(deputy_a, liaison_a), State.HANDLING, liaison_a)
    # Forwarded Wed 2 Sep: 15 working days include the make-up Sunday of 20 Sep.
    assert problem.forwardings.get().deadline == D(2026, 9, 22)
    assert tasks.remind_casework_next_steps.delay(on="2026-09-22").get() == 0
    assert tasks.remind_casework_next_steps.delay(on="2026-09-23").get() == 2


def test_a_new_round_is_a_new_step(deputy_a, liaison_a):
    from constituents import services

    problem = drive(register(deputy_a, liaison_a), State.RESOLVED, liaison_a)
    assert tasks.remind_casework_next_steps.delay(on="2026-09-12").get() == 2
    services.problem_feedback(problem=problem, how="phone", when=D(2026, 9, 12), acting_user=liaison_a)
    services.problem_reopen(problem=problem, reason="不满意", reopened_on=D(2026, 9, 13), acting_user=liaison_a)
    assert tasks.remind_casework_next_steps.delay(on="2026-09-20").get() == 2
    assert {key.split(":", 3)[2] for _user, key in keys()} == {"r1", "r2"}


def test_reminders_are_set_based(deputy_a, liaison_a, django_assert_max_num_queries):
    for _ in range(5):
        drive(register(deputy_a, liaison_a), State.RESOLVED, liaison_a)
    with django_assert_max_num_queries(8):
        tasks.remind_casework_next_steps.delay(on="2026-10-09").get()
    for _ in range(15):
        drive(register(deputy_a, liaison_a), State.RESOLVED, liaison_a)
    with django_assert_max_num_queries(8):
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
