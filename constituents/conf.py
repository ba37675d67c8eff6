"""Casework defaults from practice in other districts (SPEC §6).

A deployment overrides any of them with a `CASEWORK = {...}` dict in settings;
values are read at call time, so tests and the office's settings change them
without a restart of anything but the process.
"""

from __future__ import annotations

from django.conf import settings

DEFAULTS: dict[str, object] = {
    # A department replies within this many working days of the forwarding.
    "REPLY_WORKING_DAYS": 15,
    # A department may return (退办) a problem that is not its own within this many working days.
    "RETURN_WORKING_DAYS": 7,
    # Remind the deputy and the liaison when a registered problem waits this many days to be forwarded.
    "FORWARD_WITHIN_DAYS": 3,
    # A 建议 is answered within 3 months of being handed over; co-handlers send views within 1 month.
    "SUGGESTION_REPLY_MONTHS": 3,
    "CO_HANDLING_MONTHS": 1,
    # A 议案 needs several joint proposers.
    "BILL_MIN_PROPOSERS": 10,
    # Every deputy takes part in at least two contact activities a year.
    "ACTIVITIES_PER_YEAR": 2,
    # Each deputy aims to get one or two livelihood problems a year solved.
    "LIVELIHOOD_GOAL_MIN": 1,
    "LIVELIHOOD_GOAL_MAX": 2,
    # Departments are ranked only with at least this many cases in the year (SPEC §6).
    "DEPARTMENT_RANKING_MIN_CASES": 10,
    # A department signs for (签收) what it is given within this many working days: that is 响应.
    "ACCEPT_WORKING_DAYS": 1,
    # Departments hear a yellow warning (黄色预警) this many working days before the reply deadline.
    "DUE_SOON_WORKING_DAYS": 3,
    # Reply attachments (PDF or images).
    "ATTACHMENT_MAX_BYTES": 20 * 1024 * 1024,
    "ATTACHMENTS_PER_REPLY": 5,
    # A problem sent back for 重办 this many times is raised to the committee (提级督办).
    "ESCALATE_AFTER_SEND_BACKS": 3,
    # Photos of a contact activity.
    "PHOTO_MAX_BYTES": 10 * 1024 * 1024,
    "PHOTOS_PER_ACTIVITY": 9,
}


def casework_setting(name: str):
    overrides = getattr(settings, "CASEWORK", None) or {}
    if name in overrides:
        return overrides[name]
    return DEFAULTS[name]
