"""Audit: django-simple-history keeps a row of every change to every model,
made in a page, a service, a task or the admin. Services name the action
(a dotted name such as "mailbox.letter.registered") and the acting user."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AccessLog


def audited(instance: models.Model, *, action: str, user=None) -> models.Model:
    """Mark the next save of `instance` with who did it and which action it was."""
    instance._history_user = user if (user is not None and user.is_authenticated) else None
    instance._change_reason = action
    return instance


def log_access(*, user, obj: models.Model, action: str = AccessLog.Action.VIEWED, request=None) -> None:
    """Record that `user` saw or took out a person's data in full."""
    ip = None
    if request is not None:
        ip = request.META.get("REMOTE_ADDR")
    AccessLog.objects.create(
        user=user,
        action=action,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        ip_address=ip,
    )


def history_of(instance: models.Model, limit: int = 50):
    """The change history of one row, newest first, with users joined."""
    return instance.history.select_related("history_user").order_by("-history_date")[:limit]
