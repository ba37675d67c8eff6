from __future__ import annotations

from django.urls import reverse


def test_repeated_wrong_passwords_lock_the_account(client, deputy_a, settings):
    settings.AXES_ENABLED = True
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "deputy_a", "password": "wrong"})
    locked = client.post(reverse("login"), {"username": "deputy_a", "password": "Test@2026"})
    assert locked.status_code == 429
    assert "已暂时锁定" in locked.content.decode()


def test_the_security_administrator_unlocks_and_the_evidence_stays(client, deputy_a, settings):
    from liaison.models import AuditEvent, LoginLockout, Role
    from liaison.tests.factories import UserFactory

    settings.AXES_ENABLED = True
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "deputy_a", "password": "wrong"})
    lockout = LoginLockout.objects.get(username="deputy_a")
    # Office staff no longer see lockouts (三员分立), nor can anyone delete one in the admin.
    client.force_login(UserFactory(username="office", role=Role.STAFF, is_staff=True))
    assert client.get(reverse("admin:liaison_loginlockout_changelist")).status_code == 403
    security = UserFactory(username="sec", role=Role.SECURITY_ADMIN, is_staff=True)
    client.force_login(security)
    listing = client.get(reverse("admin:liaison_loginlockout_changelist")).content.decode()
    assert "登录锁定" in listing and "deputy_a" in listing
    assert client.post(reverse("admin:liaison_loginlockout_delete", args=[lockout.pk]),
                       {"post": "yes"}).status_code == 403
    client.post(reverse("admin:liaison_loginlockout_changelist"),
                {"action": "unlock", "_selected_action": [lockout.pk]})
    client.logout()
    unlocked = client.post(reverse("login"), {"username": "deputy_a", "password": "Test@2026"})
    assert unlocked.status_code == 302
    failures = AuditEvent.objects.filter(action="auth.login.failed", username="deputy_a", succeeded=False)
    assert failures.count() == settings.AXES_FAILURE_LIMIT
    assert AuditEvent.objects.filter(action="auth.locked_out", username="deputy_a").exists()
    unlock = AuditEvent.objects.get(action="auth.unlocked")
    assert unlock.user == security and "deputy_a" in unlock.detail
