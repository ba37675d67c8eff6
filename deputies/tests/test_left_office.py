"""A deputy who leaves office: the account is deactivated (test_left_office_account.py); if the
security administrator lets it back in, it reads its own past records and nothing else of the
constituents, and writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from constituents import services as casework
from constituents.models import Problem
from constituents.tests.factories import ConstituentFactory, ContactActivityFactory, ProblemFactory
from deputies.models import Deputy, DeputyStatus
from deputies.services import deputy_leave
from liaison.models import Role
from liaison.tests.factories import UserFactory


@pytest.fixture
def records(deputy_a, community_a, constituency_a):
    """What deputy_a did while serving: a problem raised by a constituent, and a visit."""
    constituent = ConstituentFactory(community=community_a, name="赵桂芳", phone="13912345678")
    problem = ProblemFactory(deputy=deputy_a, text="楼道灯坏了")
    problem.constituents.set([constituent])
    activity = ContactActivityFactory(constituency=constituency_a, deputies=[deputy_a], summary="走访独居老人")
    return {"constituent": constituent, "problem": problem, "activity": activity}


def leave(deputy, staff_user, on=None):
    return deputy_leave(deputy=deputy, status=DeputyStatus.RESIGNED, left_on=on or timezone.localdate(),
                        acting_user=staff_user)


def leave_and_let_back_in(deputy, staff_user):
    """Leaving deactivates the account; the security administrator may activate it again."""
    leave(deputy, staff_user)
    type(deputy.user).objects.filter(pk=deputy.user_id).update(is_active=True)
    deputy.user.is_active = True


def test_leaving_ends_the_accounts_sessions(client_of, deputy_a, staff_user, deputy_b, records):
    client = client_of(deputy_a.user)
    assert client.get(reverse("constituents:constituent_list")).status_code == 200
    other = UserFactory(role=Role.DEPUTY)
    from django.test import Client

    other_client = Client()
    other_client.force_login(other)

    leave(deputy_a, staff_user)

    response = client.get(reverse("constituents:constituent_list"))
    assert response.status_code == 302 and "login" in response["Location"]
    # Only that account's sessions end.
    assert other_client.get(reverse("constituents:problem_list")).status_code == 200
    assert Session.objects.count() == 1


def test_after_leaving_no_constituents_are_listed_or_unmasked(client_of, deputy_a, staff_user, records):
    leave_and_let_back_in(deputy_a, staff_user)
    client = client_of(deputy_a.user)
    constituent = records["constituent"]

    page = client.get(reverse("constituents:constituent_list")).content.decode()
    assert "赵**" not in page and "赵桂芳" not in page
    detail = reverse("constituents:constituent_detail", args=[constituent.pk])
    assert client.get(detail).status_code == 403
    assert client.post(detail, {"reveal": "1"}).status_code == 403


def test_after_leaving_own_past_records_stay_readable(client_of, deputy_a, staff_user, records):
    leave_and_let_back_in(deputy_a, staff_user)
    client = client_of(deputy_a.user)
    problem_page = client.get(records["problem"].get_absolute_url())
    assert problem_page.status_code == 200 and "楼道灯坏了" in problem_page.content.decode()
    assert "赵桂芳" not in problem_page.content.decode()
    assert "楼道灯坏了" in client.get(reverse("constituents:problem_list")).content.decode()
    assert client.get(records["activity"].get_absolute_url()).status_code == 200


def test_after_leaving_every_write_page_refuses_in_chinese(client_of, deputy_a, staff_user, records):
    leave_and_let_back_in(deputy_a, staff_user)
    client = client_of(deputy_a.user)
    problem = records["problem"]
    for url in [reverse("constituents:activity_create"), reverse("constituents:problem_create"),
                reverse("constituents:suggestion_create"),
                reverse("constituents:problem_step", args=[problem.pk, "followup"])]:
        response = client.post(url, {})
        assert response.status_code == 403, url
    assert Problem.objects.count() == 1
    assert not client.get(problem.get_absolute_url()).context["actions"]


def test_after_leaving_every_service_refuses_in_chinese(deputy_a, staff_user, records, group_a):
    leave_and_let_back_in(deputy_a, staff_user)
    user = type(deputy_a.user).objects.get(pk=deputy_a.user_id)
    with pytest.raises((ValidationError, PermissionDenied), match="您已离任"):
        casework.problem_register(source=Problem.Source.VISIT, text="新问题", category="other", group=group_a,
                                  deputy=deputy_a, acting_user=user)
    with pytest.raises((ValidationError, PermissionDenied), match="您已离任"):
        casework.problem_update(problem=records["problem"], text="改过的内容", category="other",
                                is_livelihood=True, deputy=deputy_a, acting_user=user)
    assert Problem.objects.count() == 1
    assert Problem.objects.get().text == "楼道灯坏了"


def test_a_leaving_date_ahead_takes_effect_on_that_day(client_of, deputy_a, staff_user, records):
    today = timezone.localdate()
    leave(deputy_a, staff_user, on=today + dt.timedelta(days=10))
    user = type(deputy_a.user).objects.get(pk=deputy_a.user_id)
    assert user.can_write and not user.has_left_office
    client = client_of(deputy_a.user)
    assert "赵**" in client.get(reverse("constituents:constituent_list")).content.decode()

    Deputy.objects.filter(pk=deputy_a.pk).update(left_on=today)
    user = type(deputy_a.user).objects.get(pk=deputy_a.user_id)
    assert not user.can_write and user.has_left_office
    assert "您已离任" in user.write_refusal


def test_leaving_in_the_admin_goes_through_the_service(client_of, deputy_a, staff_user):
    staff_user.is_staff = True
    staff_user.save()
    client = client_of(staff_user)
    url = reverse("admin:deputies_deputy_change", args=[deputy_a.pk])
    form = client.get(url).context["adminform"].form
    data = {name: ("" if value is None else value) for name, value in form.initial.items()
            if not isinstance(value, list)}
    data.update({
        "status": DeputyStatus.TRANSFERRED, "left_on": timezone.localdate().isoformat(),
        "birth_month": deputy_a.birth_month.isoformat(),
        "term": deputy_a.term_id, "group": deputy_a.group_id, "constituency": deputy_a.constituency_id,
        "user": deputy_a.user_id,
    })
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    deputy_a.refresh_from_db()
    assert deputy_a.status == DeputyStatus.TRANSFERRED
    assert deputy_a.history.first().history_change_reason == "deputies.deputy.left"
