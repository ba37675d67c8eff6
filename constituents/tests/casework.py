"""Drive a problem to any state through the services, as a user would."""

from __future__ import annotations

import datetime as dt

from constituents import services
from constituents.models import FeedbackMethod, Problem, ProblemCategory, ResultClass
from deputies.tests.factories import DepartmentFactory

D = dt.date
State = Problem.State
RAISED_ON = D(2026, 9, 1)
ORDER = [State.REGISTERED, State.FORWARDED, State.HANDLING, State.RESOLVED, State.FED_BACK]


def register(deputy, user, *, constituents=(), raised_on=RAISED_ON, is_livelihood=False, **extra) -> Problem:
    return services.problem_register(
        source=Problem.Source.VISIT, text="小区门口路灯坏了三个月", category=ProblemCategory.URBAN_CONSTRUCTION,
        group=deputy.group, deputy=deputy, constituency=deputy.constituency, constituents=constituents,
        is_livelihood=is_livelihood, raised_on=raised_on, acting_user=user, **extra,
    )


def drive(problem: Problem, state: str, user, *, department=None) -> Problem:
    """Move a registered problem forward until it reaches `state`."""
    department = department or DepartmentFactory()
    if state == State.REGISTERED:
        return problem
    services.problem_forward(problem=problem, departments=[department], forwarded_on=D(2026, 9, 2), acting_user=user)
    if state == State.FORWARDED:
        return problem
    forwarding = problem.forwardings.get(department=department, round=problem.round)
    services.problem_start_handling(problem=problem, forwarding=forwarding, accepted_on=D(2026, 9, 3), acting_user=user)
    if state == State.HANDLING:
        return problem
    services.problem_record_reply(
        problem=problem, forwarding=forwarding, reply_text="已安排维修", result_class=ResultClass.A,
        replied_on=D(2026, 9, 10), acting_user=user,
    )
    if state == State.UNSOLVABLE:
        services.problem_mark_unsolvable(
            problem=problem, reason="线路改造须列入明年计划", decided_on=D(2026, 9, 11), acting_user=user
        )
        return problem
    services.problem_resolve(problem=problem, result_summary="路灯已修复", resolved_on=D(2026, 9, 11), acting_user=user)
    if state == State.RESOLVED:
        return problem
    services.problem_feedback(problem=problem, how=FeedbackMethod.PHONE, when=D(2026, 9, 12), acting_user=user)
    return problem
