"""The office's own 回访, 发回重办 and 提级督办 after three send-backs."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from constituents import services
from constituents.models import Callback, CallbackResult, FeedbackMethod, Problem
from constituents.tests.casework import D, State, drive, register
from constituents.tests.factories import ConstituentFactory
from deputies.tests.factories import DepartmentFactory
from liaison.models import Role
from liaison.tests.factories import UserFactory


@pytest.fixture
def department(db):
    return DepartmentFactory(name="区民政局")


@pytest.fixture
def fed_back(deputy_a, liaison_a, community_a, department):
    person = ConstituentFactory(community=community_a)
    return drive(register(deputy_a, liaison_a, constituents=[person]), State.FED_BACK, liaison_a,
                 department=department)


def test_liaison_records_each_result_and_a_department_never_does(client_of, fed_back, liaison_a, department):
    person = fed_back.constituents.get()
    url = reverse("constituents:problem_step", args=[fed_back.pk, "callback"])
    client = client_of(liaison_a)
    assert client.post(url, {"called_on": "2026-09-13", "constituent": person.pk,
                             "result": "unreachable", "note": "无人接听"}).status_code == 302
    # Calling again replaces the answer for that person and round.
    client.post(url, {"called_on": "2026-09-14", "constituent": person.pk, "result": "basically", "note": ""})
    assert list(Callback.objects.values_list("result", flat=True)) == [CallbackResult.BASICALLY]
    page = client.get(fed_back.get_absolute_url()).content.decode()
    assert "基本满意" in page and "回访（联络工委、联络员）" in page
    dept_user = UserFactory(username="dept", role=Role.DEPARTMENT)
    department.users.add(dept_user)
    assert client_of(dept_user).post(url, {"called_on": "2026-09-14", "constituent": person.pk,
                                           "result": "satisfied"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.callback_record(problem=fed_back, constituent=person, result="satisfied", called_on=D(2026, 9, 14),
                                 acting_user=dept_user)


def test_dissatisfied_needs_a_reason_and_can_send_back(fed_back, liaison_a):
    person = fed_back.constituents.get()
    with pytest.raises(ValidationError):
        services.callback_record(problem=fed_back, constituent=person, result=CallbackResult.DISSATISFIED,
                                 called_on=D(2026, 9, 13), acting_user=liaison_a)
    satisfied = services.callback_record(problem=fed_back, constituent=person, result=CallbackResult.SATISFIED,
                                         called_on=D(2026, 9, 13), acting_user=liaison_a)
    with pytest.raises(ValidationError, match="不满意"):
        services.problem_send_back(problem=fed_back, callback=satisfied, acting_user=liaison_a)
    unhappy = services.callback_record(problem=fed_back, constituent=person, result=CallbackResult.DISSATISFIED,
                                       note="路灯又坏了", called_on=D(2026, 9, 14), acting_user=liaison_a)
    services.problem_send_back(problem=fed_back, callback=unhappy, sent_on=D(2026, 9, 15), acting_user=liaison_a)
    fed_back.refresh_from_db()
    assert (fed_back.state, fed_back.round, fed_back.sent_back_count) == (State.REGISTERED, 2, 1)
    assert "路灯又坏了" in fed_back.reopen_reason and fed_back.escalated_on is None
    assert fed_back.history.first().history_change_reason == "constituents.problem.sent_back"


def test_a_deputy_cannot_record_callbacks(client_of, fed_back, deputy_a):
    url = reverse("constituents:problem_step", args=[fed_back.pk, "callback"])
    assert client_of(deputy_a.user).get(url).status_code == 403


def test_third_send_back_is_raised_to_the_committee(client_of, fed_back, liaison_a, department, committee_user):
    person = fed_back.constituents.get()
    day = D(2026, 9, 13)
    for round_number in range(3):
        if round_number:
            services.problem_forward(problem=fed_back, departments=[department], forwarded_on=day,
                                     acting_user=liaison_a)
            forwarding = fed_back.forwardings.get(round=fed_back.round)
            services.problem_start_handling(problem=fed_back, forwarding=forwarding, accepted_on=day,
                                            acting_user=liaison_a)
            services.problem_record_reply(problem=fed_back, forwarding=forwarding, reply_text="已办", result_class="B",
                                          replied_on=day, acting_user=liaison_a)
            services.problem_resolve(problem=fed_back, result_summary="已列入计划", resolved_on=day,
                                     acting_user=liaison_a)
            services.problem_feedback(problem=fed_back, how=FeedbackMethod.PHONE, when=day, acting_user=liaison_a)
        callback = services.callback_record(problem=fed_back, constituent=person,
                                            result=CallbackResult.DISSATISFIED, note="没有解决", called_on=day,
                                            acting_user=liaison_a)
        services.problem_send_back(problem=fed_back, callback=callback, sent_on=day, acting_user=liaison_a)
        fed_back.refresh_from_db()
        assert (fed_back.escalated_on is not None) == (round_number == 2)
    assert fed_back.sent_back_count == 3
    board = client_of(committee_user).get(reverse("mailbox:issue_board")).content.decode()
    assert "提级督办" in board and fed_back.get_absolute_url() in board
    assert Problem.objects.filter(escalated_on__isnull=False).count() == 1
