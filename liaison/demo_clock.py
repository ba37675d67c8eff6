"""The demo's clock: what seed_demo builds through the services is stamped at the time it
would really have happened, not at the moment the command runs.

Inside `at(moment)`, django.utils.timezone.now() says `moment`, so auto_now_add fields
(notifications, submissions), the services' own "now" and the audit history all agree.
Used only by the demo modules; nothing else ever moves the clock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from contextlib import contextmanager
from unittest import mock
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")


def moment(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    """`day` at `hour`:`minute`, Beijing time, never later than the real now."""
    when = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)
    return min(when, _real_now() - dt.timedelta(minutes=5))


_real_now = timezone.now
_real_on_commit = transaction.on_commit


@contextmanager
def at(when: dt.datetime | dt.date, hour: int = 9, minute: int = 0):
    if not isinstance(when, dt.datetime):
        when = moment(when, hour, minute)
    when = min(when, _real_now() - dt.timedelta(minutes=5))

    def on_commit_at(func, using=None, robust=False):
        # A notice a service sends "on commit" is sent at the event's time too, though the
        # demo commits once at the end.
        def at_then():
            with mock.patch.object(timezone, "now", return_value=when):
                func()

        _real_on_commit(at_then, using=using, robust=robust)

    with mock.patch.object(timezone, "now", return_value=when), \
            mock.patch.object(transaction, "on_commit", on_commit_at):
        yield when


def settle_notifications() -> None:
    """A year of notices is not a year of unread mail: what is older than two weeks has been
    read, and everything the demo made was e-mailed when it was made (no burst at start-up)."""
    from django.db.models import F

    from .models import Notification
    from .notifications import forget_unread_counts

    Notification.objects.filter(emailed_at__isnull=True).update(emailed_at=F("created_at"))
    fortnight_ago = _real_now() - dt.timedelta(days=14)
    Notification.objects.filter(read_at__isnull=True, created_at__lt=fortnight_ago).update(
        read_at=F("created_at") + dt.timedelta(hours=5)
    )
    forget_unread_counts(None)


def spread(key, low: int, high: int) -> int:
    """A number in [low, high] that depends only on `key`: times vary from row to row without
    drawing from the demo's random generator (which would change every record after it)."""
    digest = hashlib.blake2b(repr(key).encode(), digest_size=4).digest()
    return low + int.from_bytes(digest, "big") % (high - low + 1)
