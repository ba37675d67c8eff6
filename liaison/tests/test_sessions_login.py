"""Sessions and login: time limits, password content, first-login change, TOTP, lockouts, the proxy."""

from __future__ import annotations

import time

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from liaison.models import AuditEvent, Role
from liaison.passwords import ContentPasswordValidator
from liaison.security import LOGIN_AT, SEEN_AT, client_ip
from liaison.tests.factories import UserFactory


def _age_session(client, *, login_ago: int, seen_ago: int) -> None:
    session = client.session
    now = int(time.time())
    session[LOGIN_AT] = now - login_ago
    session[SEEN_AT] = now - seen_ago
    session.save()


def test_thirty_idle_minutes_end_the_session(client_of, deputy_a):
    client = client_of(deputy_a.user)
    _age_session(client, login_ago=29 * 60, seen_ago=29 * 60)
    assert client.get(reverse("home")).status_code == 200  # 29 minutes: still in
    _age_session(client, login_ago=31 * 60, seen_ago=31 * 60)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert client.get(reverse("home")).status_code == 302  # really logged out
    assert AuditEvent.objects.filter(action="auth.session.expired", user=deputy_a.user).exists()


def test_twelve_hours_end_the_session_however_busy(client_of, deputy_a):
    client = client_of(deputy_a.user)
    _age_session(client, login_ago=12 * 3600 + 60, seen_ago=10)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_session_cookie_lasts_no_longer_than_a_working_day(settings):
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


@pytest.mark.parametrize("password, message", [
    ("73920418", "至少 10 个字符"),
    ("Liaison2026", "过于常见"),
    ("alllowercaseletters", "至少三类"),
    ("Password123!", "过于常见"),
    ("zhangsan-2026!", "用户名"),
    ("Demo@2026", "至少 10 个字符"),
])
def test_weak_passwords_are_refused_in_chinese(password, message):
    user = UserFactory.build(username="zhangsan")
    with pytest.raises(ValidationError) as refused:
        ContentPasswordValidator().validate(password, user)
    assert any(message in text for text in refused.value.messages), refused.value.messages


def test_a_good_password_passes():
    ContentPasswordValidator().validate("Ruby-Lantern-47", UserFactory.build(username="zhangsan"))


def test_a_temporary_password_must_be_changed_first(client, db):
    UserFactory(username="newcomer", role=Role.LIAISON, must_change_password=True, password="Temp-Pass-2026")
    client.post(reverse("login"), {"username": "newcomer", "password": "Temp-Pass-2026"})
    home = client.get(reverse("home"))
    assert home.status_code == 302 and home.url == reverse("password_change")
    assert client.get(reverse("notifications")).url == reverse("password_change")
    page = client.get(reverse("password_change")).content.decode()
    assert "临时密码" in page
    weak = client.post(reverse("password_change"), {
        "old_password": "Temp-Pass-2026", "new_password1": "newcomer12", "new_password2": "newcomer12"})
    assert weak.status_code == 200 and "用户名" in weak.content.decode()
    done = client.post(reverse("password_change"), {
        "old_password": "Temp-Pass-2026", "new_password1": "Ruby-Lantern-47", "new_password2": "Ruby-Lantern-47"})
    assert done.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert AuditEvent.objects.filter(action="auth.password.changed", username="newcomer").exists()


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.mark.parametrize("role", [Role.STAFF, Role.DEPARTMENT, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN,
                                  Role.AUDIT_ADMIN])
def test_the_second_factor_is_required_for_these_roles(client, db, settings, role):
    settings.LIAISON_REQUIRE_2FA = True
    UserFactory(username="person", role=role, is_staff=role in (Role.STAFF, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN))
    response = client.post(reverse("login"), {"username": "person", "password": "Test@2026"})
    assert response.status_code == 302
    page = client.get(reverse("notifications"))
    assert page.status_code == 302 and page.url.startswith(reverse("otp_setup"))
    assert client.get(reverse("admin:index")).url.startswith(reverse("otp_setup"))


def test_deputies_need_no_second_factor(client_of, deputy_a, settings):
    settings.LIAISON_REQUIRE_2FA = True
    assert client_of(deputy_a.user).get(reverse("notifications")).status_code == 200


def test_enrol_then_verify_at_every_login(client, db, settings):
    settings.LIAISON_REQUIRE_2FA = True
    office = UserFactory(username="office", role=Role.STAFF, is_staff=True)
    client.post(reverse("login"), {"username": "office", "password": "Test@2026"})
    setup = client.get(reverse("otp_setup")).content.decode()
    assert "data:image/svg+xml" in setup and "otp-secret" in setup
    device = TOTPDevice.objects.get(user=office, confirmed=False)
    wrong = client.post(reverse("otp_setup"), {"token": "000000" if _code(device) != "000000" else "111111"})
    assert "动态口令不正确" in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # a wrong code makes the next try wait a moment (django-otp's throttling)
    client.post(reverse("otp_setup"), {"token": _code(device)})
    assert client.get(reverse("notifications")).status_code == 200
    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": "office", "password": "Test@2026"})
    assert client.get(reverse("notifications")).url.startswith(reverse("otp_verify"))
    device.refresh_from_db()
    device.last_t = -1  # the same 30-second step may be used once
    device.save()
    done = client.post(reverse("otp_verify"), {"token": _code(device), "next": reverse("notifications")})
    assert done.status_code == 302 and done.url == reverse("notifications")
    assert client.get(reverse("notifications")).status_code == 200
    assert AuditEvent.objects.filter(action="auth.otp.verified", user=office).exists()
    assert AuditEvent.objects.filter(action="auth.otp.failed", user=office, succeeded=False).exists()


def test_the_second_factor_is_on_by_default_in_production():
    import subprocess
    import sys

    from django.conf import settings

    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings as s;"
                               "print(s.LIAISON_REQUIRE_2FA, s.LIAISON_HTTPS)"],
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "liaison.settings", "DEBUG": "false",
             "SECRET_KEY": "x" * 60},
        cwd=settings.BASE_DIR, capture_output=True, text=True, check=True,
    )
    assert out.stdout.split() == ["True", "True"]


def test_one_account_locks_whatever_the_address(client, deputy_a, settings):
    settings.AXES_ENABLED = True
    for number in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "deputy_a", "password": "wrong"}, REMOTE_ADDR=f"10.0.0.{number}")
    locked = client.post(reverse("login"), {"username": "deputy_a", "password": "Test@2026"},
                         REMOTE_ADDR="10.0.0.200")
    assert locked.status_code == 429


def test_spraying_many_accounts_from_one_address_locks_the_address(client, deputy_a, settings):
    settings.AXES_ENABLED = True
    for number in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": f"guess{number}", "password": "Liaison2026"},
                    REMOTE_ADDR="203.0.113.7")
    sprayed = client.post(reverse("login"), {"username": "deputy_a", "password": "Test@2026"},
                          REMOTE_ADDR="203.0.113.7")
    assert sprayed.status_code == 429
    elsewhere = client.post(reverse("login"), {"username": "deputy_a", "password": "Test@2026"},
                            REMOTE_ADDR="198.51.100.1")
    assert elsewhere.status_code == 302


def test_forwarded_for_is_believed_only_from_a_configured_proxy(settings):
    factory = RequestFactory()
    request = factory.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9", REMOTE_ADDR="10.0.0.1")
    settings.LIAISON_TRUSTED_PROXY_HEADER = ""
    assert client_ip(request) == "10.0.0.1"  # the client wrote that header itself
    settings.LIAISON_TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    settings.LIAISON_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.9"  # what our one proxy saw; 1.2.3.4 is the client's claim
    settings.LIAISON_TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "1.2.3.4"
    garbage = factory.get("/", HTTP_X_FORWARDED_FOR="<script>", REMOTE_ADDR="10.0.0.1")
    assert client_ip(garbage) == "10.0.0.1"


def test_behind_the_proxy_each_person_is_locked_apart(client, deputy_a, settings):
    settings.AXES_ENABLED = True
    settings.LIAISON_TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": f"x{_}", "password": "bad"},
                    REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.50")
    assert AuditEvent.objects.filter(action="auth.login.failed", ip_address="203.0.113.50").count() == 5
    # Another person behind the same proxy is not locked out by the first one's failures.
    ok = client.post(reverse("login"), {"username": "deputy_a", "password": "Test@2026"},
                     REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert ok.status_code == 302
