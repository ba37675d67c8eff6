"""One search box (issue 12 §3): what a person may see, matching a text, newest first.

Every group starts from its model's `visible_to(user)`. On PostgreSQL `icontains` is
served by the pg_trgm GIN indexes of constituents/0012 for three characters or more;
shorter Chinese queries (路灯) have no trigram, so each group is read newest first with a
LIMIT and stops at the first page of matches: a common two-character word is found in the
newest rows at once, and the cap keeps a rare one bounded by the scope. On SQLite it is a
plain contains match.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.urls import reverse

MAX_QUERY_CHARS = 50
PER_GROUP = 20


def clean_query(raw: str | None) -> str:
    """What is searched for: NUL dropped (PostgreSQL refuses it), spaces trimmed, at most 50 characters."""
    return (raw or "").replace("\x00", "").strip()[:MAX_QUERY_CHARS].strip()


@dataclass
class Group:
    key: str
    label: str
    rows: list = field(default_factory=list)
    more: bool = False  # more than PER_GROUP rows matched
    more_url: str = ""  # the list page filtered by the same text, when it has such a filter


@dataclass
class Results:
    query: str
    groups: list[Group]

    @property
    def found(self) -> int:
        return sum(len(group.rows) for group in self.groups)


def _capped(queryset: QuerySet) -> tuple[list, bool]:
    rows = list(queryset[: PER_GROUP + 1])
    return rows[:PER_GROUP], len(rows) > PER_GROUP


def _list_url(url_name: str, **params: str) -> str:
    return f"{reverse(url_name)}?{urlencode(params)}"


def search_all(user, query: str) -> Results:
    """Problems, letters, suggestions, deputies, constituents (masked on the page) and activities."""
    from constituents.models import Constituent, ContactActivity, Problem, Suggestion
    from deputies.models import Deputy
    from mailbox.models import Letter

    query = clean_query(query)
    if not query:
        return Results(query="", groups=[])
    specs = [
        ("problems", "群众诉求",
         Problem.objects.visible_to(user).filter(text__icontains=query)
         .select_related("group", "deputy").order_by("-raised_on", "-id"),
         _list_url("constituents:problem_list", q=query)),
        ("letters", "来信",
         Letter.objects.visible_to(user).filter(problem__text__icontains=query)
         .select_related("problem", "mailbox").order_by("-received_at", "-id"),
         ""),
        ("suggestions", "议案/建议",
         Suggestion.objects.visible_to(user).filter(Q(title__icontains=query) | Q(content__icontains=query))
         .select_related("lead_deputy").order_by("-created_at", "-id"),
         ""),
        ("deputies", "代表",
         Deputy.objects.visible_to(user).filter(name__icontains=query)
         .select_related("group", "term").order_by("-term__start_date", "name", "id"),
         _list_url("deputies:deputy_list", name=query)),
        ("constituents", "选民",
         Constituent.objects.visible_to(user).filter(name__icontains=query)
         .select_related("community").order_by("-created_at", "-id"),
         _list_url("constituents:constituent_list", name=query)),
        ("activities", "联系选民活动",
         ContactActivity.objects.visible_to(user).filter(Q(summary__icontains=query) | Q(place__icontains=query))
         .select_related("group").order_by("-held_on", "-id"),
         ""),
    ]
    groups = []
    for key, label, queryset, more_url in specs:
        rows, more = _capped(queryset)
        groups.append(Group(key=key, label=label, rows=rows, more=more, more_url=more_url if more else ""))
    return Results(query=query, groups=groups)
