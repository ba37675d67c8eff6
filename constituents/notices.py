"""Who hears about a problem's steps beyond the page: in-app notices, e-mails and texts (SMS).

Texts carry fixed wording only (liaison.sms): never a name, a phone or the problem's text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.dispatch import Signal

from deputies.models import Department
from liaison.models import Role, User
from liaison.notifications import notify
from liaison.sms import followup_due_text, forwarded_text

# Sent inside the transaction that records a result (已办结 / 暂不能解决), with `problem`.
# The mailbox listens: the writer of an online letter gets a text with the tracking link.
problem_result_ready = Signal()


def department_users(departments: Iterable[Department]) -> list[User]:
    """The active accounts of these departments (role 承办单位).

    Department accounts are linked to their Department by the casework-roles work
    (`User.department`); before that link exists nobody is returned.
    """
    if not any(field.name == "department" for field in User._meta.get_fields()):
        return []
    return list(User.objects.filter(role=Role.DEPARTMENT, is_active=True,
                                    department__in=[d.pk for d in departments]))


def tell_departments_forwarded(forwardings, *, recipients: Iterable[User] | None = None) -> int:
    """A case was forwarded: each department's users get a notice and, with a mobile, a text."""
    sent = 0
    for forwarding in forwardings:
        users = list(recipients) if recipients is not None else department_users([forwarding.department])
        if users:
            sent += notify(
                users, title=f"新转交的群众诉求（{forwarding.problem.get_category_display()}）",
                body=f"请于{forwarding.deadline:%Y年%m月%d日}前答复。", url=forwarding.problem.get_absolute_url(),
                dedupe_key=f"constituents.forwarding.created:{forwarding.pk}", sms_text=forwarded_text(),
            )
    return sent


def tell_office_followup_due(problem, *, on: dt.date, recipients: Iterable[User] | None = None) -> int:
    """A result was recorded: the office's 回访 is due. One notice and one text a day per person."""
    users = list(recipients) if recipients is not None else list(
        User.objects.filter(role=Role.STAFF, is_active=True)
    )
    if not users:
        return 0
    return notify(
        users, title="有群众诉求已办结，待回访", body="请在回访中登记反映人是否满意。",
        url=problem.get_absolute_url(), dedupe_key=f"constituents.followup_due:{on.isoformat()}",
        sms_text=followup_due_text(),
    )
