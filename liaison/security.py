"""Sessions and login: the client address, session limits, the first-login
password change and the second factor.

The client address comes from one function, `client_ip`, used by django-axes
(lockouts), the audit log and history rows alike. A forwarded-for header is
believed only when the deployment says a trusted reverse proxy sets it.
"""

from __future__ import annotations

import ipaddress
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse


def _valid_ip(value: str) -> str | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [IPv6]:port
        value = value[1:value.index("]")]
    elif value.count(":") == 1:  # IPv4:port
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request, *args) -> str | None:
    """The address of the person at the other end.

    With LIAISON_TRUSTED_PROXY_HEADER unset, the connection's own address
    (REMOTE_ADDR): anything the client writes in X-Forwarded-For is ignored.
    With it set (e.g. "X-Forwarded-For"), the entry that the outermost of
    LIAISON_TRUSTED_PROXY_COUNT trusted proxies appended, counted from the
    right; a header too short to hold it falls back to REMOTE_ADDR.
    Extra arguments are accepted because django-axes passes its own.
    """
    if request is None:
        return None
    meta = request.META
    header = getattr(settings, "LIAISON_TRUSTED_PROXY_HEADER", "")
    if header:
        key = header.upper().replace("-", "_")
        if not key.startswith("HTTP_"):
            key = "HTTP_" + key
        hops = [part for part in meta.get(key, "").split(",") if part.strip()]
        count = max(int(getattr(settings, "LIAISON_TRUSTED_PROXY_COUNT", 1)), 1)
        if len(hops) >= count:
            address = _valid_ip(hops[-count])
            if address:
                return address
    return _valid_ip(meta.get("REMOTE_ADDR", "") or "")


def client_ip_for_rate_limit(request) -> str:
    """django-ratelimit's key: the same address, never empty (it refuses an empty one)."""
    return client_ip(request) or "0.0.0.0"


# --- Sessions: idle timeout and absolute limit ---------------------------------

LOGIN_AT = "liaison_login_at"
SEEN_AT = "liaison_seen_at"


def stamp_login(sender, request, user, **kwargs) -> None:
    """user_logged_in: start both clocks."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[LOGIN_AT] = now
        request.session[SEEN_AT] = now


class SessionLimitMiddleware:
    """Log out after LIAISON_SESSION_IDLE_SECONDS without a request, and
    LIAISON_SESSION_MAX_SECONDS after login whatever happens.

    The last-seen time is written at most once a minute, so an ordinary page
    view does not write the session row.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            session = request.session
            now = int(time.time())
            login_at = session.get(LOGIN_AT)
            seen_at = session.get(SEEN_AT)
            idle = settings.LIAISON_SESSION_IDLE_SECONDS
            absolute = settings.LIAISON_SESSION_MAX_SECONDS
            if login_at is None:
                session[LOGIN_AT] = login_at = now
            if (seen_at is not None and now - seen_at > idle) or now - login_at > absolute:
                from .audit import record_event

                record_event(request=request, action="auth.session.expired", user=user,
                             detail="空闲超时" if now - login_at <= absolute else "超过最长登录时间")
                logout(request)
                messages.info(request, "登录已超时，请重新登录。")
                return redirect(f"{reverse('login')}?next={request.get_full_path()}")
            if seen_at is None or now - seen_at >= 60:
                session[SEEN_AT] = now
        return self.get_response(request)


# --- First-login password change and the second factor ----------------------------

def _exempt(path: str) -> bool:
    prefixes = [reverse("login"), reverse("logout"), reverse("password_change"), reverse("otp_setup"),
                reverse("otp_verify"), settings.STATIC_URL]
    return any(path.startswith(prefix) for prefix in prefixes)


def needs_second_factor(user) -> bool:
    from .models import Role

    if not getattr(settings, "LIAISON_REQUIRE_2FA", False):
        return False
    return user.is_superuser or user.role in (
        Role.STAFF, Role.DEPARTMENT, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN,
    )


class LoginStepsMiddleware:
    """After the password: change a temporary password, then pass the second factor.

    Until both are done every page (the admin included) sends the person to
    the step that is missing. Runs after django_otp's OTPMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not _exempt(request.path):
            if user.must_change_password:
                return redirect(reverse("password_change"))
            if needs_second_factor(user) and not user.is_verified():
                from django_otp import user_has_device

                step = "otp_verify" if user_has_device(user) else "otp_setup"
                return redirect(f"{reverse(step)}?next={request.get_full_path()}")
        return self.get_response(request)


class DeniedRequestAuditMiddleware:
    """Every 403 (PermissionDenied, a refused CSRF token) leaves a row in the security log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403:
            from .audit import record_event

            user = getattr(request, "user", None)
            record_event(action="http.denied", request=request,
                         user=user if user is not None and user.is_authenticated else None,
                         succeeded=False, detail=f"{request.method} 被拒绝")
        return response
