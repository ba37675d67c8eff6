"""The transactional outbox: the one way to send a Celery task.

`enqueue("app.tasks.name", ...)` writes an OutboxMessage in the caller's
transaction, so the task exists exactly when the work that wants it was saved.
After commit it is published at once if the broker answers; if not, nothing is
raised (a saved write never turns into an error page) and the row waits for the
relay: `relay_outbox` runs every minute under beat (liaison/schedules.py) and
`manage.py relay_outbox` does the same by hand or in a loop. Publishing is at
least once (a relay that dies between publishing and marking publishes again
after the lease), so every task is idempotent, as tasks here always are.

Rows are claimed before publishing: on PostgreSQL with SELECT … FOR UPDATE SKIP
LOCKED and an UPDATE of `claimed_until`, elsewhere by a conditional UPDATE per
row. Either way two relays never publish the same row.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=2)
# After the broker refused, this process leaves publishing to the relay for a while
# instead of making every request wait for a connection attempt.
BROKER_PAUSE_SECONDS = 10.0
KEEP_PUBLISHED = dt.timedelta(days=7)

_broker_down_until = 0.0


def enqueue(task: str, *args, dedupe_key: str | None = None, **kwargs) -> None:
    """Keep `task(*args, **kwargs)` in the outbox and publish it after commit.

    With `dedupe_key`, a second call while the first is still unpublished adds nothing.
    """
    OutboxMessage.objects.bulk_create(
        [OutboxMessage(task=task, args=list(args), kwargs=kwargs, dedupe_key=dedupe_key)],
        ignore_conflicts=bool(dedupe_key),
    )
    transaction.on_commit(publish_soon, robust=True)


def publish_soon() -> None:
    """After a commit: publish what is waiting, unless the broker refused a moment ago."""
    if time.monotonic() < _broker_down_until:
        return
    publish_pending()


def claim(queryset: QuerySet, *, field: str, lease: dt.timedelta, limit: int) -> list[int]:
    """Claim up to `limit` rows of `queryset` whose `field` (a lease time) is empty or past.

    Returns the claimed primary keys; no other caller gets them until the lease ends.
    """
    now = timezone.now()
    free = Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lt": now})
    candidates = queryset.filter(free).order_by("pk")
    if connection.vendor == "postgresql":
        with transaction.atomic():
            ids = list(candidates.select_for_update(skip_locked=True, of=("self",)).values_list("pk", flat=True)[:limit])
            queryset.model.objects.filter(pk__in=ids).update(**{field: now + lease})
        return ids
    claimed = []
    for pk in list(candidates.values_list("pk", flat=True)[:limit]):
        # The whole condition again, not only the lease: another caller may have claimed, sent
        # and released this row since it was read (published, so no longer in `queryset`).
        if queryset.filter(free, pk=pk).update(**{field: now + lease}):
            claimed.append(pk)
    return claimed


def _broker_errors() -> tuple[type[BaseException], ...]:
    from kombu.exceptions import OperationalError

    return (OperationalError, ConnectionError, OSError)


def _send(message: OutboxMessage, broker) -> None:
    from .celery import app

    if app.conf.task_always_eager:  # tests and single-process runs: run it here and now
        if message.task not in app.tasks:
            app.loader.import_default_modules()  # the apps' tasks modules (autodiscovery is lazy)
        app.tasks[message.task].apply(args=message.args, kwargs=message.kwargs, throw=True)
    else:
        app.send_task(message.task, args=message.args, kwargs=message.kwargs, connection=broker, retry=False)


def _broker_connection():
    from .celery import app

    # Fail fast: no retry loop inside a request; the relay is the retry.
    options = {**(app.conf.broker_transport_options or {}), "max_retries": 0, "connect_retries_timeout": 2}
    return app.connection_for_write(transport_options=options, connect_timeout=2)


def publish_pending(*, limit: int = 200) -> int:
    """Publish waiting rows until none is left or the broker refuses; returns how many."""
    global _broker_down_until
    published = 0
    while True:
        ids = claim(OutboxMessage.objects.filter(published_at__isnull=True), field="claimed_until",
                    lease=LEASE, limit=limit)
        if not ids:
            return published
        with _broker_connection() as broker:
            for message in list(OutboxMessage.objects.filter(pk__in=ids).order_by("pk")):
                try:
                    _send(message, broker)
                except _broker_errors() as error:
                    _broker_down_until = time.monotonic() + BROKER_PAUSE_SECONDS
                    _release(OutboxMessage.objects.filter(pk__in=ids, published_at__isnull=True), error)
                    logger.warning("Outbox: broker unavailable, tasks kept for the relay: %s", error)
                    return published
                except Exception as error:  # an eager task failed: keep it for another try
                    logger.exception("Outbox: task %s failed", message.task)
                    _release(OutboxMessage.objects.filter(pk=message.pk), error,
                             retry_at=timezone.now() + LEASE * (message.attempts + 1))
                    continue
                OutboxMessage.objects.filter(pk=message.pk).update(published_at=timezone.now(), claimed_until=None)
                published += 1
        _broker_down_until = 0.0


def _release(rows: QuerySet, error: Exception, *, retry_at: dt.datetime | None = None) -> None:
    rows.update(claimed_until=retry_at, attempts=F("attempts") + 1, last_error=str(error)[:500])


def prune_published(*, now: dt.datetime | None = None) -> int:
    """Published rows are kept a week for the record, then removed."""
    now = now or timezone.now()
    deleted, _ = OutboxMessage.objects.filter(published_at__lt=now - KEEP_PUBLISHED).delete()
    return deleted

