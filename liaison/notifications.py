"""The one way to tell people something: an in-app notice and, where they have an address, an e-mail;
and, when the caller gives `sms_text`, a text message to their mobile (liaison.sms)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from .models import Notification, User
from .outbox import enqueue


@dataclass(frozen=True)
class Notice:
    recipient_id: int
    title: str
    body: str = ""
    url: str = ""
    # Same key for the same recipient → sent once, whoever runs the job and however often.
    dedupe_key: str | None = None
    # Opt-in SMS: at most 70 characters, never personal data (liaison.sms checks both).
    sms_text: str | None = None


def notify(
    recipients: Iterable[User] | User,
    *,
    title: str,
    body: str = "",
    url: str = "",
    dedupe_key: str | None = None,
    sms_text: str | None = None,
) -> int:
    """Notify one or several users; returns how many notices were new."""
    if isinstance(recipients, User):
        recipients = [recipients]
    return notify_many(
        Notice(recipient_id=user.pk, title=title, body=body, url=url, dedupe_key=dedupe_key, sms_text=sms_text)
        for user in recipients
    )


def notify_many(notices: Iterable[Notice]) -> int:
    """Set-based: one INSERT for any number of notices; duplicates by key are dropped by the database."""
    unique = {(n.recipient_id, n.dedupe_key or f"__none__{i}"): n for i, n in enumerate(notices)}
    if not unique:
        return 0
    keyed = [n for n in unique.values() if n.dedupe_key]
    before = (
        Notification.objects.filter(
            dedupe_key__in={n.dedupe_key for n in keyed},
            recipient_id__in={n.recipient_id for n in keyed},
        ).count()
        if keyed
        else 0
    )
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=n.recipient_id, title=n.title[:200], body=n.body, url=n.url,
                dedupe_key=n.dedupe_key,
            )
            for n in unique.values()
        ],
        ignore_conflicts=True,
    )
    forget_unread_counts({n.recipient_id for n in unique.values()})
    # The e-mails go through the outbox: kept with the notices, sent when the broker answers.
    enqueue("liaison.tasks.send_pending_notification_emails", dedupe_key="liaison.send_pending_emails")
    _queue_texts([n for n in unique.values() if n.sms_text])
    after = (
        Notification.objects.filter(
            dedupe_key__in={n.dedupe_key for n in keyed},
            recipient_id__in={n.recipient_id for n in keyed},
        ).count()
        if keyed
        else 0
    )
    return (len(unique) - len(keyed)) + (after - before)


def queue_notification_emails() -> None:
    """For notices inserted by set-based SQL (daily digests): their e-mails go through the outbox too,
    and every cached unread count is counted again (the SQL does not say whose changed)."""
    forget_unread_counts(None)
    enqueue("liaison.tasks.send_pending_notification_emails", dedupe_key="liaison.send_pending_emails")


def _queue_texts(notices: list[Notice]) -> None:
    if not notices:
        return
    from .sms import text_queue

    phones = dict(User.objects.filter(pk__in={n.recipient_id for n in notices}, is_active=True).exclude(phone="")
                  .values_list("pk", "phone"))
    for notice in notices:
        if notice.recipient_id in phones:
            key = f"notice:{notice.dedupe_key}" if notice.dedupe_key else f"notice:once:{uuid.uuid4().hex}"
            text_queue(phones=[phones[notice.recipient_id]], text=notice.sms_text, dedupe_key=key)


def mark_read(*, user: User, notification_ids: Iterable[int] | None = None) -> int:
    from django.utils import timezone

    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    changed = unread.update(read_at=timezone.now())
    forget_unread_counts({user.pk})
    return changed


# --- The unread count in the navigation bar, on every page ---------------------------------
# Kept in the cache (perf, issue 11) so that a page does not count notices. Every write above
# forgets the counts it changes: its recipients', or all of them after set-based SQL (a new
# generation). Forgotten at once and again after commit, so that a page that counted
# between the write and its commit does not keep the old number; the timeout bounds anything else.
UNREAD_GENERATION_KEY = "liaison:unread:generation"
UNREAD_TIMEOUT = 600
_MANY = 200  # more recipients than this: start a new generation instead of deleting each key


def _unread_key(user_id: int) -> str:
    return f"liaison:unread:{user_id}"


def unread_count(user: User) -> int:
    """How many notices `user` has not read, from the cache when it is current."""
    if not settings.LIAISON_SHARED_CACHE:
        return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    key = _unread_key(user.pk)
    cached = cache.get_many([UNREAD_GENERATION_KEY, key])
    generation = cached.get(UNREAD_GENERATION_KEY)
    entry = cached.get(key)
    if entry is not None and entry[0] == generation:
        return entry[1]
    count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    cache.set(key, (generation, count), UNREAD_TIMEOUT)
    return count


def forget_unread_counts(user_ids: Iterable[int] | None) -> None:
    """The unread counts of these users (None: of everyone) are counted again on their next page."""
    def forget() -> None:
        if ids is None or len(ids) > _MANY:
            cache.set(UNREAD_GENERATION_KEY, uuid.uuid4().hex, None)
        elif ids:
            cache.delete_many([_unread_key(user_id) for user_id in ids])

    ids = None if user_ids is None else set(user_ids)
    forget()
    transaction.on_commit(forget, robust=True)
