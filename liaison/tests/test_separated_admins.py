"""三员分立: the system, security and audit administrators, and what office staff lost."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.urls import reverse

from liaison.models import AuditEvent, Role, User
from liaison.roles import ACCOUNT_POWERS, POWER_LABELS
from liaison.tests.factories import UserFactory

STRONG = "Ruby-Lantern-47"


@pytest.fixture
def people(db, deputy_a):
    """One account per role; administrators and staff enter the admin (is_staff)."""
    return {
        "staff": UserFactory(username="office", role=Role.STAFF, is_staff=True),
        "committee": UserFactory(username="committee", role=Role.COMMITTEE),
        "liaison": UserFactory(username="liaison", role=Role.LIAISON),
        "deputy": deputy_a.user,
        "department": UserFactory(username="dept", role=Role.DEPARTMENT),
        "sysadmin": UserFactory(username="sys", role=Role.SYSTEM_ADMIN, is_staff=True),
        "secadmin": UserFactory(username="sec", role=Role.SECURITY_ADMIN, is_staff=True),
        "auditadmin": UserFactory(username="aud", role=Role.AUDIT_ADMIN),
        "superuser": UserFactory(username="root", role=Role.STAFF, is_staff=True, is_superuser=True),
    }


# route → the roles that may open it; everyone else gets 403 (or the admin's login page).
MATRIX = {
    ("admin:liaison_user_changelist", "none"): {"sysadmin", "secadmin", "superuser"},
    ("admin:liaison_user_add", "none"): {"sysadmin", "superuser"},
    ("admin:liaison_user_change", "target"): {"sysadmin", "secadmin", "superuser"},
    ("admin:auth_user_password_change", "target"): {"superuser"},
    ("admin:liaison_user_delete", "target"): set(),
    ("admin:liaison_loginlockout_changelist", "none"): {"secadmin", "superuser"},
    ("admin:django_celery_beat_periodictask_changelist", "none"): {"sysadmin", "superuser"},
    ("admin:liaison_workdayoverride_changelist", "none"): {"staff", "sysadmin", "superuser"},
    ("admin:reports_evaluationcriteria_changelist", "none"): {"staff", "sysadmin", "superuser"},
    ("admin:deputies_deputy_changelist", "none"): {"staff", "superuser"},
    ("admin:constituents_constituent_changelist", "none"): {"staff", "superuser"},
    ("admin:auth_group_changelist", "none"): {"superuser"},
    ("admin:otp_totp_totpdevice_changelist", "none"): {"secadmin", "superuser"},
    ("audit_log", "none"): {"auditadmin"},
    ("audit_export", "csv"): {"auditadmin"},
}


def test_each_role_opens_exactly_its_routes(client, people):
    target = people["deputy"]
    checked = 0
    wrong = []
    for (route, arg), allowed in MATRIX.items():
        args = {"none": [], "target": [target.pk], "csv": ["csv"]}[arg]
        url = reverse(route, args=args)
        for role, user in people.items():
            client.force_login(user)
            status = client.get(url).status_code
            opened = status == 200
            if opened != (role in allowed) or status not in (200, 302, 403):
                wrong.append(f"{role} {route}: {status}")
            checked += 1
    assert wrong == []
    assert checked == len(MATRIX) * len(people) == 135


def test_staff_cannot_make_themselves_superuser(client, people):
    staff = people["staff"]
    client.force_login(staff)
    response = client.post(reverse("admin:liaison_user_change", args=[staff.pk]), {
        "username": "office", "is_superuser": "on", "is_staff": "on", "is_active": "on", "role": Role.STAFF,
    })
    assert response.status_code == 403
    staff.refresh_from_db()
    assert not staff.is_superuser
    assert AuditEvent.objects.filter(action="http.denied", user=staff, succeeded=False).exists()


def test_staff_cannot_reset_the_superusers_password(client, people):
    client.force_login(people["staff"])
    root = people["superuser"]
    response = client.post(reverse("admin:auth_user_password_change", args=[root.pk]),
                           {"password1": STRONG, "password2": STRONG})
    assert response.status_code == 403
    root.refresh_from_db()
    assert not root.check_password(STRONG)


def test_security_admin_sets_roles_but_not_superuser_or_staff_flags(client, people):
    security, target = people["secadmin"], people["liaison"]
    client.force_login(security)
    response = client.post(reverse("admin:liaison_user_change", args=[target.pk]), {
        "role": Role.STAFF, "is_active": "on", "is_superuser": "on", "username": "hijacked",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    target.refresh_from_db()
    assert target.role == Role.STAFF and target.is_staff  # the admin's door follows the role
    assert not target.is_superuser and target.username == "liaison"
    event = AuditEvent.objects.get(action="accounts.user.role_changed")
    assert event.user == security and event.object_id == str(target.pk)
    # Back to a casework role: the door closes.
    client.post(reverse("admin:liaison_user_change", args=[target.pk]), {"role": Role.LIAISON, "is_active": "on"})
    target.refresh_from_db()
    assert target.role == Role.LIAISON and not target.is_staff


def test_security_admin_changes_neither_their_own_role_nor_the_superuser(client, people):
    security, root = people["secadmin"], people["superuser"]
    client.force_login(security)
    client.post(reverse("admin:liaison_user_change", args=[security.pk]), {"role": Role.SYSTEM_ADMIN})
    security.refresh_from_db()
    assert security.role == Role.SECURITY_ADMIN and security.is_active
    client.post(reverse("admin:liaison_user_change", args=[root.pk]), {"role": Role.DEPUTY})
    root.refresh_from_db()
    assert root.role == Role.STAFF and root.is_active and root.is_superuser


def test_security_admin_deactivates_and_it_is_logged(client, people):
    security, deputy = people["secadmin"], people["deputy"]
    client.force_login(security)
    client.post(reverse("admin:liaison_user_change", args=[deputy.pk]), {"role": Role.DEPUTY})
    deputy.refresh_from_db()
    assert not deputy.is_active
    assert AuditEvent.objects.filter(action="accounts.user.deactivated", object_id=str(deputy.pk)).exists()


def test_system_admin_creates_plain_accounts_with_a_temporary_password(client, people):
    system = people["sysadmin"]
    client.force_login(system)
    weak = client.post(reverse("admin:liaison_user_add"), {
        "username": "newcomer", "password1": "73920418", "password2": "73920418",
    })
    assert weak.status_code == 200 and "密码至少 10 个字符" in weak.content.decode()
    assert not User.objects.filter(username="newcomer").exists()
    response = client.post(reverse("admin:liaison_user_add"), {
        "username": "newcomer", "password1": STRONG, "password2": STRONG, "last_name": "吴", "first_name": "新",
        "email": "n@example.com", "phone": "", "role": Role.STAFF, "is_superuser": "on", "is_staff": "on",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    account = User.objects.get(username="newcomer")
    assert account.role == Role.DEPUTY and not account.is_staff and not account.is_superuser
    assert account.must_change_password
    assert AuditEvent.objects.filter(action="accounts.user.created", user=system, object_id=str(account.pk)).exists()
    # The system administrator cannot set the role afterwards: that is the security administrator's.
    client.post(reverse("admin:liaison_user_change", args=[account.pk]), {
        "username": "newcomer", "last_name": "吴", "first_name": "新", "email": "n@example.com", "phone": "",
        "role": Role.STAFF, "is_active": "on",
    })
    account.refresh_from_db()
    assert account.role == Role.DEPUTY


def test_audit_admin_reads_the_log_and_nothing_else(client, people, deputy_a):
    auditor = people["auditadmin"]
    client.force_login(auditor)
    assert client.get(reverse("home")).url == reverse("audit_log")
    assert client.get(reverse("deputies:deputy_detail", args=[deputy_a.pk])).status_code == 404
    assert client.get(reverse("admin:index")).status_code == 302  # not an admin-site user


def test_an_administrator_is_never_also_the_superuser(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(username="both", role=Role.AUDIT_ADMIN, is_superuser=True)


def test_the_powers_table_names_each_power_once():
    assert set(ACCOUNT_POWERS) == set(POWER_LABELS)
    assert ACCOUNT_POWERS["account.delete"] == frozenset()
    assert all(Role.STAFF not in holders for holders in ACCOUNT_POWERS.values())


def test_deleting_a_user_is_refused_everywhere(client, people, deputy_a, staff_user):
    import datetime as dt

    from deputies.services import deputy_leave

    deputy_leave(deputy=deputy_a, status="resigned", left_on=dt.date(2026, 3, 1), acting_user=staff_user)
    with pytest.raises(ProtectedError), transaction.atomic():
        staff_user.delete()
    # A queryset delete may be stopped by the database itself (the audit
    # triggers): keep the test's transaction usable afterwards.
    with pytest.raises(ProtectedError), transaction.atomic():
        User.objects.filter(pk=staff_user.pk).delete()
    client.force_login(people["superuser"])
    assert client.get(reverse("admin:liaison_user_delete", args=[staff_user.pk])).status_code == 403
    assert User.objects.filter(pk=staff_user.pk).exists()
    assert deputy_a.history.filter(history_user=staff_user).exists()

