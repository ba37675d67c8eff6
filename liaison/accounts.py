"""Account services: accounts are deactivated, never deleted."""

from __future__ import annotations

from django.db import transaction

from .audit import audited, record_event
from .models import User


@transaction.atomic
def user_deactivate(*, user: User, acting_user, reason: str = "", request=None) -> User:
    """Close an account: it can no longer log in; everything it did stays attributed to it."""
    if not user.is_active:
        return user
    user.is_active = False
    audited(user, action="accounts.user.deactivated", user=acting_user)
    user.save(update_fields=["is_active"])
    record_event(action="accounts.user.deactivated", request=request, user=acting_user, obj=user, detail=reason)
    return user
