"""One search box (issue 12 §3): what a person may see, matching a text, newest first.

Every group starts from its model's `visible_to(user)`. On PostgreSQL `icontains` is
served by the pg_trgm GIN indexes of constituents/0012 for three characters or more;
one- and two-character Chinese queries (路灯) have no trigram, so they look only at the
newest SHORT_QUERY_WINDOW rows of each kind the person may see (a contiguous id range; the
page says so). Every group is capped at PER_GROUP rows. On SQLite it is a plain contains match.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.urls import reverse

MAX_QUERY_CHARS = 50
PER_GROUP = 20
# pg_trgm has no trigram for one or two characters: such a query reads rows one by one, so it
# looks only at the most recently registered rows of each kind the person may see.
SHORT_QUERY_CHARS = 2
SHORT_QUERY_WINDOW = 20_000


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
    windowed: bool = False  # a short query looked only at the newest SHORT_QUERY_WINDOW rows of a kind

    @property
    def found(self) -> int:
        return sum(len(group.rows) for group in self.groups)


def _recent(queryset: QuerySet) -> tuple[QuerySet, bool]:
    """The newest SHORT_QUERY_WINDOW rows (by id: the order they were registered in) of a scope.

    One index-only query finds the id where the window starts; the match then reads a
    contiguous id range instead of the whole table. A scope smaller than the window
    (a deputy's own cases) is searched whole."""
    start = queryset.order_by("-pk").values_list("pk", flat=True)[SHORT_QUERY_WINDOW - 1:SHORT_QUERY_WINDOW]
    start = list(start)
    if not start:
        return queryset, False
    return queryset.filter(pk__gte=start[0]), True


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
    q = query
    # (key, label, scope: what the person may see, the match, newest first, the filtered list page)
    specs = [
        ("problems", "群众诉求", Problem.objects.visible_to(user).select_related("group", "deputy"),
         Q(text__icontains=q), ("-raised_on", "-id"), _list_url("constituents:problem_list", q=q)),
        ("letters", "来信", Letter.objects.visible_to(user).select_related("problem", "mailbox"),
         Q(problem__text__icontains=q), ("-received_at", "-id"), ""),
        ("suggestions", "议案/建议", Suggestion.objects.visible_to(user).select_related("lead_deputy"),
         Q(title__icontains=q) | Q(content__icontains=q), ("-created_at", "-id"), ""),
        ("deputies", "代表", Deputy.objects.visible_to(user).select_related("group", "term"),
         Q(name__icontains=q), ("-term__start_date", "name", "id"), _list_url("deputies:deputy_list", name=q)),
        # Newest registered first, on the primary key (a province has a million constituents).
        ("constituents", "选民", Constituent.objects.visible_to(user).select_related("community"),
         Q(name__icontains=q), ("-id",), _list_url("constituents:constituent_list", name=q)),
        ("activities", "联系选民活动", ContactActivity.objects.visible_to(user).select_related("group"),
         Q(summary__icontains=q) | Q(place__icontains=q), ("-held_on", "-id"), ""),
    ]
    groups, windowed = [], False
    for key, label, scope, match, order, more_url in specs:
        if len(query) <= SHORT_QUERY_CHARS:
            scope, cut = _recent(scope)
            windowed = windowed or cut
        rows, more = _capped(scope.filter(match).order_by(*order))
        groups.append(Group(key=key, label=label, rows=rows, more=more, more_url=more_url if more else ""))
    return Results(query=query, groups=groups, windowed=windowed)
