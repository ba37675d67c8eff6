"""At-least-once delivery, exactly once in effect: marked sent only after the backend
accepted, retried after failures and crashes, never sent twice by two jobs."""

from __future__ import annotations

import ast
import datetime as dt
import threading
import time
from pathlib import Path

import pytest
from django.core import mail
from django.db import OperationalError, connection, connections, transaction
from django.utils import timezone

from liaison import outbox
from liaison.models import Notification, OutboxMessage
from liaison.notifications import notify
from liaison.tasks import EMAIL_LEASE, relay_outbox, send_pending_notification_emails


class RefusingBackend:
    """An SMTP server that refuses: nothing is accepted."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP 服务器拒绝连接")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what a commit would run (the outbox publishing) for `with committed():` blocks."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def with_email(deputy_a):
    deputy_a.user.email = "zhang@example.org"
    deputy_a.user.save()
    return deputy_a.user


def test_an_email_the_server_refused_is_not_marked_and_is_sent_on_a_later_run(with_email, settings, committed):
    settings.EMAIL_BACKEND = "liaison.tests.test_delivery.RefusingBackend"
    with committed():
        notify(with_email, title="信箱未开启", dedupe_key="mailbox.unopened:1:2026-W47")
    notice = Notification.objects.get()
    notice.refresh_from_db()
    assert notice.emailed_at is None and notice.email_attempts == 1 and "拒绝" in notice.email_error
    # The server is back, but the retry waits for its time (1 minute after the first failure).
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_pending_notification_emails() == 0
    Notification.objects.filter(pk=notice.pk).update(email_claimed_until=timezone.now() - dt.timedelta(seconds=1))
    assert relay_outbox()["emails"] == 1
    notice.refresh_from_db()
    assert notice.emailed_at is not None and notice.email_error == ""
    assert [m.to for m in mail.outbox] == [["zhang@example.org"]]
    # Same message id on every try, so a mail system can drop a copy.
    assert mail.outbox[0].extra_headers["Message-ID"].startswith(f"<notification-{notice.pk}@")


def test_a_sender_that_died_after_claiming_is_replaced_after_the_lease(with_email, settings, committed):
    settings.EMAIL_BACKEND = "liaison.tests.test_delivery.RefusingBackend"
    with committed():
        notify(with_email, title="来信未送交")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    notice = Notification.objects.get()
    # A worker claimed it and was killed (kill -9) before the server accepted: the lease is running.
    Notification.objects.filter(pk=notice.pk).update(email_claimed_until=timezone.now() + EMAIL_LEASE)
    assert send_pending_notification_emails() == 0 and mail.outbox == []
    # The lease ran out: the next run sends it, once.
    Notification.objects.filter(pk=notice.pk).update(email_claimed_until=timezone.now() - dt.timedelta(seconds=1))
    assert send_pending_notification_emails() == 1
    assert send_pending_notification_emails() == 0
    assert len(mail.outbox) == 1


def test_one_job_run_twice_and_the_same_reminder_twice_send_one_email(with_email, committed):
    for _ in range(2):
        with committed():
            notify(with_email, title="信箱未开启", dedupe_key="mailbox.unopened:7:2026-W48")
        send_pending_notification_emails()
        relay_outbox()
    assert len(mail.outbox) == 1


def _race(target, count=2):
    """Run `target` in `count` threads released together; SQLite's shared in-memory test
    database locks whole tables where PostgreSQL lets them race, so there a thread retries."""
    barrier = threading.Barrier(count)
    errors, results = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            for attempt in range(40):
                try:
                    results.append(target())
                    break
                except OperationalError:
                    if connection.vendor != "sqlite" or attempt == 39:
                        raise
                    time.sleep(0.05)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results


@pytest.mark.django_db(transaction=True)
def test_two_beats_at_once_send_each_email_once(deputy_a, deputy_b):
    for user in (deputy_a.user, deputy_b.user):
        user.email = f"{user.username}@example.org"
        user.save()
        with transaction.atomic():
            for index in range(10):
                Notification.objects.create(recipient=user, title=f"提醒{index}")
    _race(send_pending_notification_emails)
    assert len(mail.outbox) == 20
    assert len({(m.to[0], m.subject) for m in mail.outbox}) == 20
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_two_relays_at_once_publish_each_task_once(monkeypatch):
    published = []
    lock = threading.Lock()

    def record(message, broker):
        with lock:
            published.append(message.pk)

    monkeypatch.setattr(outbox, "_send", record)
    OutboxMessage.objects.bulk_create([OutboxMessage(task="liaison.tasks.relay_outbox") for _ in range(30)])
    _race(outbox.publish_pending)
    assert sorted(published) == sorted(OutboxMessage.objects.values_list("pk", flat=True))
    assert not OutboxMessage.objects.filter(published_at__isnull=True).exists()


def test_claimed_rows_are_skipped_until_their_lease_ends(db):
    rows = OutboxMessage.objects.bulk_create([OutboxMessage(task="liaison.tasks.relay_outbox") for _ in range(3)])
    pending = OutboxMessage.objects.filter(published_at__isnull=True)
    first = outbox.claim(pending, field="claimed_until", lease=outbox.LEASE, limit=2)
    second = outbox.claim(pending, field="claimed_until", lease=outbox.LEASE, limit=10)
    assert len(first) == 2 and second == [rows[2].pk]
    assert outbox.claim(pending, field="claimed_until", lease=outbox.LEASE, limit=10) == []
    OutboxMessage.objects.filter(pk=first[0]).update(claimed_until=timezone.now() - dt.timedelta(seconds=1))
    assert outbox.claim(pending, field="claimed_until", lease=outbox.LEASE, limit=10) == [first[0]]


def test_an_unpublished_task_is_kept_once_per_key(db, django_capture_on_commit_callbacks):
    from liaison.celery import app

    app.conf.task_always_eager = False
    app.conf.broker_url, real = "redis://127.0.0.1:6390/0", app.conf.broker_url
    try:
        with django_capture_on_commit_callbacks(execute=True):
            for _ in range(3):
                outbox.enqueue("liaison.tasks.send_pending_notification_emails", dedupe_key="emails")
            outbox.enqueue("liaison.tasks.send_pending_text_messages")
    finally:
        app.conf.task_always_eager, app.conf.broker_url = True, real
        outbox._broker_down_until = 0.0
    assert OutboxMessage.objects.filter(published_at__isnull=True).count() == 2
    assert OutboxMessage.objects.get(dedupe_key="emails").attempts >= 1


def test_no_task_is_sent_around_the_outbox_and_no_after_commit_hook_can_fail_a_request():
    """The pattern, everywhere: `.delay()`/`.apply_async()` only inside the outbox, and every
    `transaction.on_commit` is robust (an error after commit is logged, never a 500)."""
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in sorted(root.glob("*/**/*.py")):
        relative = path.relative_to(root).as_posix()
        if relative.startswith((".venv/", "var/", "benchmarks/")) or "/tests/" in relative or "/migrations/" in relative:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr in {"delay", "apply_async", "send_task"} and relative != "liaison/outbox.py":
                offenders.append(f"{relative}:{node.lineno} sends a task directly; use liaison.outbox.enqueue")
            robust = any(k.arg == "robust" and getattr(k.value, "value", None) is True for k in node.keywords)
            if node.func.attr == "on_commit" and not robust:
                offenders.append(f"{relative}:{node.lineno} on_commit without robust=True")
    assert offenders == []
