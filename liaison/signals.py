"""Login events, lockouts and refused account deletions go to the security log."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from .audit import record_event
from .home import casework_changed
from .models import AccountDeletionRefused, User
from .security import stamp_login


def on_logged_in(sender, request, user, **kwargs) -> None:
    stamp_login(sender, request, user)
    record_event(action="auth.login.succeeded", request=request, user=user)


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    record_event(action="auth.login.failed", request=request, user=None, succeeded=False,
                 username=str(credentials.get("username", ""))[:150])


def on_logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        record_event(action="auth.logout", request=request, user=user)


def on_locked_out(sender, request, username, ip_address, **kwargs) -> None:
    record_event(action="auth.locked_out", request=request, user=None, succeeded=False,
                 username=str(username or "")[:150])


def refuse_user_deletion(sender, instance, **kwargs) -> None:
    # Covers QuerySet.delete() and cascades, which do not call User.delete().
    raise AccountDeletionRefused(instance)


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="liaison.audit.logged_in")
    user_login_failed.connect(on_login_failed, dispatch_uid="liaison.audit.login_failed")
    user_logged_out.connect(on_logged_out, dispatch_uid="liaison.audit.logged_out")
    user_locked_out.connect(on_locked_out, dispatch_uid="liaison.audit.locked_out")
    pre_delete.connect(refuse_user_deletion, sender=User, dispatch_uid="liaison.user.no_delete")
    post_save.connect(casework_changed, dispatch_uid="liaison.deputy_home.saved")
    post_delete.connect(casework_changed, dispatch_uid="liaison.deputy_home.deleted")
    m2m_changed.connect(casework_changed, dispatch_uid="liaison.deputy_home.m2m")
