from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from .models import Notification


@shared_task(acks_late=True)
def send_pending_notification_emails(limit: int = 500) -> int:
    """E-mail notices not yet e-mailed. Each row is claimed by one UPDATE, so two
    workers never send the same e-mail."""
    sent = 0
    pending = (
        Notification.objects.filter(emailed_at__isnull=True)
        .exclude(recipient__email="")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in list(pending):
        claimed = Notification.objects.filter(pk=pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed:
            continue
        notice = Notification.objects.select_related("recipient").get(pk=pk)
        send_mail(
            subject=f"【{settings.LIAISON['SITE_NAME']}】{notice.title}",
            message=f"{notice.body}\n\n{notice.url}".strip(),
            from_email=None,
            recipient_list=[notice.recipient.email],
            fail_silently=True,
        )
        sent += 1
    return sent


@shared_task(acks_late=True, soft_time_limit=50, time_limit=60)
def record_heartbeat(label: str) -> None:
    """A task with a visible effect, used to check that a real worker runs."""
    from .models import User

    user = User.objects.get(username=label)
    Notification.objects.get_or_create(
        recipient=user, dedupe_key=f"heartbeat:{label}", defaults={"title": "后台任务运行正常"}
    )


@shared_task(acks_late=True, ignore_result=True)
def beat_heartbeat() -> None:
    """Sent by the beat every few minutes: its `last_run_at` is what /health/ reads (liaison/health.py)."""
