"""履职档案: each deputy's record of a year or of the whole term (SPEC §2), read
out at group meetings (通报). Every column is a correlated count, so a group's
table costs one query however many deputies and records lie behind it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from constituents.models import ActivityOrganizer, AskType, ContactActivity, Problem, Suggestion
from constituents.selectors import count_per_row
from deputies.models import Deputy, Term
from mailbox.models import Letter

from .models import DutyMeeting, WrittenReport


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    label: str

    @classmethod
    def of(cls, term: Term, year: int | None) -> Period:
        if year is None:
            return cls(term.start_date, term.end_date, f"{term.name}任期以来")
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), f"{year}年")


# (annotation, column heading) in the order a table shows them.
COLUMNS = [
    ("activities", "联系选民活动"),
    ("asked_difficulty", "问难"),
    ("asked_needs", "问需"),
    ("asked_advice", "问计"),
    ("group_activities", "代表组统一活动"),
    ("problems_raised", "反映群众诉求"),
    ("problems_solved", "已解决"),
    ("livelihood_solved", "民生问题解决"),
    ("suggestions_proposed", "议案/建议"),
    ("letters", "信箱来信"),
    ("letters_replied", "已回复来信"),
    ("meetings_held", "当面述职"),
    ("written_filed", "书面报告备案"),
]


def with_performance(deputies: QuerySet[Deputy], period: Period) -> QuerySet[Deputy]:
    span = (period.start, period.end)
    activities = ContactActivity.objects.filter(held_on__range=span)
    problems = Problem.objects.filter(raised_on__range=span)
    solved = Problem.objects.filter(outcome=Problem.Outcome.RESOLVED, result_on__range=span)
    letters = Letter.objects.filter(received_at__date__range=span)
    return deputies.annotate(
        activities=count_per_row(activities, "deputies"),
        asked_difficulty=count_per_row(activities.filter(ask_type=AskType.DIFFICULTY), "deputies"),
        asked_needs=count_per_row(activities.filter(ask_type=AskType.NEEDS), "deputies"),
        asked_advice=count_per_row(activities.filter(ask_type=AskType.ADVICE), "deputies"),
        group_activities=count_per_row(activities.filter(organizer=ActivityOrganizer.GROUP), "deputies"),
        problems_raised=count_per_row(problems, "deputy"),
        problems_solved=count_per_row(solved, "deputy"),
        livelihood_solved=count_per_row(solved.filter(is_livelihood=True), "deputy"),
        suggestions_proposed=count_per_row(
            Suggestion.objects.filter(submitted_on__range=span), "proposers"
        ),
        letters=count_per_row(letters, "problem__deputy"),
        letters_replied=count_per_row(letters.filter(replied_at__isnull=False), "problem__deputy"),
        meetings_held=count_per_row(
            DutyMeeting.objects.filter(
                held_on__range=span, status__in=[DutyMeeting.Status.HELD, DutyMeeting.Status.EVALUATED]
            ),
            "entry__deputy",
        ),
        written_filed=count_per_row(
            WrittenReport.objects.filter(
                year__range=(period.start.year, period.end.year), status=WrittenReport.Status.FILED
            ),
            "deputy",
        ),
    )


def totals(rows: list[Deputy]) -> dict[str, int]:
    return {name: sum(getattr(row, name) for row in rows) for name, _ in COLUMNS}
