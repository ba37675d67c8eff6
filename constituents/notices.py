"""Who hears about a problem's steps beyond the page: in-app notices, e-mails and texts (SMS).

Texts carry fixed wording only (liaison.sms): never a name, a phone or the problem's text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.dispatch import Signal

from liaison.models import Role, User
from liaison.notifications import notify
from liaison.sms import followup_due_text

# Sent inside the transaction that records a result (已办结 / 暂不能解决), with `problem`.
# The mailbox listens: the writer of an online letter gets a text with the tracking link.
problem_result_ready = Signal()


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
