"""并入: ten letters about one broken streetlight become one case with ten constituents.

A newly registered problem can be linked (并入) into an open problem of the same group — in
practice one the registration page offered as similar (`constituents.selectors.similar_problems`).
From then on the linked problem:

- is never forwarded, followed up, answered or reopened on its own (`permissions.MAIN_CASE_STEPS`);
- follows every move of its main case — forwarded, handling, returned, result, new round —
  with the main case's result copied onto it, each move audited on the linked problem too;
- when the main case reaches a result, queues feedback for its own constituents (and, for an
  online letter, tells its writer): each of them still hears back, recorded as ever with
  `problem_feedback` on the linked problem, which becomes 已反馈 when its own people are told.

The departments' figures count forwardings, and a linked problem has none, so the case is
counted once (constituents/figures.py); a deputy's 推动解决民生问题 likewise counts the main case only.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from liaison.audit import audited

from ..models import Problem
from ._common import State, _allow, _lock

# What a linked problem copies from its main case at every move.
FOLLOWED_FIELDS = ("state", "state_since", "round", "outcome", "result_on", "result_summary", "unsolvable_reason",
                   "result_source", "result_proxy_contact")
RESULT_STATES = (State.RESOLVED, State.UNSOLVABLE)


@transaction.atomic
def problem_link(*, problem: Problem, main: Problem, acting_user) -> Problem:
    """Link a just-registered problem into an open case (并入), which it follows from now on."""
    _allow(acting_user, "link", problem=problem)
    _lock(problem)
    main = Problem.objects.select_for_update().get(pk=main.pk)
    if main.linked_to_id:  # linked into a linked problem: the case is its main one
        main = Problem.objects.select_for_update().get(pk=main.linked_to_id)
    if main.pk == problem.pk:
        raise ValidationError("不能并入本诉求自己。")
    if problem.linked_to_id:
        raise ValidationError(f"该诉求已并入诉求{problem.linked_to_id}。")
    if problem.state != State.REGISTERED or problem.round != 1 or problem.forwardings.exists():
        raise ValidationError("只有刚登记、尚未转交的诉求可以并入其他诉求。")
    if problem.linked_problems.exists():
        raise ValidationError("已有其他诉求并入本诉求，本诉求是主件，不能再并入其他诉求。")
    if main.group_id != problem.group_id:
        raise ValidationError("只能并入同一代表组的诉求。")
    if main.state == State.FED_BACK:
        raise ValidationError(f"诉求{main.pk}已办结并反馈，不能再并入；请单独转交办理。")
    # The person linking must see the main case (the page offers only those; a crafted POST is refused).
    if acting_user is not None and not Problem.objects.visible_to(acting_user).filter(pk=main.pk).exists():
        raise ValidationError("找不到要并入的诉求，或您无权查看。")
    problem.linked_to = main
    audited(problem, action="constituents.problem.linked", user=acting_user)
    problem.save()
    _follow(problem, main, acting_user=acting_user)
    return problem


def carry_linked(main: Problem, *, acting_user) -> int:
    """The main case moved: every problem linked into it follows (called by `_move`).

    A main case told to its own constituents (已反馈) moves nobody: each linked problem is
    fed back on its own. Returns how many linked problems moved.
    """
    if main.state == State.FED_BACK or main.linked_to_id:
        return 0
    linked = list(main.linked_problems.select_for_update().order_by("pk"))
    for problem in linked:
        _follow(problem, main, acting_user=acting_user)
    return len(linked)


def _follow(problem: Problem, main: Problem, *, acting_user) -> None:
    """Copy the main case's state and result onto a linked problem; on a result, its people are queued."""
    from .problems import _queue_feedback, _result_ready

    if main.state == State.FED_BACK:
        # Linked to a case told already (only through a race: problem_link refuses it): nothing to follow.
        return
    if all(getattr(problem, name) == getattr(main, name) for name in FOLLOWED_FIELDS):
        return
    for name in FOLLOWED_FIELDS:
        setattr(problem, name, getattr(main, name))
    audited(problem, action="constituents.problem.followed_main", user=acting_user)
    problem.save()
    if main.state in RESULT_STATES:
        _queue_feedback(problem)
        _result_ready(problem, on=main.result_on or main.state_since)
