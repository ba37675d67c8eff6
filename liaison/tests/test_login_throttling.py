from __future__ import annotations

from django.urls import reverse


def test_repeated_wrong_passwords_lock_the_account(client, deputy_a, settings):
    settings.AXES_ENABLED = True
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "deputy_a", "password": "wrong"})
    locked = client.post(reverse("login"), {"username": "deputy_a", "password": "Test@2026"})
    assert locked.status_code == 429
    assert "已暂时锁定" in locked.content.decode()
