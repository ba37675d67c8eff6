"""The problem state machine: every allowed and every forbidden transition."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from constituents import services
from constituents.models import FeedbackMethod, Forwarding, Problem, ProblemFeedback, ResultClass
from constituents.tests.casework import D, State, drive, register
from constituents.tests.factories import ConstituentFactory
from deputies.tests.factories import DepartmentFactory

ALL_STATES = [State.REGISTERED, State.FORWARDED, State.HANDLING, State.RESOLVED, State.UNSOLVABLE, State.FED_BACK]


def _open_forwarding(problem):
    found = problem.forwardings.filter(status__in=Forwarding.OPEN_STATUSES).first() or problem.forwardings.first()
    # A problem never forwarded gets a stray row, so the service itself must refuse by state.
    return found or Forwarding.objects.create(
        problem=problem, department=DepartmentFactory(), forwarded_on=D(2026, 9, 2), deadline=D(2026, 9, 30)
    )


def act_forward(problem, user):
    services.problem_forward(problem=problem, departments=[DepartmentFactory()], forwarded_on=D(2026, 9, 4),
                             acting_user=user)


def act_start_handling(problem, user):
    if problem.state == State.HANDLING:  # a second department accepts
        act_forward(problem, user)
    forwarding = problem.forwardings.filter(status=Forwarding.Status.PENDING).first() or _open_forwarding(problem)
    services.problem_start_handling(problem=problem, forwarding=forwarding, accepted_on=D(2026, 9, 5),
                                    acting_user=user)


def act_record_reply(problem, user):
    forwarding = _open_forwarding(problem)
    services.problem_record_reply(problem=problem, forwarding=forwarding, reply_text="已办理",
                                  result_class=ResultClass.B, replied_on=D(2026, 9, 6), acting_user=user)


def act_return(problem, user):
    forwarding = _open_forwarding(problem)
    services.problem_return(problem=problem, forwarding=forwarding, reason="不属于本部门职责",
                            returned_on=D(2026, 9, 4), acting_user=user)


def _reply_if_handling(problem, user):
    if problem.state == State.HANDLING:
        act_record_reply(problem, user)


def act_resolve(problem, user):
    _reply_if_handling(problem, user)
    services.problem_resolve(problem=problem, result_summary="已解决", resolved_on=D(2026, 9, 20), acting_user=user)


def act_unsolvable(problem, user):
    _reply_if_handling(problem, user)
    services.problem_mark_unsolvable(problem=problem, reason="资金未落实", decided_on=D(2026, 9, 20),
                                     acting_user=user)


def act_feedback(problem, user):
    services.problem_feedback(problem=problem, how=FeedbackMethod.IN_PERSON, when=D(2026, 9, 25), acting_user=user)


def act_reopen(problem, user):
    services.problem_reopen(problem=problem, reason="选民对答复不满意", reopened_on=D(2026, 9, 26), acting_user=user)


def act_followup(problem, user):
    services.followup_add(problem=problem, followed_on=D(2026, 9, 15), method="phone",
                          department_said="部门称正在办理", acting_user=user)


ACTIONS = {
    "forward": (act_forward, {State.REGISTERED, State.FORWARDED, State.HANDLING}),
    "start_handling": (act_start_handling, {State.FORWARDED, State.HANDLING}),
    "record_reply": (act_record_reply, {State.HANDLING}),
    "return": (act_return, {State.FORWARDED, State.HANDLING}),
    "resolve": (act_resolve, {State.HANDLING}),
    "mark_unsolvable": (act_unsolvable, {State.HANDLING}),
    "feedback": (act_feedback, {State.RESOLVED, State.UNSOLVABLE}),
    "reopen": (act_reopen, {State.FED_BACK}),
    "followup": (act_followup, {State.FORWARDED, State.HANDLING, State.RESOLVED, State.UNSOLVABLE}),
}
EXPECTED_AFTER = {
    ("forward", State.REGISTERED): State.FORWARDED,
    ("start_handling", State.FORWARDED): State.HANDLING,
    ("return", State.FORWARDED): State.REGISTERED,
    ("return", State.HANDLING): State.REGISTERED,
    ("resolve", State.HANDLING): State.RESOLVED,
    ("mark_unsolvable", State.HANDLING): State.UNSOLVABLE,
    ("feedback", State.RESOLVED): State.FED_BACK,
    ("feedback", State.UNSOLVABLE): State.FED_BACK,
    ("reopen", State.FED_BACK): State.REGISTERED,
}


@pytest.mark.parametrize("state", ALL_STATES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_transition(action, state, deputy_a, liaison_a, community_a):
    problem = register(deputy_a, liaison_a, constituents=[ConstituentFactory(community=community_a)])
    drive(problem, state, liaison_a)
    assert problem.state == state
    run, allowed_from = ACTIONS[action]
    history_before = problem.history.count()
    if state in allowed_from:
        run(problem, liaison_a)
        problem.refresh_from_db()
        assert problem.state == EXPECTED_AFTER.get((action, state), state)
    else:
        with pytest.raises(ValidationError) as error:
            run(problem, liaison_a)
        assert "不能" in str(error.value)
        problem.refresh_from_db()
        assert problem.state == state
        assert problem.history.count() == history_before


def test_each_transition_is_audited_with_user_and_action(deputy_a, liaison_a):
    problem = register(deputy_a, liaison_a)
    drive(problem, State.FED_BACK, liaison_a)
    reasons = list(problem.history.order_by("history_date", "history_id").values_list("history_change_reason",
                                                                                       "history_user"))
    actions = [reason for reason, _user in reasons]
    assert actions == [
        "constituents.problem.registered", "constituents.problem.forwarded", "constituents.problem.handling",
        "constituents.problem.resolved", "constituents.problem.fed_back",
    ]
    assert {user for _reason, user in reasons} == {liaison_a.pk}
    forwarding = problem.forwardings.get()
    assert [h.history_change_reason for h in forwarding.history.order_by("history_date", "history_id")] == [
        "constituents.forwarding.created", "constituents.forwarding.accepted", "constituents.forwarding.replied",
    ]


def test_no_forwarding_without_a_department(deputy_a, liaison_a):
    problem = register(deputy_a, liaison_a)
    with pytest.raises(ValidationError, match="至少选择一个承办部门"):
        services.problem_forward(problem=problem, departments=[], acting_user=liaison_a)
    assert problem.state == State.REGISTERED and not problem.forwardings.exists()


def test_no_feedback_before_a_result(deputy_a, liaison_a):
    problem = drive(register(deputy_a, liaison_a), State.HANDLING, liaison_a)
    with pytest.raises(ValidationError, match="不能登记反馈"):
        services.problem_feedback(problem=problem, how=FeedbackMethod.PHONE, when=D(2026, 9, 20),
                                  acting_user=liaison_a)


def test_no_result_while_a_department_has_not_replied(deputy_a, liaison_a):
    problem = drive(register(deputy_a, liaison_a), State.HANDLING, liaison_a)
    with pytest.raises(ValidationError, match="尚未答复"):
        services.problem_resolve(problem=problem, result_summary="好了", resolved_on=D(2026, 9, 20),
                                 acting_user=liaison_a)
    assert Problem.objects.get(pk=problem.pk).state == State.HANDLING


def test_deadline_is_counted_in_working_days_and_cannot_precede_forwarding(deputy_a, liaison_a):
    problem = register(deputy_a, liaison_a)
    with pytest.raises(ValidationError, match="不能早于转交日期"):
        services.problem_forward(problem=problem, departments=[DepartmentFactory()], forwarded_on=D(2026, 9, 28),
                                 deadline=D(2026, 9, 27), acting_user=liaison_a)
    [forwarding] = services.problem_forward(
        problem=problem, departments=[DepartmentFactory()], forwarded_on=D(2026, 9, 28), acting_user=liaison_a
    )
    assert forwarding.deadline == D(2026, 10, 23) and not forwarding.deadline_is_estimate


def test_deadline_into_an_unknown_year_is_marked_an_estimate(deputy_a, liaison_a, settings):
    problem = register(deputy_a, liaison_a, raised_on=D(2026, 11, 20))
    [forwarding] = services.problem_forward(
        problem=problem, departments=[DepartmentFactory()], forwarded_on=D(2026, 11, 27), acting_user=liaison_a,
        deadline_days=30,
    )
    assert forwarding.deadline.year == 2027 and forwarding.deadline_is_estimate


def test_configured_reply_days(deputy_a, liaison_a, settings):
    settings.CASEWORK = {"REPLY_WORKING_DAYS": 5}
    problem = register(deputy_a, liaison_a)
    [forwarding] = services.problem_forward(
        problem=problem, departments=[DepartmentFactory()], forwarded_on=D(2026, 9, 28), acting_user=liaison_a
    )
    # 29, 30 Sep, then 8, 9, 10 (make-up Saturday) Oct.
    assert forwarding.deadline == D(2026, 10, 10)


def test_return_only_within_seven_working_days_then_forwarded_again(deputy_a, liaison_a):
    problem = register(deputy_a, liaison_a)
    wrong, right = DepartmentFactory(name="区教育局"), DepartmentFactory(name="区城市管理局")
    [forwarding] = services.problem_forward(problem=problem, departments=[wrong], forwarded_on=D(2026, 9, 28),
                                            acting_user=liaison_a)
    # 29, 30 Sep, 8, 9, 10, 12, 13 Oct are the 7 working days; 14 Oct is too late.
    with pytest.raises(ValidationError, match="7 个工作日内"):
        services.problem_return(problem=problem, forwarding=forwarding, reason="非本部门职责",
                                returned_on=D(2026, 10, 14), acting_user=liaison_a)
    services.problem_return(problem=problem, forwarding=forwarding, reason="非本部门职责",
                            returned_on=D(2026, 10, 13), acting_user=liaison_a)
    assert problem.state == State.REGISTERED
    services.problem_forward(problem=problem, departments=[right], forwarded_on=D(2026, 10, 14),
                             acting_user=liaison_a)
    statuses = dict(problem.forwardings.values_list("department__name", "status"))
    assert statuses == {"区教育局": Forwarding.Status.RETURNED, "区城市管理局": Forwarding.Status.PENDING}
    assert problem.state == State.FORWARDED


def test_one_department_returning_leaves_the_other_working(deputy_a, liaison_a):
    problem = register(deputy_a, liaison_a)
    first, second = services.problem_forward(
        problem=problem, departments=[DepartmentFactory(), DepartmentFactory()], forwarded_on=D(2026, 9, 28),
        acting_user=liaison_a,
    )
    services.problem_return(problem=problem, forwarding=first, reason="非本部门", returned_on=D(2026, 9, 29),
                            acting_user=liaison_a)
    assert problem.state == State.FORWARDED


def test_reopen_starts_a_new_round_and_keeps_the_old_one(deputy_a, liaison_a, community_a):
    person = ConstituentFactory(community=community_a)
    problem = drive(register(deputy_a, liaison_a, constituents=[person]), State.FED_BACK, liaison_a)
    services.problem_reopen(problem=problem, reason="路灯又坏了", reopened_on=D(2026, 9, 26), acting_user=liaison_a)
    assert (problem.state, problem.round, problem.outcome) == (State.REGISTERED, 2, "")
    assert problem.display_state == "待重新办理"
    department = DepartmentFactory()
    drive(problem, State.FORWARDED, liaison_a, department=department)
    assert list(problem.forwardings.order_by("round").values_list("round", "status")) == [
        (1, Forwarding.Status.REPLIED), (2, Forwarding.Status.PENDING),
    ]
    assert problem.feedbacks.filter(round=1, status=ProblemFeedback.Status.DONE).count() == 1


def test_feedback_to_each_constituent_before_fed_back(deputy_a, liaison_a, community_a):
    first, second = ConstituentFactory(community=community_a), ConstituentFactory(community=community_a)
    problem = drive(register(deputy_a, liaison_a, constituents=[first, second]), State.RESOLVED, liaison_a)
    assert problem.feedbacks.pending().count() == 2
    services.problem_feedback(problem=problem, how=FeedbackMethod.PHONE, when=D(2026, 9, 12),
                              constituents=[first], acting_user=liaison_a)
    assert problem.state == State.RESOLVED
    services.problem_feedback(problem=problem, how=FeedbackMethod.IN_PERSON, when=D(2026, 9, 13),
                              constituents=[second], acting_user=liaison_a)
    assert problem.state == State.FED_BACK and problem.fed_back_on == D(2026, 9, 13)


@pytest.mark.parametrize(
    ("field", "day", "message"),
    [("raised_on", dt.date(2099, 1, 1), "不能晚于今天"), ("raised_on", dt.date(2023, 6, 1), "不在第18届任期内")],
)
def test_dates_in_the_future_or_outside_the_term(deputy_a, liaison_a, field, day, message):
    with pytest.raises(ValidationError, match=message):
        register(deputy_a, liaison_a, raised_on=day)
    assert not Problem.objects.exists()


def test_follow_up_records_what_the_department_said(deputy_a, liaison_a):
    problem = drive(register(deputy_a, liaison_a), State.HANDLING, liaison_a)
    forwarding = problem.forwardings.get()
    follow_up = services.followup_add(
        problem=problem, forwarding=forwarding, followed_on=D(2026, 9, 8), method="phone",
        department_said="部门称已派人勘察，月底前修好", acting_user=deputy_a.user,
    )
    assert follow_up.forwarding.department == forwarding.department
    assert problem.state == State.HANDLING  # supervision does not move the problem


def test_public_label_has_plain_words(deputy_a, liaison_a):
    problem = drive(register(deputy_a, liaison_a), State.RESOLVED, liaison_a)
    assert problem.public_state_label() == "已办结，正在将结果告知您"
    assert problem.result_summary == "路灯已修复"
