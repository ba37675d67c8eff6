"""A deputy who leaves office loses the account (issue 9 §High): deactivated and signed out,
whether the leaving is entered in the admin/service or comes with a roster import; an account
that also holds another role keeps it and loses only the deputy access. Only the security
administrator activates it again, and every step is in the audit log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.backends.cached_db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from constituents.tests.factories import ConstituentFactory, ProblemFactory
from deputies.models import Deputy, DeputyStatus
from deputies.resources import DeputyResource
from deputies.services import deputy_leave
from deputies.tasks import close_accounts_of_departed_deputies
from deputies.tests.test_import import xlsx
from liaison.importing import RosterXLSX
from liaison.models import AccessLog, AuditEvent, Role, User
from liaison.schedules import SCHEDULES
from liaison.tests.factories import UserFactory
from mailbox.models import Letter

PASSWORD = "Test@2026"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def leave(deputy, staff_user, on=None):
    return deputy_leave(deputy=deputy, status=DeputyStatus.RESIGNED, left_on=on or timezone.localdate(),
                        acting_user=staff_user)


def test_leaving_deactivates_the_account_and_ends_its_sessions(deputy_a, staff_user):
    client = signed_in(deputy_a.user)
    assert client.get(reverse("constituents:constituent_list")).status_code == 200

    leave(deputy_a, staff_user)

    account = User.objects.get(pk=deputy_a.user_id)
    assert not account.is_active
    assert not Session.objects.exists()
    # Sessions are read through the cache: the cached copy is gone as well, not only the row.
    assert not SessionStore().exists(client.session.session_key)
    assert client.get(reverse("constituents:constituent_list")).status_code == 302
    event = AuditEvent.objects.get(action="accounts.user.deactivated", object_id=str(account.pk))
    assert event.user == staff_user and "代表离任" in event.detail
    assert account.history.first().history_change_reason == "accounts.user.deactivated"
    # The deputy record keeps pointing at the account: the history of who did what stays readable.
    assert Deputy.objects.get(pk=deputy_a.pk).user_id == account.pk


def test_a_deactivated_leaver_cannot_sign_in_and_the_attempt_is_logged(client, deputy_a, staff_user):
    leave(deputy_a, staff_user)
    response = client.post(reverse("login"), {"username": "deputy_a", "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.login.failed", username="deputy_a", succeeded=False).exists()


def test_an_account_with_another_role_keeps_it_and_loses_only_the_deputy_access(
        deputy_a, staff_user, group_a, community_a):
    """A group's liaison who was also elected deputy: the liaison work goes on."""
    liaison = User.objects.get(pk=deputy_a.user_id)
    liaison.role = Role.LIAISON
    liaison.save()
    group_a.liaisons.add(liaison)
    client = signed_in(liaison)

    leave(deputy_a, staff_user)

    liaison.refresh_from_db()
    assert liaison.is_active and Session.objects.exists()
    deputy = Deputy.objects.get(pk=deputy_a.pk)
    assert deputy.user_id is None
    assert deputy.history.first().history_change_reason == "deputies.deputy.account_unlinked"
    assert AuditEvent.objects.filter(action="deputies.deputy.account_unlinked", object_id=str(deputy.pk)).exists()
    constituent = ConstituentFactory(community=community_a, name="赵桂芳")
    assert client.get(reverse("constituents:constituent_detail", args=[constituent.pk])).status_code == 200


def test_a_leaving_day_ahead_closes_the_account_on_that_day_by_the_nightly_job(deputy_a, staff_user):
    today = timezone.localdate()
    leave(deputy_a, staff_user, on=today + dt.timedelta(days=3))
    assert User.objects.get(pk=deputy_a.user_id).is_active
    assert close_accounts_of_departed_deputies(today.isoformat()) == 0

    Deputy.objects.filter(pk=deputy_a.pk).update(left_on=today)
    assert close_accounts_of_departed_deputies(today.isoformat()) == 1
    assert not User.objects.get(pk=deputy_a.user_id).is_active
    assert close_accounts_of_departed_deputies(today.isoformat()) == 0  # a second run changes nothing
    assert SCHEDULES["every-day-0005-close-accounts-of-departed-deputies"]["task"] == (
        "deputies.tasks.close_accounts_of_departed_deputies")


def test_a_roster_import_that_marks_a_deputy_as_left_closes_the_account(deputy_a, staff_user, deputy_b):
    client = signed_in(deputy_a.user)
    left_on = timezone.localdate()
    header = ["姓名", "性别", "出生年月", "选区", "代表组", "状态", "离任日期"]
    content = xlsx([[deputy_a.name, deputy_a.gender, f"{deputy_a.birth_month:%Y.%m}", deputy_a.constituency.name,
                     deputy_a.group.name, "调离", f"{left_on:%Y年%m月%d日}"]], header=header)
    dataset = RosterXLSX().create_dataset(content)
    result = DeputyResource().import_data(dataset, dry_run=False, user=staff_user)
    assert not result.has_validation_errors() and not result.has_errors(), result.invalid_rows

    deputy = Deputy.objects.get(pk=deputy_a.pk)
    assert (deputy.status, deputy.left_on) == (DeputyStatus.TRANSFERRED, left_on)
    assert deputy.history.first().history_change_reason == "deputies.deputy.left"
    assert not User.objects.get(pk=deputy_a.user_id).is_active
    assert client.get(reverse("constituents:constituent_list")).status_code == 302
    assert AuditEvent.objects.filter(action="accounts.user.deactivated", object_id=str(deputy_a.user_id)).exists()
    assert User.objects.get(pk=deputy_b.user_id).is_active


def test_a_roster_import_refuses_a_leaving_status_without_a_day(deputy_a, staff_user):
    header = ["姓名", "性别", "出生年月", "选区", "状态"]
    content = xlsx([[deputy_a.name, deputy_a.gender, f"{deputy_a.birth_month:%Y.%m}", deputy_a.constituency.name,
                     "辞职"]], header=header)
    result = DeputyResource().import_data(RosterXLSX().create_dataset(content), dry_run=False, user=staff_user)
    assert result.has_validation_errors()
    assert "已离任的代表请填写离任日期" in str(result.invalid_rows[0].error_dict)
    assert User.objects.get(pk=deputy_a.user_id).is_active


@pytest.fixture
def reactivated(deputy_a, staff_user, community_a):
    """A leaver the security administrator let back in (e.g. to read their own past records)."""
    constituent = ConstituentFactory(community=community_a, name="赵桂芳", phone="13912345678")
    problem = ProblemFactory(deputy=deputy_a, text="楼道灯坏了")
    problem.constituents.set([constituent])
    letter_problem = ProblemFactory(deputy=deputy_a, text="路灯坏了")
    letter = Letter.objects.create(problem=letter_problem, channel=Letter.Channel.ONLINE, sender_name="张大山",
                                   sender_contact="13812345678", received_at=timezone.now())
    leave(deputy_a, staff_user)
    security = UserFactory(username="sec", role=Role.SECURITY_ADMIN, is_staff=True)
    response = signed_in(security).post(reverse("admin:liaison_user_change", args=[deputy_a.user_id]),
                                        {"role": Role.DEPUTY, "is_active": "on"})
    assert response.status_code == 302
    return {"account": User.objects.get(pk=deputy_a.user_id), "security": security,
            "constituent": constituent, "problem": problem, "letter": letter}


def test_only_the_security_administrator_activates_a_leaver_again_and_it_is_logged(reactivated, deputy_a):
    account = reactivated["account"]
    assert account.is_active
    event = AuditEvent.objects.get(action="accounts.user.activated", object_id=str(account.pk))
    assert event.user == reactivated["security"]
    account.is_active = False
    account.save()
    for role in (Role.STAFF, Role.SYSTEM_ADMIN):
        other = UserFactory(role=role, is_staff=True)
        signed_in(other).post(reverse("admin:liaison_user_change", args=[account.pk]),
                              {"role": Role.DEPUTY, "is_active": "on"})
        assert not User.objects.get(pk=account.pk).is_active, role


def test_a_reactivated_leaver_still_unmasks_nobody_and_each_refusal_is_logged(reactivated):
    client = signed_in(reactivated["account"])
    constituent = reactivated["constituent"]
    detail = reverse("constituents:constituent_detail", args=[constituent.pk])
    assert client.post(detail, {"reveal": "1"}).status_code == 403
    assert client.get(detail).status_code == 403
    page = client.get(reactivated["problem"].get_absolute_url()).content.decode()
    assert "赵桂芳" not in page and "13912345678" not in page

    letter_page = reverse("mailbox:letter_detail", args=[reactivated["letter"].pk])
    assert client.get(letter_page).status_code == 200  # their own past letter, masked
    response = client.post(letter_page, {"reveal": "1"})
    assert response.status_code == 403
    assert "张大山" not in response.content.decode()

    assert not AccessLog.objects.filter(user=reactivated["account"]).exists()
    denials = AuditEvent.objects.filter(action="http.denied", user=reactivated["account"], succeeded=False)
    assert denials.count() >= 2


def test_a_deactivated_leaver_is_sent_no_email_or_text(deputy_a, staff_user, mailoutbox):
    """Notices about casework go on being written for an account (a reminder job does not know who
    left), but nothing leaves the office for a deactivated one: no e-mail, no text."""
    from liaison.models import TextMessage
    from liaison.notifications import notify
    from liaison.tasks import send_pending_notification_emails

    account = User.objects.get(pk=deputy_a.user_id)
    account.phone = "13812345678"
    account.save()
    notify(account, title="待办提醒", body="楼道灯坏了", sms_text="您有新的待办事项")
    leave(deputy_a, staff_user)
    notify(account, title="又一条提醒", body="路灯坏了", sms_text="您有新的待办事项，请登录查看")

    assert send_pending_notification_emails() == 0 and mailoutbox == []
    assert not TextMessage.objects.filter(text="您有新的待办事项，请登录查看").exists()
    active = UserFactory(role=Role.LIAISON)
    notify(active, title="提醒")
    assert send_pending_notification_emails() == 1
