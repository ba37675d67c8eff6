"""Reads that pages, panels and jobs share. Counts are correlated subqueries, so a
list of deputies or groups costs one query however many rows it has."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, Window
from django.db.models.functions import Coalesce, RowNumber

from deputies.models import Deputy, DeputyGroup, DeputyStatus

from .conf import casework_setting
from .models import Constituent, ContactActivity, Problem


def count_per_row(queryset: QuerySet, outer: str) -> Coalesce:
    """A correlated COUNT of `queryset` rows whose `outer` points at the row being annotated."""
    counted = (
        queryset.filter(**{outer: OuterRef("pk")})
        .order_by()
        .values(outer)
        .annotate(n=Count("pk", distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_year_counts(deputies: QuerySet[Deputy], year: int) -> QuerySet[Deputy]:
    """Each deputy with `activity_count` (activities taken part in that year) and
    `livelihood_solved` (livelihood problems they are responsible for, solved that year)."""
    return deputies.annotate(
        activity_count=count_per_row(ContactActivity.objects.filter(held_on__year=year), "deputies"),
        livelihood_solved=count_per_row(
            Problem.objects.livelihood_solved().filter(result_on__year=year), "deputy"
        ),
    )


def deputies_behind(deputies: QuerySet[Deputy], year: int) -> QuerySet[Deputy]:
    """Serving deputies with fewer contact activities than the yearly minimum (two)."""
    minimum = casework_setting("ACTIVITIES_PER_YEAR")
    return with_year_counts(deputies.filter(status=DeputyStatus.SERVING), year).filter(activity_count__lt=minimum)


def group_year_summary(groups: QuerySet[DeputyGroup], year: int) -> QuerySet[DeputyGroup]:
    """Per group: activities that year, serving deputies, and how many are behind the two-a-year rule."""
    minimum = casework_setting("ACTIVITIES_PER_YEAR")
    serving = Deputy.objects.filter(status=DeputyStatus.SERVING, term__is_current=True)
    behind = with_year_counts(serving, year).filter(activity_count__lt=minimum)
    return groups.annotate(
        activity_count=count_per_row(ContactActivity.objects.filter(held_on__year=year), "group"),
        serving_deputies=count_per_row(serving, "group"),
        behind_count=count_per_row(behind, "group"),
        open_problems=count_per_row(Problem.objects.open(), "group"),
    )


def deputy_casework_summary(problems: QuerySet[Problem], today: dt.date) -> dict:
    """The numbers of a problems panel, in one aggregate query."""
    State = Problem.State
    return problems.aggregate(
        total=Count("pk", distinct=True),
        open=Count("pk", filter=~Q(state=State.FED_BACK), distinct=True),
        awaiting_feedback=Count("pk", filter=Q(state__in=[State.RESOLVED, State.UNSOLVABLE]), distinct=True),
        overdue=Count(
            "pk",
            filter=Q(open_deadline__lt=today),  # the overdue rule, stored
            distinct=True,
        ),
        livelihood_solved=Count(
            "pk",
            # Only results a department recorded (or 代录) count: 代表不直接处理问题.
            filter=Q(is_livelihood=True, outcome=Problem.Outcome.RESOLVED, result_on__year=today.year,
                     result_source__in=Problem.COUNTED_RESULT_SOURCES),
            distinct=True,
        ),
    )


def common_problems(problems: QuerySet[Problem], *, by: str = "constituency") -> QuerySet:
    """What many people raise: problems counted by category and place, largest first.

    `by` is "constituency" or "community"; rows carry the problem count and the
    number of distinct constituents who raised them.
    """
    place = {"constituency": "constituency__name", "community": "community__name"}[by]
    place_id = {"constituency": "constituency_id", "community": "community_id"}[by]
    return (
        problems.exclude(**{f"{place_id}__isnull": True})
        .values("category", place_id, place)
        .annotate(
            problem_count=Count("pk", distinct=True),
            people=Count("constituents", distinct=True),
            livelihood=Count("pk", filter=Q(is_livelihood=True), distinct=True),
            open_count=Count("pk", filter=~Q(state=Problem.State.FED_BACK), distinct=True),
        )
        .order_by("-problem_count", "-people", "category", place)
    )


def common_categories(problems: QuerySet[Problem]) -> QuerySet:
    """Across places: each category with how many problems, places and people."""
    return (
        problems.values("category")
        .annotate(
            problem_count=Count("pk", distinct=True),
            places=Count("constituency", distinct=True),
            people=Count("constituents", distinct=True),
        )
        .order_by("-problem_count", "category")
    )


PICKER_LIMIT = 30


def constituents_matching(constituents: QuerySet[Constituent], query: str) -> QuerySet[Constituent]:
    """The visit form's picker: by name, or by the last four digits of the phone.

    Four or more digits match the end of the phone number, so two 余 in one
    constituency are told apart by 尾号 while the rest of the number stays unseen.
    """
    query = query.strip()
    if not query:
        return constituents.none()
    if query.isdigit():
        if len(query) < 4:
            return constituents.none()
        return constituents.filter(phone__endswith=query)
    return constituents.filter(name__contains=query)


# Similar problems (issue 12 §6). Chinese has no spaces, so pg_trgm sees a sentence as a few
# long "words" and its similarity runs low (路灯坏了 vs 路灯不亮: ~0.1); the candidates are
# already narrowed to the open cases of one community and category, so a low bar is enough.
SIMILAR_MIN_TRIGRAM = 0.08
SIMILAR_MIN_RATIO = 30  # rapidfuzz's 0–100 ratio, the same bar on SQLite
SIMILAR_CANDIDATES = 300  # SQLite scores at most this many newest candidates in Python


def similar_problems(problems: QuerySet[Problem], *, problem: Problem, limit: int = 5) -> list[Problem]:
    """Open cases like `problem` that it could be linked into (并入), most similar first.

    `problems` is what the person may see (`Problem.objects.visible_to(user)`). Candidates:
    not yet told (not 已反馈), same community (or constituency, or group, when the problem names
    no community) and category, not themselves linked. Trigram similarity on PostgreSQL,
    rapidfuzz elsewhere; each returned problem carries `similarity` (0–100).
    """
    from django.db import connection

    text = problem.text
    candidates = problems.open().filter(category=problem.category, linked_to__isnull=True).exclude(pk=problem.pk)
    if problem.community_id:
        candidates = candidates.filter(community_id=problem.community_id)
    elif problem.constituency_id:
        candidates = candidates.filter(constituency_id=problem.constituency_id)
    else:
        candidates = candidates.filter(group_id=problem.group_id)
    candidates = candidates.select_related("deputy")
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramSimilarity

        rows = list(
            candidates.annotate(score=TrigramSimilarity("text", text))
            .filter(score__gte=SIMILAR_MIN_TRIGRAM).order_by("-score", "-raised_on", "-id")[:limit]
        )
        for row in rows:
            row.similarity = round(row.score * 100)
        return rows
    from rapidfuzz import fuzz

    scored = []
    for row in candidates.order_by("-raised_on", "-id")[:SIMILAR_CANDIDATES]:
        row.similarity = round(fuzz.ratio(text, row.text))
        if row.similarity >= SIMILAR_MIN_RATIO:
            scored.append(row)
    scored.sort(key=lambda row: (-row.similarity, -row.raised_on.toordinal(), -row.pk))
    return scored[:limit]


# The whole district's common problems of a year ("constituency/2026", "community/all"), stored by
# liaison.figures under this prefix and kept current by beat: at a province's scale the two counts
# below read 3M problems and their constituents (16 s of SQL on every view, perf issue 11).
COMMON_FIGURES = "constituents.common_problems:"
COMMON_ROWS = 100


def common_problem_figures(period: str) -> dict:
    """For liaison.figures: each category's first COMMON_ROWS places, in the page's order (the first
    COMMON_ROWS of all categories are among them, and so are those of any one category), and the
    totals per category, over every problem of the year ("all": of every year)."""
    by, year = period.split("/")
    problems = Problem.objects.all()
    if year != "all":
        problems = problems.filter(raised_on__year=int(year))
    place, place_id = f"{by}__name", f"{by}_id"
    ranked = common_problems(problems, by=by).annotate(rank=Window(
        RowNumber(), partition_by=[F("category")],
        order_by=[F("problem_count").desc(), F("people").desc(), F(place).asc(), F(place_id).asc()],
    )).filter(rank__lte=COMMON_ROWS)
    return {
        "rows": [{key: value for key, value in row.items() if key != "rank"} for row in ranked],
        "categories": list(common_categories(problems)),
    }
