"""Production settings pass Django's deployment checks, with CSP and HSTS."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings
from django.urls import reverse

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k3-9zq!vR7#pL2@wX5$nT8^bY4&cM6*dF1(hJ0)sG-uE_aQ+oI=eZ",
    "SITE_URL": "https://liaison.example.gov.cn",
    "ALLOWED_HOSTS": "liaison.example.gov.cn",
}


def _manage(*args: str, **extra_env: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items()
           if key not in ("DJANGO_SETTINGS_MODULE", "LIAISON_HTTPS", "DEBUG")}
    env.update(PRODUCTION, DJANGO_SETTINGS_MODULE="liaison.settings", **extra_env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=300)


def test_check_deploy_passes_in_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_plain_http_local_run_turns_secure_cookies_and_hsts_off():
    result = _manage("shell", "-c", "from django.conf import settings as s; "
                     "print(s.SESSION_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS)",
                     LIAISON_HTTPS="false")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == ["False", "False", "0"]


def test_pages_carry_the_content_security_policy(client, db):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "img-src 'self' data:" in policy
    assert "style-src 'self' 'unsafe-inline'" in policy and "frame-ancestors 'none'" in policy
    public = client.get(reverse("mailbox:public_find"))
    assert "script-src 'self'" in public["Content-Security-Policy"]


def test_no_template_carries_inline_script():
    import re
    from pathlib import Path

    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=", re.IGNORECASE)
    offenders = [str(path.relative_to(settings.BASE_DIR)) for path in (Path(settings.BASE_DIR) / "templates").rglob("*.html")
                 if inline.search(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_https_redirect_and_hsts_in_production(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    assert client.get(reverse("login")).status_code == 301
    secure = client.get(reverse("login"), secure=True)
    assert "max-age=31536000" in secure["Strict-Transport-Security"]
