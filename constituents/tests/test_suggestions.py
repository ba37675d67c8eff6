from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from constituents import services
from constituents.models import Problem, ProblemCategory, ProblemFeedback, Satisfaction, Suggestion
from constituents.tests.casework import D, State, drive, register
from constituents.tests.factories import ConstituentFactory
from deputies.tests.factories import DepartmentFactory, DeputyFactory


def draft(deputy, user, *, kind=Suggestion.Kind.SUGGESTION, problems=(), proposers=()):
    return services.suggestion_draft(
        kind=kind, title="关于改造老旧小区照明设施的建议", content="多个社区反映路灯损坏……",
        category=ProblemCategory.URBAN_CONSTRUCTION, lead_deputy=deputy, proposers=proposers, problems=problems,
        research_notes="走访三个社区，查看路灯 40 处", acting_user=user,
    )


def test_bill_needs_ten_joint_proposers_by_default(deputy_a, liaison_a, settings):
    others = DeputyFactory.create_batch(8, term=deputy_a.term, constituency=deputy_a.constituency)
    bill = draft(deputy_a, liaison_a, kind=Suggestion.Kind.BILL, proposers=others)
    with pytest.raises(ValidationError, match="10 名以上代表联名"):
        services.suggestion_submit(suggestion=bill, submitted_on=D(2026, 10, 8), acting_user=liaison_a)
    settings.CASEWORK = {"BILL_MIN_PROPOSERS": 9}
    services.suggestion_submit(suggestion=bill, submitted_on=D(2026, 10, 8), acting_user=liaison_a)
    assert Suggestion.objects.get(pk=bill.pk).state == Suggestion.State.SUBMITTED


def test_a_suggestion_may_have_one_proposer(deputy_a, liaison_a):
    suggestion = draft(deputy_a, liaison_a)
    services.suggestion_submit(suggestion=suggestion, submitted_on=D(2026, 3, 1), acting_user=liaison_a)
    assert list(suggestion.proposers.all()) == [deputy_a]


def test_assignment_sets_three_month_reply_and_one_month_co_view(deputy_a, liaison_a):
    suggestion = draft(deputy_a, liaison_a)
    services.suggestion_submit(suggestion=suggestion, submitted_on=D(2026, 3, 1), acting_user=liaison_a)
    lead, co = DepartmentFactory(), DepartmentFactory()
    suggestion = services.suggestion_assign(suggestion=suggestion, lead_department=lead, co_departments=[co, lead],
                                            assigned_on=D(2026, 3, 31), acting_user=liaison_a)
    assert (suggestion.reply_due, suggestion.co_view_due) == (D(2026, 6, 30), D(2026, 4, 30))
    assert list(suggestion.co_departments.all()) == [co]
    assert suggestion.is_reply_overdue(D(2026, 7, 1)) and not suggestion.is_reply_overdue(D(2026, 6, 30))


def test_reply_fans_out_to_every_linked_problem_and_each_constituent(deputy_a, liaison_a, community_a, term):
    people = ConstituentFactory.create_batch(3, community=community_a)
    registered = register(deputy_a, liaison_a, constituents=people[:2])
    fed_back = drive(register(deputy_a, liaison_a, constituents=[people[2]]), State.FED_BACK, liaison_a)
    anonymous = register(deputy_a, liaison_a)
    # Another group's deputy joins; the problems are all the lead deputy's.
    suggestion = draft(deputy_a, liaison_a, problems=[registered, fed_back, anonymous])
    services.suggestion_submit(suggestion=suggestion, submitted_on=D(2026, 9, 20), acting_user=liaison_a)
    services.suggestion_assign(suggestion=suggestion, lead_department=DepartmentFactory(name="区城市管理局"),
                               assigned_on=D(2026, 9, 25), acting_user=liaison_a)
    queued = services.suggestion_record_reply(suggestion=suggestion, reply_text="已列入明年老旧小区改造计划",
                                              result_class="B", replied_on=D(2026, 11, 2), acting_user=liaison_a)
    assert queued == 3
    for problem in Problem.objects.filter(pk__in=[registered.pk, anonymous.pk]):
        assert problem.state == State.RESOLVED and problem.outcome == Problem.Outcome.RESOLVED
        assert "已列入明年老旧小区改造计划" in problem.result_summary and problem.result_on == D(2026, 11, 2)
        assert problem.history.first().history_change_reason == "constituents.problem.suggestion_replied"
    # Already fed back: its constituent was told, it is not moved again.
    assert Problem.objects.get(pk=fed_back.pk).state == State.FED_BACK
    pending = ProblemFeedback.objects.filter(suggestion=suggestion, status=ProblemFeedback.Status.PENDING)
    assert set(pending.values_list("constituent_id", flat=True)) == {people[0].pk, people[1].pk, None}
    # Each constituent is then told through the usual feedback step.
    services.problem_feedback(problem=registered, how="phone", when=D(2026, 11, 3), acting_user=liaison_a)
    assert Problem.objects.get(pk=registered.pk).state == State.FED_BACK


def test_class_c_reply_makes_problems_unsolvable_with_reason(deputy_a, liaison_a):
    problem = register(deputy_a, liaison_a)
    suggestion = draft(deputy_a, liaison_a, problems=[problem])
    services.suggestion_submit(suggestion=suggestion, submitted_on=D(2026, 9, 20), acting_user=liaison_a)
    services.suggestion_assign(suggestion=suggestion, lead_department=DepartmentFactory(), assigned_on=D(2026, 9, 25),
                               acting_user=liaison_a)
    services.suggestion_record_reply(suggestion=suggestion, reply_text="受财力所限暂不能实施", result_class="C",
                                     replied_on=D(2026, 11, 2), acting_user=liaison_a)
    problem.refresh_from_db()
    assert problem.state == State.UNSOLVABLE and problem.unsolvable_reason == "受财力所限暂不能实施"


def test_suggestion_states_are_checked(deputy_a, liaison_a):
    suggestion = draft(deputy_a, liaison_a)
    with pytest.raises(ValidationError, match="只有已提交"):
        services.suggestion_assign(suggestion=suggestion, lead_department=DepartmentFactory(), acting_user=liaison_a)
    with pytest.raises(ValidationError, match="只有已交办"):
        services.suggestion_record_reply(suggestion=suggestion, reply_text="x", result_class="A", acting_user=liaison_a)
    with pytest.raises(ValidationError, match="只有已答复"):
        services.suggestion_record_satisfaction(suggestion=suggestion, satisfaction=Satisfaction.SATISFIED,
                                                acting_user=liaison_a)
    services.suggestion_submit(suggestion=suggestion, submitted_on=D(2026, 3, 1), acting_user=liaison_a)
    services.suggestion_assign(suggestion=suggestion, lead_department=DepartmentFactory(), assigned_on=D(2026, 3, 2),
                               acting_user=liaison_a)
    services.suggestion_record_reply(suggestion=suggestion, reply_text="已采纳", result_class="A",
                                     replied_on=D(2026, 5, 2), acting_user=liaison_a)
    services.suggestion_record_satisfaction(suggestion=suggestion, satisfaction=Satisfaction.BASICALLY,
                                            note="希望加快进度", acting_user=liaison_a)
    suggestion.refresh_from_db()
    assert (suggestion.state, suggestion.satisfaction) == (Suggestion.State.CLOSED, Satisfaction.BASICALLY)


def test_suggestion_page_lists_only_problems_the_viewer_may_see(client_of, deputy_a, deputy_b, staff_user):
    from django.urls import reverse

    from constituents.tests.casework import register

    own = register(deputy_a, staff_user)
    other = register(deputy_b, staff_user)
    other.text = "光明社区楼道堆满杂物，存在消防隐患"
    other.save()
    suggestion = draft(deputy_a, staff_user, problems=[own, other])
    page = client_of(deputy_a.user).get(reverse("constituents:suggestion_detail", args=[suggestion.pk])).content.decode()
    assert "小区门口路灯坏了三个月" in page
    assert "光明社区楼道" not in page and "另有 1 条" in page
    staff_page = client_of(staff_user).get(reverse("constituents:suggestion_detail", args=[suggestion.pk])).content.decode()
    assert "光明社区楼道" in staff_page
