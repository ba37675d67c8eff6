"""The stored earliest open deadline (Problem.open_deadline) always says what the forwardings
say, through every casework step; the overdue list reads it, longest overdue first; the
daily job puts any drift right (perf, issue 11)."""

from __future__ import annotations

import datetime as dt
import importlib
import logging

from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from constituents import services, tasks
from constituents.models import CallbackResult, FeedbackMethod, Forwarding, Problem, ResultClass
from constituents.services.deadlines import open_deadlines_repair
from constituents.tests.casework import D, State, drive, register
from deputies.tests.factories import DepartmentFactory
from liaison.models import WorkdayOverride


def computed(problem: Problem):
    """The rule, from the forwardings, in plain Python: the earliest deadline of an open
    forwarding of the current round while the problem is 已转交/办理中."""
    if problem.state not in (State.FORWARDED, State.HANDLING):
        return None
    deadlines = [f.deadline for f in problem.forwardings.all() if f.round == problem.round and f.is_open]
    return min(deadlines, default=None)


def assert_stored_is_computed():
    for problem in Problem.objects.prefetch_related("forwardings"):
        assert problem.open_deadline == computed(problem), (problem.pk, problem.state, problem.open_deadline)


def stored(problem: Problem):
    return Problem.objects.values_list("open_deadline", flat=True).get(pk=problem.pk)


def test_every_casework_step_keeps_the_stored_deadline(deputy_a, liaison_a, staff_user):
    housing, city, police = (DepartmentFactory(name=name) for name in ("区住建局", "区城管局", "区公安分局"))
    problem = register(deputy_a, liaison_a)
    assert_stored_is_computed()

    # 转交 to two departments: one with the usual 15 working days, one by a date set earlier.
    services.problem_forward(problem=problem, departments=[housing], forwarded_on=D(2026, 9, 2),
                             acting_user=liaison_a)
    assert stored(problem) == D(2026, 9, 22)
    services.problem_forward(problem=problem, departments=[city], deadline=D(2026, 9, 15),
                             forwarded_on=D(2026, 9, 2), acting_user=liaison_a)
    assert stored(problem) == D(2026, 9, 15)
    assert_stored_is_computed()
    by_housing = problem.forwardings.get(department=housing)
    by_city = problem.forwardings.get(department=city)

    services.problem_start_handling(problem=problem, forwarding=by_city, accepted_on=D(2026, 9, 3),
                                    acting_user=liaison_a)
    assert_stored_is_computed()

    # 延期 approved: the city's deadline moves past the housing bureau's.
    extension = services.extension_request(problem=problem, forwarding=by_city, reason="需协调施工方",
                                           new_deadline=D(2026, 10, 30), acting_user=liaison_a)
    assert stored(problem) == D(2026, 9, 15)  # asked for, not yet approved
    services.extension_decide(extension=extension, approve=True, acting_user=staff_user)
    assert stored(problem) == D(2026, 9, 22)
    assert_stored_is_computed()

    # 退办 by the housing bureau: the city's extended deadline is the one left.
    services.problem_return(problem=problem, forwarding=by_housing, reason="不属于本部门职责",
                            returned_on=D(2026, 9, 4), acting_user=liaison_a)
    assert stored(problem) == D(2026, 10, 30)
    assert_stored_is_computed()

    # 答复: nobody holds it any more, though it is still 办理中.
    services.problem_record_reply(problem=problem, forwarding=by_city, reply_text="已安排维修",
                                  result_class=ResultClass.A, replied_on=D(2026, 9, 10), acting_user=liaison_a)
    assert stored(problem) is None
    assert_stored_is_computed()
    services.problem_resolve(problem=problem, result_summary="路灯已修复", resolved_on=D(2026, 9, 11),
                             acting_user=liaison_a)
    services.problem_feedback(problem=problem, how=FeedbackMethod.PHONE, when=D(2026, 9, 12), acting_user=liaison_a)
    assert_stored_is_computed()

    # 回访不满意 → 发回重办: a new round at 登记, then forwarded again with a new deadline.
    callback = services.callback_record(problem=problem, constituent=None, result=CallbackResult.DISSATISFIED,
                                        note="路灯又坏了", called_on=D(2026, 9, 14), acting_user=liaison_a)
    services.problem_send_back(problem=problem, callback=callback, sent_on=D(2026, 9, 14), acting_user=liaison_a)
    problem.refresh_from_db()
    assert (problem.round, problem.state, problem.open_deadline) == (2, State.REGISTERED, None)
    [again] = services.problem_forward(problem=problem, departments=[city], deadline=D(2026, 10, 8),
                                       forwarded_on=D(2026, 9, 15), acting_user=liaison_a)
    assert stored(problem) == D(2026, 10, 8)  # round 1's closed forwardings do not count
    assert_stored_is_computed()

    # 退办 by the only department: back to 登记 (待重新办理), nothing open.
    services.problem_return(problem=problem, forwarding=again, reason="属于街道职责", returned_on=D(2026, 9, 16),
                            acting_user=liaison_a)
    assert stored(problem) is None
    services.problem_forward(problem=problem, departments=[police], deadline=D(2026, 10, 9),
                             forwarded_on=D(2026, 9, 17), acting_user=liaison_a)
    assert stored(problem) == D(2026, 10, 9)
    assert_stored_is_computed()

    # 并入: a problem linked into the open case follows its state, but holds no deadline of its own.
    twin = register(deputy_a, liaison_a)
    services.problem_link(problem=twin, main=problem, acting_user=liaison_a)
    twin.refresh_from_db()
    assert (twin.state, twin.open_deadline) == (State.FORWARDED, None)
    assert_stored_is_computed()

    # 重新办理 after feedback: a new round at 登记.
    finished = drive(register(deputy_a, liaison_a), State.FED_BACK, liaison_a)
    services.problem_reopen(problem=finished, reason="不满意", reopened_on=D(2026, 9, 20), acting_user=liaison_a)
    assert_stored_is_computed()

    # A suggestion's reply closes the forwardings still open (已由建议答复).
    from constituents.tests.test_suggestion_replies import answered_by_suggestion

    answered_by_suggestion(deputy_a, liaison_a, [problem])
    problem.refresh_from_db()
    assert problem.state == State.RESOLVED and problem.open_deadline is None
    assert_stored_is_computed()


def test_a_working_day_adjustment_moves_the_stored_deadline(deputy_a, liaison_a, staff_user):
    problem = register(deputy_a, liaison_a)
    # 30 working days from Fri 20 Nov 2026 reach into 2027, which is an estimate: Mon 4 Jan.
    services.problem_forward(problem=problem, departments=[DepartmentFactory()], deadline_days=30,
                             forwarded_on=D(2026, 11, 20), acting_user=liaison_a)
    assert stored(problem) == D(2027, 1, 4)
    services.workday_override_save(override=WorkdayOverride(day=D(2027, 1, 4), kind="holiday", name="临时放假"),
                                   acting_user=staff_user)
    assert stored(problem) == D(2027, 1, 5)
    assert_stored_is_computed()


def overdue_list(client, **params):
    response = client.get(reverse("constituents:problem_list"), {"view": "overdue", **params})
    return [problem.pk for problem in response.context["page"]], response.content.decode()


def forwarded(deputy, user, deadline, *, state=State.HANDLING):
    problem = register(deputy, user)
    department = DepartmentFactory()
    services.problem_forward(problem=problem, departments=[department], deadline=deadline,
                             forwarded_on=D(2026, 9, 2), acting_user=user)
    if state == State.HANDLING:
        services.problem_start_handling(problem=problem, forwarding=problem.forwardings.get(),
                                        accepted_on=D(2026, 9, 3), acting_user=user)
    return problem


def test_the_overdue_list_shows_exactly_the_overdue_longest_first(client_of, staff_user, deputy_a, liaison_a,
                                                                   deputy_b, assert_flat_queries):
    late = forwarded(deputy_a, liaison_a, D(2026, 10, 20))
    latest = forwarded(deputy_a, liaison_a, D(2026, 9, 20), state=State.FORWARDED)
    later = forwarded(deputy_b, staff_user, D(2026, 10, 1))
    today = timezone.localdate()
    forwarded(deputy_a, liaison_a, today)  # due today: not overdue yet
    forwarded(deputy_a, liaison_a, today + dt.timedelta(days=30))
    drive(register(deputy_a, liaison_a), State.RESOLVED, liaison_a)  # answered on time
    client = client_of(staff_user)

    listed, html = overdue_list(client)
    assert listed == [latest.pk, later.pk, late.pk]
    assert f"已逾期{(today - D(2026, 9, 20)).days}天" in html
    # A liaison sees only their own group's, in the same order.
    assert overdue_list(client_of(liaison_a))[0] == [latest.pk, late.pk]
    client = client_of(staff_user)

    grown = []

    def grow():
        grown.extend(forwarded(deputy_a, liaison_a, D(2026, 10, day)) for day in (5, 6, 7, 8))

    assert_flat_queries(client, reverse("constituents:problem_list"), grow=grow, params={"view": "overdue"})
    assert overdue_list(client)[0] == [latest.pk, later.pk, *(p.pk for p in grown), late.pk]


def test_an_answered_department_is_no_longer_overdue(client_of, staff_user, deputy_a, liaison_a):
    problem = forwarded(deputy_a, liaison_a, D(2026, 10, 1))
    assert overdue_list(client_of(staff_user))[0] == [problem.pk]
    services.problem_record_reply(problem=problem, forwarding=problem.forwardings.get(), reply_text="已修复",
                                  result_class=ResultClass.A, replied_on=D(2026, 10, 2), acting_user=liaison_a)
    assert overdue_list(client_of(staff_user))[0] == []


def test_the_daily_job_repairs_drift_and_says_how_much(deputy_a, liaison_a, caplog):
    overdue = forwarded(deputy_a, liaison_a, D(2026, 10, 1))
    moved = forwarded(deputy_a, liaison_a, D(2026, 10, 20))
    finished = drive(register(deputy_a, liaison_a), State.FED_BACK, liaison_a)
    fine = forwarded(deputy_a, liaison_a, timezone.localdate() + dt.timedelta(days=30))
    # Rows changed behind the services' back (a hand edit in the database, a bug).
    Problem.objects.filter(pk=overdue.pk).update(open_deadline=None)
    Forwarding.objects.filter(problem=moved).update(deadline=D(2026, 10, 25))
    Problem.objects.filter(pk=finished.pk).update(open_deadline=D(2026, 9, 1))

    with caplog.at_level(logging.INFO, logger="constituents.services.deadlines"):
        tasks.remind_casework_next_steps.delay().get()
    assert "Repaired the stored earliest open deadline of 3 problems" in caplog.text
    assert [stored(p) for p in (overdue, moved, finished, fine)] == [
        D(2026, 10, 1), D(2026, 10, 25), None, timezone.localdate() + dt.timedelta(days=30)]
    assert_stored_is_computed()
    assert open_deadlines_repair() == 0


def test_the_migration_fills_the_column_from_the_forwardings(deputy_a, liaison_a):
    open_one = forwarded(deputy_a, liaison_a, D(2026, 10, 1))
    drive(register(deputy_a, liaison_a), State.RESOLVED, liaison_a)
    Problem.objects.update(open_deadline=None)
    migration = importlib.import_module("constituents.migrations.0015_problem_open_deadline")
    migration.backfill_open_deadlines(apps, None)
    assert stored(open_one) == D(2026, 10, 1)
    assert_stored_is_computed()
