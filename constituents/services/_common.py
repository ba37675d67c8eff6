"""What the casework services share: the clock, date checks, locking and state moves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from deputies.models import Term
from liaison.audit import audited

from ..models import (
    Problem,
)

State = Problem.State


def today() -> dt.date:
    return timezone.localdate()


def _check_day(day: dt.date | None, *, field: str, label: str, term: Term | None = None) -> dt.date:
    """A date a person typed: not in the future, inside the term."""
    if day is None:
        raise ValidationError({field: f"请填写{label}。"})
    if day > today():
        raise ValidationError({field: f"{label}不能晚于今天。"})
    if term is not None and not term.contains(day):
        raise ValidationError(
            {field: f"{label}不在{term.name}任期内（{term.start_date:%Y年%m月%d日}至{term.end_date:%Y年%m月%d日}）。"}
        )
    return day


def _require_state(problem: Problem, allowed: Iterable[str], doing: str) -> None:
    allowed = tuple(allowed)
    if problem.state not in allowed:
        wanted = "、".join(f"“{State(s).label}”" for s in allowed)
        raise ValidationError(
            f"该诉求当前为“{problem.get_state_display()}”，不能{doing}（只有{wanted}的诉求可以{doing}）。"
        )


def _lock(problem: Problem) -> Problem:
    """Re-read the row under a lock so two people never move the same problem at once."""
    locked = Problem.objects.select_for_update().get(pk=problem.pk)
    problem.__dict__.update({f.attname: getattr(locked, f.attname) for f in Problem._meta.concrete_fields})
    return problem


def _move(problem: Problem, state: str, *, action: str, acting_user, on: dt.date | None = None) -> None:
    from .deadlines import open_deadlines_refresh

    problem.state = state
    problem.state_since = on or today()
    audited(problem, action=action, user=acting_user)
    problem.save()
    if state in (State.FORWARDED, State.HANDLING) or problem.open_deadline is not None:
        # Only 已转交/办理中 hold an open deadline (`_lock` read the stored one).
        open_deadlines_refresh([problem])
    if problem.linked_to_id is None:  # the problems linked into this case (并入) follow it
        from .linking import carry_linked

        carry_linked(problem, acting_user=acting_user)




def _allow(acting_user, step: str, *, problem: Problem | None = None, forwarding=None) -> None:
    """Defence in depth: the pages ask `may()` first; a service refuses the same way.

    `acting_user=None` is the system itself (a task), which the table does not restrict.
    """
    from ..permissions import may

    if acting_user is None or not getattr(acting_user, "is_authenticated", False):
        return
    allowed, reason = may(acting_user, step, problem=problem, forwarding=forwarding)
    if not allowed:
        raise PermissionDenied(reason)


def _recorded_as(acting_user, step: str, *, department, proxy_contact: str = "") -> tuple[object, str]:
    """Who recorded a department's step and, for 代录, the department contact it names."""
    from ..permissions import is_proxy

    user = acting_user if getattr(acting_user, "is_authenticated", False) else None
    if user is None or not is_proxy(user, step):
        return user, ""
    contact = (proxy_contact or "").strip() or department.contact_person.strip()
    if not contact:
        raise ValidationError({"proxy_contact": f"代录{department.name}的办理情况，请写明该部门的联系人。"})
    return user, contact[:40]
