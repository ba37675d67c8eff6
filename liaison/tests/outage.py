"""Fixtures for Redis outages and real workers, imported by the tests that need them.

`redis_down`: the cache and the Celery broker point at a closed port (nothing
listens on 127.0.0.1:6390), and tasks are really published (not run eagerly).
`redis_back()` (returned by the fixture) points the broker back at the real one:
Redis when REDIS_URL is set (CI), the filesystem queue otherwise.
`run_worker(until)`: a real Celery worker in a thread until `until()` is true.
"""

from __future__ import annotations

import time

import pytest
from celery.contrib.testing.worker import start_worker

from liaison import cache, outbox
from liaison.celery import app

CLOSED_PORT_URL = "redis://127.0.0.1:6390/0"


@pytest.fixture
def redis_down(settings):
    real_broker = app.conf.broker_url
    cache._fallbacks.clear()  # each test starts with empty local counters
    settings.CACHES = {"default": {"BACKEND": "liaison.cache.ResilientRedisCache", "LOCATION": CLOSED_PORT_URL}}
    app.conf.task_always_eager = False
    app.conf.broker_url = CLOSED_PORT_URL

    def redis_back():
        app.conf.broker_url = real_broker
        outbox._broker_down_until = 0.0

    try:
        yield redis_back
    finally:
        app.conf.broker_url = real_broker
        app.conf.task_always_eager = True
        outbox._broker_down_until = 0.0


def run_worker(until, *, timeout: float = 60) -> bool:
    """Run a real worker (threaded, solo pool) until `until()` holds; returns whether it did."""
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if until():
                    return True
                time.sleep(0.2)
            return until()
    finally:
        app.conf.task_always_eager = eager
