"""The mailbox's tunable numbers. Defaults here; the office overrides any of
them with a `MAILBOX = {...}` dict in settings. Read at call time, so a test or
a deploy changes them without a code change."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Working days from registration to 送交 (delivery to the deputy), and from delivery to the reply.
    "DELIVER_WITHIN_WORKDAYS": 2,
    "REPLY_WITHIN_WORKDAYS": 5,
    # Online letters: length limits and the rate per address (django-ratelimit syntax).
    "LETTER_MIN_CHARS": 10,
    "LETTER_MAX_CHARS": 2000,
    "ONLINE_LETTER_RATE": "5/h",
    "TRACKING_LOOKUP_RATE": "30/h",
    # Tracking codes: length and an alphabet without 0/O, 1/I/L.
    "TRACKING_CODE_LENGTH": 12,
    "TRACKING_CODE_ALPHABET": "23456789ABCDEFGHJKMNPQRSTUVWXYZ",
}


def mailbox_setting(name: str) -> Any:
    overrides = getattr(settings, "MAILBOX", {}) or {}
    return overrides.get(name, DEFAULTS[name])
