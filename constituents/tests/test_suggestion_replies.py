"""A suggestion's reply and the problems it answers: fed-back problems stay put,
departments still holding a problem close as 已由建议答复 and are not overdue."""

from __future__ import annotations

from django.urls import reverse

from constituents import services
from constituents.figures import Period, department_figures
from constituents.models import FeedbackMethod, Forwarding, Problem, ProblemCategory, ProblemFeedback, Suggestion
from constituents.selectors import deputy_casework_summary
from constituents.tests.casework import D, State, drive, register
from constituents.tests.factories import ConstituentFactory
from deputies.tests.factories import DepartmentFactory

LATE = D(2026, 11, 20)  # well past every deadline of a forwarding of 2 September


def answered_by_suggestion(deputy, user, problems, *, result_class="A"):
    suggestion = services.suggestion_draft(
        kind=Suggestion.Kind.SUGGESTION, title="关于改造老旧小区照明设施的建议", content="多个社区反映路灯损坏",
        category=ProblemCategory.URBAN_CONSTRUCTION, lead_deputy=deputy, problems=problems,
        research_notes="走访三个社区", acting_user=user,
    )
    services.suggestion_submit(suggestion=suggestion, submitted_on=D(2026, 9, 20), acting_user=user)
    services.suggestion_assign(suggestion=suggestion, lead_department=DepartmentFactory(name="区城市管理局"),
                               assigned_on=D(2026, 9, 25), acting_user=user)
    services.suggestion_record_reply(suggestion=suggestion, reply_text="已列入明年改造计划", result_class=result_class,
                                     replied_on=D(2026, 11, 2), acting_user=user)
    return suggestion


def test_a_fed_back_problem_is_not_moved_by_a_later_reply(deputy_a, liaison_a, community_a):
    person = ConstituentFactory(community=community_a)
    fed_back = drive(register(deputy_a, liaison_a, constituents=[person]), State.FED_BACK, liaison_a)
    before = Problem.objects.get(pk=fed_back.pk)

    suggestion = answered_by_suggestion(deputy_a, liaison_a, [fed_back], result_class="C")

    after = Problem.objects.get(pk=fed_back.pk)
    assert after.state == State.FED_BACK and after.outcome == Problem.Outcome.RESOLVED
    assert (after.result_summary, after.result_on, after.fed_back_on) == (
        before.result_summary, before.result_on, before.fed_back_on)
    assert not ProblemFeedback.objects.filter(suggestion=suggestion).exists()
    assert after.history.count() == before.history.count()


def test_departments_still_holding_the_problem_close_as_answered_by_the_suggestion(deputy_a, liaison_a):
    pending_department, handling_department = DepartmentFactory(name="区住建局"), DepartmentFactory(name="区城管局")
    problem = register(deputy_a, liaison_a)
    services.problem_forward(problem=problem, departments=[pending_department, handling_department],
                             forwarded_on=D(2026, 9, 2), acting_user=liaison_a)
    handling = problem.forwardings.get(department=handling_department)
    services.problem_start_handling(problem=problem, forwarding=handling, accepted_on=D(2026, 9, 3),
                                    acting_user=liaison_a)
    assert Forwarding.objects.overdue(LATE).count() == 2

    answered_by_suggestion(deputy_a, liaison_a, [problem])

    statuses = set(problem.forwardings.values_list("status", flat=True))
    assert statuses == {Forwarding.Status.BY_SUGGESTION}
    closed = problem.forwardings.get(department=pending_department)
    assert closed.get_status_display() == "已由建议答复" and closed.replied_on is None
    assert closed.history.first().history_change_reason == "constituents.forwarding.closed_by_suggestion"
    assert Problem.objects.get(pk=problem.pk).state == State.RESOLVED
    assert not Forwarding.objects.overdue(LATE).exists()


def test_closed_by_the_suggestion_never_counts_as_overdue_against_the_department(deputy_a, liaison_a, community_a):
    department = DepartmentFactory(name="区住建局")
    person = ConstituentFactory(community=community_a)
    problem = register(deputy_a, liaison_a, constituents=[person])
    services.problem_forward(problem=problem, departments=[department], forwarded_on=D(2026, 9, 2),
                             acting_user=liaison_a)
    answered_by_suggestion(deputy_a, liaison_a, [problem])

    # The voter is told, is not satisfied, and the problem goes round again to another department.
    services.problem_feedback(problem=problem, how=FeedbackMethod.PHONE, when=D(2026, 11, 3), acting_user=liaison_a)
    services.problem_reopen(problem=problem, reason="路灯仍未修", reopened_on=D(2026, 11, 4), acting_user=liaison_a)
    services.problem_forward(problem=problem, departments=[DepartmentFactory(name="区城管局")],
                             forwarded_on=D(2026, 11, 5), acting_user=liaison_a)

    today = D(2026, 11, 6)  # the new round is not late yet; the first department's part is closed
    assert not Forwarding.objects.overdue(today).exists()
    assert not Problem.objects.with_overdue_forwardings(today).exists()
    assert deputy_casework_summary(Problem.objects.filter(pk=problem.pk), today)["overdue"] == 0
    row = next(r for r in department_figures(Forwarding.objects.all(), Period(2026)) if r["name"] == "区住建局")
    assert row["by_suggestion"] == 1 and row["kept"] == 0
    assert row["on_time_reply_rate"] is None  # nothing it kept, so nothing it answered late


def test_department_page_shows_the_cases_a_suggestion_answered(client_of, staff_user, deputy_a, liaison_a):
    problem = register(deputy_a, liaison_a)
    services.problem_forward(problem=problem, departments=[DepartmentFactory(name="区住建局")],
                             forwarded_on=D(2026, 9, 2), acting_user=liaison_a)
    answered_by_suggestion(deputy_a, liaison_a, [problem])
    page = client_of(staff_user).get(reverse("constituents:department_stats"), {"year": 2026}).content.decode()
    assert "已由建议答复" in page
