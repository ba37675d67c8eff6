from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F
from django.utils import timezone

from .models import Notification
from .urls_abs import absolute_url

logger = logging.getLogger(__name__)

EMAIL_LEASE = dt.timedelta(minutes=5)  # longer than an SMTP exchange (EMAIL_TIMEOUT)
EMAIL_MAX_ATTEMPTS = 8


def _message_id(notice: Notification) -> str:
    # The same id on a resend, so a mail system that saw the first copy can drop the second.
    host = (getattr(settings, "SITE_URL", "") or "liaison.localhost").split("://")[-1].split("/")[0].split(":")[0]
    return f"<notification-{notice.pk}@{host or 'liaison.localhost'}>"


@shared_task(acks_late=True)
def send_pending_notification_emails(limit: int = 500) -> int:
    """E-mail notices not yet e-mailed, at least once each.

    Each row is claimed with a lease (`email_claimed_until`) so two workers never
    send the same e-mail; `emailed_at` is set only after the backend accepted it.
    A failure waits (1, 2, 4 … minutes) for the next run; a worker killed
    mid-way leaves the row to whoever runs after the lease.
    """
    from .outbox import claim

    # A deactivated account (e.g. a deputy who left office) is sent nothing: its notices stay in-app.
    pending = Notification.objects.filter(emailed_at__isnull=True, email_attempts__lt=EMAIL_MAX_ATTEMPTS,
                                          recipient__is_active=True).exclude(recipient__email="")
    lease = dt.timedelta(seconds=getattr(settings, "LIAISON_EMAIL_LEASE_SECONDS", EMAIL_LEASE.total_seconds()))
    ids = claim(pending, field="email_claimed_until", lease=lease, limit=limit)
    sent = 0
    for notice in list(Notification.objects.filter(pk__in=ids).select_related("recipient").order_by("pk")):
        message = EmailMessage(
            subject=f"【{settings.LIAISON['SITE_NAME']}】{notice.title}",
            body=f"{notice.body}\n\n{absolute_url(notice.url)}".strip(),  # clickable from a mail client
            to=[notice.recipient.email],
            headers={"Message-ID": _message_id(notice)},
        )
        try:
            accepted = message.send(fail_silently=False)
        except Exception as error:  # SMTP refused, timed out, …: keep it for another try
            accepted, reason = 0, str(error)
        else:
            reason = "邮件服务器未接受" if not accepted else ""
        if not accepted:
            attempts = notice.email_attempts + 1
            Notification.objects.filter(pk=notice.pk).update(
                email_attempts=F("email_attempts") + 1, email_error=reason[:500],
                email_claimed_until=timezone.now() + dt.timedelta(minutes=2 ** min(attempts - 1, 6)),
            )
            logger.warning("E-mail for notice #%s not accepted (attempt %s): %s", notice.pk, attempts, reason)
            continue
        Notification.objects.filter(pk=notice.pk).update(
            emailed_at=timezone.now(), email_claimed_until=None, email_error="",
            email_attempts=F("email_attempts") + 1,
        )
        sent += 1
    return sent


@shared_task(acks_late=True)
def send_pending_text_messages(limit: int = 200) -> int:
    """Texts not yet sent, at least once each (see liaison.sms)."""
    from .sms import send_pending

    return send_pending(limit=limit)


@shared_task(acks_late=True)
def relay_outbox() -> dict:
    """Every minute (beat): publish the outbox, then send e-mails and texts whose turn has come.

    This is what catches up after a Redis outage, and what retries failed deliveries.
    """
    from .outbox import prune_published, publish_pending
    from .sms import send_pending

    return {
        "published": publish_pending(),
        "emails": send_pending_notification_emails(),
        "texts": send_pending(),
        "pruned": prune_published(),
    }


@shared_task(acks_late=True, soft_time_limit=50, time_limit=60)
def record_heartbeat(label: str) -> None:
    """A task with a visible effect, used to check that a real worker runs."""
    from .models import User
    from .notifications import forget_unread_counts

    user = User.objects.get(username=label)
    Notification.objects.get_or_create(
        recipient=user, dedupe_key=f"heartbeat:{label}", defaults={"title": "后台任务运行正常"}
    )
    forget_unread_counts({user.pk})


@shared_task(acks_late=True)
def refresh_district_figures() -> int:
    """Recompute the district-wide figures pages read (liaison.figures); safe to run any time, any number of times."""
    from .figures import refresh_all

    return refresh_all()


@shared_task(acks_late=True, ignore_result=True)
def beat_heartbeat() -> None:
    """Sent by the beat every few minutes: its `last_run_at` is what /health/ reads (liaison/health.py)."""


@shared_task(acks_late=True)
def run_export_job(job_id: int) -> bool:
    """Issue 12 §2: write one large Excel export (idempotent: a finished job is left alone)."""
    from .services_exports import export_job_run

    return export_job_run(job_id)


@shared_task(acks_late=True)
def delete_expired_exports() -> int:
    """Delete the files of Excel exports past their keeping time (the job rows stay)."""
    from .services_exports import delete_expired_exports as delete

    return delete()


@shared_task(acks_late=True)
def run_roster_import(roster_import_id: int) -> bool:
    """Check or import one uploaded roster (liaison.imports.run_roster_import)."""
    from .imports import run_roster_import as run

    return run(roster_import_id)
