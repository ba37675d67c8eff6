from __future__ import annotations

from django.conf import settings

from .notifications import unread_count


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        # The unread count in the navigation bar, from the cache (liaison.notifications).
        unread = unread_count(user)
    return {"unread_notifications": unread, "app_title": settings.LIAISON["SITE_NAME"],
            "district_name": settings.LIAISON["DISTRICT_NAME"]}
