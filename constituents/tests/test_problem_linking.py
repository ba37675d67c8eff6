"""并入 (issue 12 §6): ten letters about one streetlight become one case with ten constituents."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from constituents import figures, services
from constituents.models import FeedbackMethod, Problem, ProblemCategory, ProblemFeedback
from constituents.permissions import may
from constituents.selectors import similar_problems
from constituents.tests.casework import D, drive
from constituents.tests.factories import ConstituentFactory
from deputies.tests.factories import DepartmentFactory

State = Problem.State


def _register(deputy, user, community, text, *, category=ProblemCategory.URBAN_CONSTRUCTION, people=1):
    return services.problem_register(
        source=Problem.Source.LETTER, text=text, category=category, group=deputy.group, deputy=deputy,
        constituency=deputy.constituency, community=community, raised_on=D(2026, 9, 1), acting_user=user,
        constituents=[ConstituentFactory(community=community) for _ in range(people)],
    )


@pytest.fixture
def streetlight(deputy_a, liaison_a, community_a):
    """The main case and two later letters about the same broken streetlight."""
    main = _register(deputy_a, liaison_a, community_a, "幸福里社区3号楼前路灯坏了，晚上很黑")
    second = _register(deputy_a, liaison_a, community_a, "幸福里社区3号楼门口路灯一直不亮", people=2)
    third = _register(deputy_a, liaison_a, community_a, "3号楼前面的路灯坏了好久")
    return main, second, third


def test_similar_problems_offered_in_same_community_and_category(streetlight, deputy_a, liaison_a, community_a,
                                                                  community_b, deputy_b):
    main, second, _third = streetlight
    unrelated = _register(deputy_a, liaison_a, community_a, "社区老年食堂饭菜太咸", category=ProblemCategory.ELDERLY_CARE)
    other_place = _register(deputy_b, deputy_b.user, community_b, "幸福里社区3号楼前路灯坏了，晚上很黑")
    visible = Problem.objects.visible_to(liaison_a)
    found = similar_problems(visible, problem=second)
    ids = [p.pk for p in found]
    assert main.pk in ids
    assert unrelated.pk not in ids and other_place.pk not in ids and second.pk not in ids
    assert all(0 < p.similarity <= 100 for p in found)
    # Deputy B sees none of group A's cases as similar to theirs.
    assert similar_problems(Problem.objects.visible_to(deputy_b.user), problem=other_place) == []


def test_similar_ranks_closest_text_first(deputy_a, liaison_a, community_a):
    near = _register(deputy_a, liaison_a, community_a, "3号楼前路灯不亮")
    _far = _register(deputy_a, liaison_a, community_a, "小区围墙倒塌，存在安全隐患")
    new = _register(deputy_a, liaison_a, community_a, "3号楼门口路灯一直不亮，请修理")
    found = similar_problems(Problem.objects.visible_to(liaison_a), problem=new)
    assert found and found[0].pk == near.pk
    assert connection.vendor in ("postgresql", "sqlite")  # trigram on one, rapidfuzz on the other


def test_problem_page_offers_similar_and_links(streetlight, liaison_a, client_of):
    main, second, _third = streetlight
    client = client_of(liaison_a)
    page = client.get(second.get_absolute_url()).content.decode()
    assert "相似诉求" in page and f"诉求{main.pk}" in page
    response = client.post(reverse("constituents:problem_link", args=[second.pk]), {"main": main.pk})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.linked_to_id == main.pk
    page = client.get(second.get_absolute_url()).content.decode()
    assert "本诉求已并入" in page and ">转交部门<" not in page
    assert f"诉求{second.pk}" in client.get(main.get_absolute_url()).content.decode()


def test_link_post_with_bad_id_is_400(streetlight, liaison_a, client_of):
    _main, second, _third = streetlight
    response = client_of(liaison_a).post(reverse("constituents:problem_link", args=[second.pk]), {"main": "x1"})
    assert response.status_code == 400


def test_linked_problems_follow_the_main_case_and_every_constituent_is_fed_back(streetlight, liaison_a):
    main, second, third = streetlight
    services.problem_link(problem=second, main=main, acting_user=liaison_a)
    services.problem_link(problem=third, main=second, acting_user=liaison_a)  # into a linked one: its main case
    third.refresh_from_db()
    assert third.linked_to_id == main.pk
    department = DepartmentFactory()
    drive(main, State.HANDLING, liaison_a, department=department)
    for problem in (second, third):
        problem.refresh_from_db()
        assert problem.state == State.HANDLING
        assert not problem.forwardings.exists()  # not forwarded separately
    drive_rest = main.forwardings.get()
    services.problem_record_reply(problem=main, forwarding=drive_rest, reply_text="已安排维修", result_class="A",
                                  replied_on=D(2026, 9, 10), acting_user=liaison_a)
    services.problem_resolve(problem=main, result_summary="路灯已修复", resolved_on=D(2026, 9, 11),
                             acting_user=liaison_a)
    second.refresh_from_db()
    assert (second.state, second.outcome, second.result_summary) == (State.RESOLVED, "resolved", "路灯已修复")
    pending = ProblemFeedback.objects.filter(status=ProblemFeedback.Status.PENDING)
    assert set(pending.values_list("constituent_id", flat=True)) == {
        c.pk for p in (main, second, third) for c in p.constituents.all()
    }  # 1 + 2 + 1 people: each hears back
    # The main case told its own constituent: the linked ones still wait for theirs.
    services.problem_feedback(problem=main, how=FeedbackMethod.PHONE, when=D(2026, 9, 12), acting_user=liaison_a)
    second.refresh_from_db()
    assert second.state == State.RESOLVED
    services.problem_feedback(problem=second, how=FeedbackMethod.SMS, when=D(2026, 9, 12), acting_user=liaison_a)
    second.refresh_from_db()
    assert second.state == State.FED_BACK
    # Audited on the linked problem: who linked it, and each step it followed.
    reasons = list(second.history.values_list("history_change_reason", "history_user"))
    assert ("constituents.problem.linked", liaison_a.pk) in reasons
    assert ("constituents.problem.followed_main", liaison_a.pk) in reasons


def test_linking_into_a_case_with_a_result_queues_feedback_at_once(deputy_a, liaison_a, community_a):
    main = _register(deputy_a, liaison_a, community_a, "路灯坏了")
    drive(main, State.RESOLVED, liaison_a)
    late = _register(deputy_a, liaison_a, community_a, "路灯还是坏的")
    services.problem_link(problem=late, main=main, acting_user=liaison_a)
    late.refresh_from_db()
    assert late.state == State.RESOLVED
    assert late.feedbacks.filter(status=ProblemFeedback.Status.PENDING).count() == 1


def test_linked_problem_takes_no_case_step_of_its_own(streetlight, liaison_a, deputy_a):
    main, second, _third = streetlight
    services.problem_link(problem=second, main=main, acting_user=liaison_a)
    allowed, reason = may(liaison_a, "forward", problem=second)
    assert not allowed and f"已并入诉求{main.pk}" in reason
    with pytest.raises(PermissionDenied):
        services.problem_forward(problem=second, departments=[DepartmentFactory()], acting_user=liaison_a)
    assert may(liaison_a, "feedback", problem=second)[0]  # telling its own people stays its own


def test_link_refusals(streetlight, liaison_a, deputy_a, deputy_b, committee_user, community_b):
    main, second, third = streetlight
    with pytest.raises(PermissionDenied):
        services.problem_link(problem=second, main=main, acting_user=committee_user)
    with pytest.raises(ValidationError):
        services.problem_link(problem=second, main=second, acting_user=liaison_a)
    forwarded = drive(third, State.FORWARDED, liaison_a)
    with pytest.raises(ValidationError, match="尚未转交"):
        services.problem_link(problem=forwarded, main=main, acting_user=liaison_a)
    other_group = _register(deputy_b, deputy_b.user, community_b, "路灯坏了")
    with pytest.raises(ValidationError, match="同一代表组"):
        services.problem_link(problem=second, main=other_group, acting_user=liaison_a)
    done = drive(_register(deputy_a, liaison_a, second.community, "路灯"), State.FED_BACK, liaison_a)
    with pytest.raises(ValidationError, match="已办结并反馈"):
        services.problem_link(problem=second, main=done, acting_user=liaison_a)
    second.refresh_from_db()
    assert second.linked_to_id is None


def test_deputy_b_cannot_link_into_group_a_by_crafted_post(streetlight, deputy_b, community_b, client_of):
    main, _second, _third = streetlight
    own = _register(deputy_b, deputy_b.user, community_b, "路灯坏了")
    response = client_of(deputy_b.user).post(reverse("constituents:problem_link", args=[own.pk]), {"main": main.pk})
    assert response.status_code == 404
    own.refresh_from_db()
    assert own.linked_to_id is None


def test_figures_count_the_linked_case_once(streetlight, liaison_a):
    main, second, third = streetlight
    services.problem_link(problem=second, main=main, acting_user=liaison_a)
    services.problem_link(problem=third, main=main, acting_user=liaison_a)
    drive(main, State.FED_BACK, liaison_a, department=DepartmentFactory(name="区城市管理局"))
    from constituents.models import Forwarding

    district = figures.district_figures(Forwarding.objects.all(), figures.Period(2026))
    assert district["received"] == 1 and district["replied"] == 1
    [row] = figures.department_figures(Forwarding.objects.all(), figures.Period(2026))
    assert row["received"] == 1


def test_livelihood_count_counts_the_case_once(deputy_a, liaison_a, community_a):
    main = _register(deputy_a, liaison_a, community_a, "路灯坏了")
    main.is_livelihood = True
    main.save()
    linked = _register(deputy_a, liaison_a, community_a, "路灯坏了")
    linked.is_livelihood = True
    linked.save()
    services.problem_link(problem=linked, main=main, acting_user=liaison_a)
    drive(main, State.RESOLVED, liaison_a)
    assert list(Problem.objects.livelihood_solved().values_list("pk", flat=True)) == [main.pk]


def test_linked_problem_is_not_waiting_to_be_forwarded(streetlight, liaison_a, client_of):
    import datetime as dt

    from liaison.models import Notification

    main, second, _third = streetlight
    services.problem_link(problem=second, main=main, acting_user=liaison_a)
    later = dt.date(2026, 12, 31)
    services.casework_send_reminders(on=later)
    digest = Notification.objects.get(recipient=liaison_a)
    assert digest.title == "您有 2 件诉求待处理"  # main and the third letter; not the linked one


def test_problem_page_queries_do_not_grow_with_linked_or_similar(deputy_a, liaison_a, community_a, client_of,
                                                                 assert_flat_queries):
    main = _register(deputy_a, liaison_a, community_a, "3号楼前路灯坏了")
    new = _register(deputy_a, liaison_a, community_a, "3号楼前路灯坏了很久")
    # One problem follows the main case from the start: the page reads a list only when it has a row
    # (views_problem._lists_with_rows), so what is compared is one linked problem against six.
    first = _register(deputy_a, liaison_a, community_a, "3号楼前路灯坏了好几天", people=2)
    services.problem_link(problem=first, main=main, acting_user=liaison_a)

    def grow():
        for n in range(5):
            linked = _register(deputy_a, liaison_a, community_a, f"3号楼前路灯坏了{n}", people=2)
            services.problem_link(problem=linked, main=main, acting_user=liaison_a)
            _register(deputy_a, liaison_a, community_a, f"3号楼路灯不亮{n}")

    client = client_of(liaison_a)
    assert_flat_queries(client, main.get_absolute_url(), grow=grow, cap=40)
    assert_flat_queries(client, new.get_absolute_url(), grow=grow, cap=40)
