"""The deputy's home page panels, kept rendered (perf, issue 11).

A deputy's home gathers five panels and two charts from every app: twenty queries and
two drawn charts, the slowest page a deputy opens. They are rendered once and kept in the
cache, each deputy's own, until anything in the casework changes: every save or delete of
a row of deputies, constituents, mailbox or reports (and every account change) starts a
new generation, and a kept rendering of an older generation is drawn again. What changes
without a save (set-based SQL, the day turning) is bounded by the timeout and the date in
the key; the page says when its figures were counted (数据更新于).

Only where the cache is shared by every process (settings.LIAISON_SHARED_CACHE, Redis): with a
local-memory cache each process would keep panels another process's write made stale.

The forms in the panels carry the visitor's own CSRF token: the kept text holds a marker
that is replaced on every view.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

GENERATION_KEY = "liaison:deputy_home:generation"
TIMEOUT = 300
WATCHED_APPS = frozenset({"deputies", "constituents", "mailbox", "reports"})
_CSRF_MARKER = "csrf-token-of-the-visitor-" + "0" * 38  # as long as a real token


def deputy_panels(request, deputy) -> tuple[str, object]:
    """The rendered panels of `deputy`'s home for request.user, and when they were counted."""
    user = request.user
    today = timezone.localdate()
    key = f"liaison:deputy_home:{user.pk}:{deputy.pk}"
    kept = cache.get_many([GENERATION_KEY, key]) if settings.LIAISON_SHARED_CACHE else {}
    generation = kept.get(GENERATION_KEY)
    entry = kept.get(key)
    if entry is not None and entry["generation"] == generation and entry["day"] == today:
        html, computed_at = entry["html"], entry["computed_at"]
    else:
        computed_at = timezone.now()
        html = render_to_string("liaison/_deputy_panels.html",
                                {"user": user, "deputy": deputy, "csrf_token": _CSRF_MARKER})
        if settings.LIAISON_SHARED_CACHE:
            cache.set(key, {"generation": generation, "day": today, "html": html, "computed_at": computed_at},
                      TIMEOUT)
    return mark_safe(html.replace(_CSRF_MARKER, get_token(request))), computed_at


def casework_changed(sender, **kwargs) -> None:
    """post_save / post_delete / m2m_changed: every deputy's kept panels are drawn again."""
    meta = sender._meta
    if (meta.app_label in WATCHED_APPS and not sender.__name__.startswith("Historical")) or meta.label == "liaison.User":
        cache.set(GENERATION_KEY, uuid.uuid4().hex, None)
