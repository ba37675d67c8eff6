"""The one way to tell people something: an in-app notice and, where they have an address, an e-mail;
and, when the caller gives `sms_text`, a text message to their mobile (liaison.sms)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

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
    """For notices inserted by set-based SQL (daily digests): their e-mails go through the outbox too."""
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
    return unread.update(read_at=timezone.now())
