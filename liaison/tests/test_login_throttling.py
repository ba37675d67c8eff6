from __future__ import annotations

from django.urls import reverse


def test_repeated_wrong_passwords_lock_the_account(client, deputy_a, settings):
    settings.AXES_ENABLED = True
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "deputy_a", "password": "wrong"})
    locked = client.post(reverse("login"), {"username": "deputy_a", "password": "Test@2026"})
    assert locked.status_code == 429
    assert "已暂时锁定" in locked.content.decode()


def test_office_staff_unlock_an_account_in_the_admin(client, deputy_a, settings):
    from liaison.models import LoginLockout, Role
    from liaison.tests.factories import UserFactory

    settings.AXES_ENABLED = True
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "deputy_a", "password": "wrong"})
    lockout = LoginLockout.objects.get(username="deputy_a")
    office = UserFactory(username="office", role=Role.STAFF, is_staff=True)
    client.force_login(office)
    listing = client.get(reverse("admin:liaison_loginlockout_changelist")).content.decode()
    assert "登录失败记录" in listing and "deputy_a" in listing
    client.post(reverse("admin:liaison_loginlockout_delete", args=[lockout.pk]), {"post": "yes"})
    client.logout()
    unlocked = client.post(reverse("login"), {"username": "deputy_a", "password": "Test@2026"})
    assert unlocked.status_code == 302
