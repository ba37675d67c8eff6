"""Reply deadlines: the problem's stored earliest open deadline, and working-day
deadlines that are estimates, kept right when staff change the calendar.

`Problem.open_deadline` is the earliest deadline among the open forwardings
(Forwarding.OPEN_STATUSES) of the problem's current round while it is 已转交 or
办理中, and empty otherwise: the overdue rule (`overdue_condition`) read from one
column. `open_deadlines_refresh` is the one place that computes it; every service
that moves a forwarding, a deadline, a round or a problem's state calls it last,
and the daily casework job repairs any drift (`open_deadlines_repair`).

A forwarding's reply deadline that reaches into a year chinese-calendar does not
know is an estimate (liaison.workdays counts the statutory holidays but not that
year's 调休 swaps). When office staff add, change or delete a 工作日调整 row
(WorkdayOverride) in the admin, the admin calls these services instead of
saving the row itself: every open estimate touching that year is recomputed to
the same number of working days under the new calendar, each change audited.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Case, DateField, F, Min, OuterRef, Q, Subquery, Value, When

from liaison.audit import audited
from liaison.models import WorkdayOverride
from liaison.workdays import add_working_days, calendar_knows, working_days_between

from ..models import Forwarding, Problem

logger = logging.getLogger(__name__)



def open_deadline_expression():
    """SQL for a problem's earliest open deadline (see the module's docstring), on the problem's row."""
    earliest = (
        Forwarding.objects.filter(problem_id=OuterRef("pk"), round=OuterRef("round"),
                                  status__in=Forwarding.OPEN_STATUSES)
        .order_by().values("problem_id").annotate(earliest=Min("deadline")).values("earliest")
    )
    return Case(When(state__in=Problem.WITH_DEPARTMENTS, then=Subquery(earliest)), default=Value(None),
                output_field=DateField())


def open_deadlines_refresh(problems: Iterable[Problem | int]) -> None:
    """Store the earliest open deadline of these problems (instances or ids), in one UPDATE.

    Only the database row is written (Problem.save() never writes the column), so an
    instance in memory may hold an older value: read the row again to show it."""
    ids = {getattr(problem, "pk", problem) for problem in problems}
    if ids:
        Problem.objects.filter(pk__in=ids).update(open_deadline=open_deadline_expression())


def open_deadlines_repair() -> int:
    """Put right every stored earliest open deadline that drifted from the forwardings (set-based,
    the daily casework job). Returns how many problems it fixed; any is a bug worth a look."""
    drifted = Problem.objects.alias(expected=open_deadline_expression()).filter(
        Q(open_deadline__isnull=True, expected__isnull=False)
        | Q(open_deadline__isnull=False, expected__isnull=True)
        | (Q(open_deadline__isnull=False, expected__isnull=False) & ~Q(open_deadline=F("expected")))
    )
    fixed = Problem.objects.filter(pk__in=drifted.values("pk")).update(open_deadline=open_deadline_expression())
    if fixed:
        logger.warning("Repaired the stored earliest open deadline of %d problems", fixed)
    else:
        logger.info("Stored earliest open deadlines checked: none drifted")
    return fixed


def _open_estimates(years: Iterable[int]) -> list[tuple[Forwarding, int]]:
    """Open forwardings whose deadline, counted in working days, counts days of
    one of `years` that rest on the fallback or on staff's rows (an estimate, or
    a year chinese-calendar does not know), each with its length in working
    days under the calendar as it stands now (so an extension keeps its length)."""
    touches = Q()
    for year in set(years):
        rests_on_rows = Q() if not calendar_knows(year) else Q(deadline_is_estimate=True)
        touches |= Q(rests_on_rows, forwarded_on__year__lte=year, deadline__year__gte=year)
    if not touches:
        return []
    forwardings = (
        Forwarding.objects.select_for_update()
        .filter(touches, deadline_in_working_days=True, status__in=Forwarding.OPEN_STATUSES)
        .order_by("pk")
    )
    return [(forwarding, working_days_between(forwarding.forwarded_on, forwarding.deadline)[0])
            for forwarding in forwardings]


def _recompute(plan: list[tuple[Forwarding, int]], *, acting_user) -> int:
    moved = 0
    for forwarding, days in plan:
        deadline, estimate = add_working_days(forwarding.forwarded_on, days)
        if (deadline, estimate) == (forwarding.deadline, forwarding.deadline_is_estimate):
            continue
        forwarding.deadline, forwarding.deadline_is_estimate = deadline, estimate
        audited(forwarding, action="constituents.forwarding.deadline_recomputed", user=acting_user)
        forwarding.save(update_fields=["deadline", "deadline_is_estimate"])
        moved += 1
    open_deadlines_refresh({forwarding.problem_id for forwarding, _days in plan})
    return moved


@transaction.atomic
def workday_override_save(*, override: WorkdayOverride, acting_user) -> int:
    """Save a 工作日调整 row (new or changed) and recompute the open estimates it
    touches, in its year and, when its date moved, the year it left.
    Returns how many deadlines changed."""
    years = {override.day.year}
    if override.pk:
        previous: dt.date | None = WorkdayOverride.objects.filter(pk=override.pk).values_list("day", flat=True).first()
        if previous is not None:
            years.add(previous.year)
    plan = _open_estimates(years)
    audited(override, action="liaison.workday_override.saved", user=acting_user)
    override.save()
    return _recompute(plan, acting_user=acting_user)


@transaction.atomic
def workday_override_delete(*, override: WorkdayOverride, acting_user) -> int:
    """Delete a 工作日调整 row and recompute the open estimates of its year."""
    plan = _open_estimates({override.day.year})
    audited(override, action="liaison.workday_override.deleted", user=acting_user)
    override.delete()
    return _recompute(plan, acting_user=acting_user)
