"""A real Celery worker (Redis in CI, the filesystem queue elsewhere) runs a task
and its effect lands in the database."""

from __future__ import annotations

import time

import pytest
from celery.contrib.testing.worker import start_worker

from liaison.celery import app
from liaison.models import Notification
from liaison.tasks import record_heartbeat
from liaison.tests.factories import UserFactory


@pytest.mark.django_db(transaction=True)
def test_real_worker_runs_a_task():
    UserFactory(username="heartbeat")
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            record_heartbeat.delay("heartbeat")
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                if Notification.objects.filter(dedupe_key="heartbeat:heartbeat").exists():
                    break
                time.sleep(0.2)
    finally:
        app.conf.task_always_eager = True
    assert Notification.objects.filter(dedupe_key="heartbeat:heartbeat").count() == 1
