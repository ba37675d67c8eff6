"""履职档案: each deputy's record of a year or of the whole term (SPEC §2), read
out at group meetings (通报). Every column is a correlated count, so a group's
table costs one query however many deputies and records lie behind it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from constituents.models import ActivityOrganizer, AskType, ContactActivity, Problem, Suggestion
from constituents.selectors import count_per_row
from deputies.models import Deputy, DeputyGroup, Term
from liaison.figures import figures, figures_path
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

    @property
    def key(self) -> str:
        """For file names: "2026", or "term" for a period longer than a year."""
        return str(self.start.year) if self.start.year == self.end.year else "term"


def year_from_param(term: Term, value: str | None, today: dt.date) -> int | None:
    """A page's ?year=: "term" for the whole term (None), a year of the term, or this year
    (brought inside the term) by default."""
    if value == "term":
        return None
    years = term.years
    year = int(value) if value and value.isascii() and value.isdigit() and len(value) <= 4 else today.year
    return min(max(year, years[0]), years[-1])


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
        livelihood_solved=count_per_row(solved.livelihood_solved(), "deputy"),
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


def performance_rows(deputies: QuerySet[Deputy], period: Period) -> list[Deputy]:
    """The deputies with with_performance's columns, counted by one GROUP BY per source table and
    joined here: for a whole province (100,000 deputies) thirteen correlated counts per deputy took
    minutes, each table read once takes seconds. with_performance stays for a group's or one
    deputy's archive, where the correlated counts are a few index lookups."""
    span = (period.start, period.end)
    rows = list(deputies)
    ids = deputies.values("pk")
    activities = ContactActivity.objects.filter(held_on__range=span)
    solved = Problem.objects.filter(outcome=Problem.Outcome.RESOLVED, result_on__range=span)
    letters = Letter.objects.filter(received_at__date__range=span)
    counted = [
        _grouped(activities, "deputies", ids, activities=None,
                 asked_difficulty=Q(ask_type=AskType.DIFFICULTY), asked_needs=Q(ask_type=AskType.NEEDS),
                 asked_advice=Q(ask_type=AskType.ADVICE), group_activities=Q(organizer=ActivityOrganizer.GROUP)),
        _grouped(Problem.objects.filter(raised_on__range=span), "deputy", ids, problems_raised=None),
        _grouped(solved, "deputy", ids, problems_solved=None),
        _grouped(solved.livelihood_solved(), "deputy", ids, livelihood_solved=None),
        _grouped(Suggestion.objects.filter(submitted_on__range=span), "proposers", ids, suggestions_proposed=None),
        _grouped(letters, "problem__deputy", ids, letters=None, letters_replied=Q(replied_at__isnull=False)),
        _grouped(DutyMeeting.objects.filter(
            held_on__range=span, status__in=[DutyMeeting.Status.HELD, DutyMeeting.Status.EVALUATED],
        ), "entry__deputy", ids, meetings_held=None),
        _grouped(WrittenReport.objects.filter(
            year__range=(period.start.year, period.end.year), status=WrittenReport.Status.FILED,
        ), "deputy", ids, written_filed=None),
    ]
    for row in rows:
        for name, _ in COLUMNS:
            setattr(row, name, 0)
        for counts in counted:
            for name, value in counts.get(row.pk, {}).items():
                setattr(row, name, value)
    return rows


def _grouped(queryset: QuerySet, outer: str, deputies: QuerySet, **columns: Q | None) -> dict[int, dict[str, int]]:
    """Deputy id → {column: count of distinct rows of `queryset` (meeting the column's condition, if
    any)} for the deputies `outer` points at among `deputies`; one query."""
    counted = (
        queryset.filter(**{f"{outer}__in": deputies}).order_by().values(outer)
        .annotate(**{name: Count("pk", distinct=True, filter=condition) for name, condition in columns.items()})
    )
    return {row.pop(outer): row for row in counted}


def totals(rows: list[Deputy]) -> dict[str, int]:
    return {name: sum(getattr(row, name) for row in rows) for name, _ in COLUMNS}


def evaluate(deputies: QuerySet[Deputy], groups: QuerySet, year: int, today: dt.date):
    """Who meets the office's conditions for 优秀代表 and 先进代表组 in `year`.

    Nine queries for the deputies (performance_rows) and one for the quarterly
    summaries, however many deputies and groups there are.
    """
    from mailbox.models import QuarterlySummary

    from .models import EvaluationCriteria

    criteria = EvaluationCriteria.load()
    term = Term.current()
    rows = performance_rows(deputies.select_related("group", "constituency"), Period.of(term, year))
    for row in rows:
        row.unmet = [
            label for ok, label in [
                (row.activities >= criteria.deputy_min_activities, f"活动{criteria.deputy_min_activities}次"),
                (row.problems_raised >= criteria.deputy_min_problems, f"反映诉求{criteria.deputy_min_problems}件"),
                (row.livelihood_solved >= criteria.deputy_min_livelihood, f"民生问题{criteria.deputy_min_livelihood}个"),
                (not criteria.deputy_needs_report or row.meetings_held or row.written_filed, "述职或书面报告备案"),
            ] if not ok
        ]
        row.qualifies = row.is_serving and not row.unmet
    def quarter_end(quarter: int) -> dt.date:
        return dt.date(year, 12, 31) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1) - dt.timedelta(days=1)

    ended = [quarter for quarter in range(1, 5) if quarter_end(quarter) < today]
    reported: dict[int, int] = {}
    for group_id in QuarterlySummary.objects.filter(
        year=year, quarter__in=ended, status=QuarterlySummary.Status.SUBMITTED
    ).values_list("group_id", flat=True):
        reported[group_id] = reported.get(group_id, 0) + 1
    # Each group's serving deputies, sorted out in one pass: looking them up among all the rows for
    # every group was 8,000 groups × 100,000 deputies at a province's scale (perf, issue 11).
    serving_by_group: dict[int, list[Deputy]] = {}
    for row in rows:
        if row.is_serving:
            serving_by_group.setdefault(row.group_id, []).append(row)
    group_rows = []
    for group in groups:
        serving = serving_by_group.get(group.pk, [])
        compliant = sum(1 for row in serving if row.activities >= 2)
        rate = round(100 * compliant / len(serving)) if serving else 0
        quarters_ok = not criteria.group_needs_quarterlies or reported.get(group.pk, 0) >= len(ended)
        group_rows.append({
            "group": group, "serving": len(serving), "compliant": compliant, "rate": rate,
            "reported": reported.get(group.pk, 0), "ended": len(ended),
            "qualifies": bool(serving) and rate >= criteria.group_min_compliance and quarters_ok,
        })
    return criteria, rows, group_rows


# The conditions a stored 评优参考 was judged by, shown above its lists (EvaluationCriteria's fields).
CRITERIA_FIELDS = ("deputy_min_activities", "deputy_min_problems", "deputy_min_livelihood", "deputy_needs_report",
                   "group_min_compliance", "group_needs_quarterlies")
# The deputies' columns the page shows for a candidate.
CANDIDATE_COLUMNS = ("activities", "problems_raised", "livelihood_solved", "suggestions_proposed")


def evaluation_figures(year: str) -> dict:
    """评优参考 of the whole district in `year`, JSON-ready: the figure "reports.evaluation:<year>"
    (liaison.figures), kept by beat. At a province's scale judging 100,000 deputies and 8,000 groups
    takes far longer than a page view may; the page reads a page of each list from here. The
    conditions are kept with the lists, so the headings say what the lists were judged by."""
    term = Term.current()
    if term is None or not year.isdigit():
        return {"criteria": {}, "candidates": [], "candidate_count": 0, "groups": [], "group_count": 0}
    criteria, rows, group_rows = evaluate(Deputy.objects.filter(term=term), DeputyGroup.objects.all(),
                                          int(year), timezone.localdate())
    candidates = [
        {"pk": row.pk, "name": row.name, "group": {"pk": row.group_id, "name": row.group.name},
         **{name: getattr(row, name) for name in CANDIDATE_COLUMNS}}
        for row in rows if row.qualifies
    ]
    groups = [{**row, "group": {"pk": row["group"].pk, "name": row["group"].name}} for row in group_rows]
    return {"criteria": {name: getattr(criteria, name) for name in CRITERIA_FIELDS},
            "candidates": candidates, "candidate_count": len(candidates),
            "groups": groups, "group_count": len(groups)}


class StoredList:
    """A list inside a stored figure, `length` long, read a slice at a time: Django's Paginator takes
    it like a list, and a page of a province's 8,000 groups is one query that PostgreSQL cuts out of
    the stored JSON rather than the whole list read and parsed for fifty rows."""

    def __init__(self, key: str, name: str, length: int):
        self.key, self.name, self.length = key, name, length

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, index: slice) -> list:
        start, stop, _ = index.indices(self.length)
        if stop <= start:
            return []
        picked = figures_path(self.key, f'lax $."{self.name}"[$from to $last]', {"from": start, "last": stop - 1})
        return picked if picked is not None else figures(self.key)[0].get(self.name, [])[start:stop]


def stored_of_group(key: str, name: str, group_pk: int) -> list:
    """The rows of the stored list `name` that belong to one group (a clerk looking for one among a
    province's 8,000), picked out of the stored JSON in one query."""
    picked = figures_path(key, f'lax $."{name}"[*] ? (@.group.pk == $pk)', {"pk": group_pk})
    if picked is not None:
        return picked
    return [row for row in figures(key)[0].get(name, []) if row["group"].get("pk") == group_pk]
