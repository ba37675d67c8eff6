from __future__ import annotations

from django.conf import settings


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        # One query per page: the unread count in the navigation bar.
        unread = user.notifications.filter(read_at__isnull=True).count()
    return {"unread_notifications": unread, "app_title": settings.LIAISON["SITE_NAME"],
            "district_name": settings.LIAISON["DISTRICT_NAME"]}
