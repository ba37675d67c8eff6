"""kill -9 a real worker process in the middle of sending an e-mail: the e-mail is sent
by the next worker, once (the broker is Redis in CI, the filesystem queue elsewhere).

The worker runs as its own process (`celery -A liaison worker`) on the test database:
on PostgreSQL the test database itself; on SQLite's in-memory test database a file
copy of it, copied back when the workers are done.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from liaison.celery import app
from liaison.models import Notification, OutboxMessage
from liaison.outbox import enqueue, publish_pending
from liaison.tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def database_for_a_worker_process(tmp_path):
    """A DATABASE_URL another process can open, holding what this test committed."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        yield (f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST'] or '127.0.0.1'}:"
               f"{settings['PORT'] or 5432}/{settings['NAME']}")
        return
    connection.ensure_connection()
    file = tmp_path / "worker.sqlite3"
    with contextlib.closing(sqlite3.connect(file)) as copy:
        connection.connection.backup(copy)
    yield f"sqlite:///{file}"
    with contextlib.closing(sqlite3.connect(file)) as copy:
        copy.backup(connection.connection)


def start_worker_process(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "liaison", "worker", "--pool=solo", "--without-gossip",
         "--without-mingle", "--without-heartbeat", "--loglevel=WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def wait_for(condition, timeout: float = 90, every: float = 0.3, then=None) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if then is not None:
            then()
        time.sleep(every)
    return condition()


def sent_lines(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_send_is_replaced_and_the_email_goes_once(tmp_path):
    user = UserFactory(username="kill9", email="kill9@example.org")
    Notification.objects.create(recipient=user, title="述职安排已确定")
    block, started, log = tmp_path / "block-once", tmp_path / "started", tmp_path / "sent.jsonl"
    block.touch()

    with database_for_a_worker_process(tmp_path) as database_url:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "liaison.tests.settings_worker",
               "DATABASE_URL": database_url, "CELERY_VISIBILITY_TIMEOUT": "3",
               "KILL_TEST_BLOCK_ONCE": str(block), "KILL_TEST_STARTED": str(started), "KILL_TEST_SENT_LOG": str(log),
               "PYTHONPATH": str(ROOT)}
        app.conf.task_always_eager = False
        workers = []
        try:
            # The sending task goes through the outbox to the real broker.
            enqueue("liaison.tasks.send_pending_notification_emails")
            assert publish_pending() >= 0  # (also run on commit; whichever came first published it)
            workers.append(start_worker_process(env))
            assert wait_for(started.exists), "the first worker never started sending"
            workers[0].send_signal(signal.SIGKILL)  # kill -9, mid-task, before the server accepted
            workers[0].wait(timeout=30)
            assert sent_lines(log) == []

            # A new worker; beat's relay comes round (here every few seconds) until the lease is over.
            workers.append(start_worker_process(env))

            def relay():
                enqueue("liaison.tasks.relay_outbox", dedupe_key="kill-test-relay")
                publish_pending()

            assert wait_for(lambda: sent_lines(log), every=3, then=relay), "the e-mail was never sent"
            # Let every queued relay and the redelivered original run out, then count.
            enqueue("liaison.tasks.record_heartbeat", "kill9")
            publish_pending()
            assert wait_for(lambda: _heartbeat_seen(database_url, user.pk)), "the worker stopped"
        finally:
            app.conf.task_always_eager = True
            for worker in workers:
                if worker.poll() is None:
                    worker.send_signal(signal.SIGTERM)
                    try:
                        worker.wait(timeout=30)
                    except subprocess.TimeoutExpired:
                        worker.kill()
                        worker.wait()

    assert [line["to"] for line in sent_lines(log)] == [["kill9@example.org"]]
    notice = Notification.objects.get(recipient=user, dedupe_key=None)
    assert notice.emailed_at is not None
    assert sent_lines(log)[0]["id"].startswith(f"<notification-{notice.pk}@")
    assert not OutboxMessage.objects.filter(published_at__isnull=True).exists()


def _heartbeat_seen(database_url: str, user_id: int) -> bool:
    if database_url.startswith("postgres"):
        return Notification.objects.filter(recipient_id=user_id, dedupe_key="heartbeat:kill9").exists()
    with contextlib.closing(sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=20)) as db:
        return db.execute("SELECT 1 FROM liaison_notification WHERE recipient_id = ? AND dedupe_key = ?",
                          (user_id, "heartbeat:kill9")).fetchone() is not None
