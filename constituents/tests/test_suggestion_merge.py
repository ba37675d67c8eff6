"""并案: identical items handled together; the lead item's reply answers each one and each deputy."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from constituents import services
from constituents.models import Problem, ProblemFeedback, Suggestion
from constituents.tests.casework import register
from constituents.tests.factories import ConstituentFactory
from constituents.tests.test_suggestions import draft
from deputies.tests.factories import DepartmentFactory
from liaison.models import Notification

D = dt.date


def submitted(deputy, user, **extra):
    suggestion = draft(deputy, user, **extra)
    services.suggestion_submit(suggestion=suggestion, submitted_on=D(2026, 9, 20), acting_user=user)
    return suggestion


def test_merged_item_is_answered_with_the_lead(deputy_a, deputy_b, staff_user, community_a, community_b,
                                               django_capture_on_commit_callbacks):
    lead = submitted(deputy_a, staff_user, problems=[register(deputy_a, staff_user,
                                                               constituents=[ConstituentFactory(community=community_a)])])
    services.suggestion_assign(suggestion=lead, lead_department=DepartmentFactory(name="区城市管理局"),
                               assigned_on=D(2026, 9, 25), acting_user=staff_user)
    other_problem = register(deputy_b, staff_user, constituents=[ConstituentFactory(community=community_b)])
    twin = submitted(deputy_b, staff_user, problems=[other_problem])
    twin = services.suggestion_merge(suggestion=twin, into=lead, acting_user=staff_user)
    assert twin.state == Suggestion.State.ASSIGNED and twin.lead_department.name == "区城市管理局"
    assert twin.history.latest().history_change_reason == "constituents.suggestion.merged"

    with pytest.raises(ValidationError, match="请在主件登记答复"):
        services.suggestion_record_reply(suggestion=twin, reply_text="x", result_class="A", acting_user=staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        queued = services.suggestion_record_reply(suggestion=lead, reply_text="已列入明年改造计划", result_class="B",
                                                  replied_on=D(2026, 11, 2), acting_user=staff_user)
    assert queued == 2
    twin.refresh_from_db()
    assert twin.state == Suggestion.State.REPLIED and "已列入明年改造计划" in twin.reply_text
    assert Problem.objects.get(pk=other_problem.pk).state == Problem.State.RESOLVED
    assert ProblemFeedback.objects.filter(suggestion=twin, status=ProblemFeedback.Status.PENDING).count() == 1
    # Each deputy gets an answer.
    for deputy in (deputy_a, deputy_b):
        assert Notification.objects.filter(recipient=deputy.user, title__contains="已答复").count() == 1


def test_merge_refuses_what_cannot_be_merged(deputy_a, staff_user):
    unassigned = submitted(deputy_a, staff_user)
    other = submitted(deputy_a, staff_user)
    with pytest.raises(ValidationError, match="主件须已交办"):
        services.suggestion_merge(suggestion=other, into=unassigned, acting_user=staff_user)
    with pytest.raises(ValidationError, match="不能并入自身"):
        services.suggestion_merge(suggestion=other, into=other, acting_user=staff_user)
    other.refresh_from_db()
    assert other.merged_into_id is None and other.state == Suggestion.State.SUBMITTED


def test_merge_page_offers_assigned_items_only(client_of, liaison_a, deputy_a, staff_user):
    lead = submitted(deputy_a, liaison_a)
    Suggestion.objects.filter(pk=lead.pk).update(title="关于增设公交线路的建议")
    services.suggestion_assign(suggestion=lead, lead_department=DepartmentFactory(), assigned_on=D(2026, 9, 25),
                               acting_user=liaison_a)
    twin = submitted(deputy_a, liaison_a)
    client = client_of(liaison_a)
    url = reverse("constituents:suggestion_step", args=[twin.pk, "merge"])
    assert "关于增设公交线路的建议" in client.get(url).content.decode()
    response = client.post(url, {"into": lead.pk})
    assert response.status_code == 302
    page = client.get(reverse("constituents:suggestion_detail", args=[twin.pk])).content.decode()
    assert "已并入" in page and "关于增设公交线路的建议" in page
