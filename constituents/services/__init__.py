"""Every write of this app, split by concern: constituents and contact
activities, the casework pipeline, bills and suggestions, and the reminder
sweeps. Import from here: `from constituents import services`."""

from __future__ import annotations

from ._common import today
from .activities import (
    NewConstituent,
    RaisedProblem,
    activity_log,
    activity_photo_add,
    constituent_create,
    may_see_in_full,
    validate_photo,
)
from .deadlines import workday_override_delete, workday_override_save
from .department_alerts import problem_remind
from .handling import callback_record, extension_decide, extension_request, problem_send_back
from .linking import problem_link
from .problems import (
    followup_add,
    problem_feedback,
    problem_forward,
    problem_mark_unsolvable,
    problem_record_reply,
    problem_register,
    problem_reopen,
    problem_resolve,
    problem_return,
    problem_start_handling,
    problem_update,
)
from .reminders import activity_minimum_send_reminders, casework_send_reminders
from .suggestions import (
    suggestion_assign,
    suggestion_draft,
    suggestion_merge,
    suggestion_record_reply,
    suggestion_record_satisfaction,
    suggestion_submit,
    suggestion_update,
)

__all__ = [
    "NewConstituent", "RaisedProblem", "activity_log", "activity_photo_add", "activity_minimum_send_reminders",
    "casework_send_reminders", "constituent_create", "followup_add", "may_see_in_full", "problem_feedback",
    "problem_forward", "problem_link", "problem_mark_unsolvable", "problem_record_reply", "problem_register",
    "problem_remind", "problem_reopen",
    "problem_resolve", "problem_return", "problem_start_handling", "problem_update", "suggestion_assign",
    "suggestion_draft", "suggestion_merge", "suggestion_record_reply", "suggestion_record_satisfaction",
    "suggestion_submit", "suggestion_update", "today", "validate_photo",
    "workday_override_delete", "workday_override_save",
    "callback_record", "extension_decide", "extension_request", "problem_send_back",
]
