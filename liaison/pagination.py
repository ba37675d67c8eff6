"""Pagination for lists that reach millions of rows.

Django's Paginator counts every matching row on every page view (a COUNT(*) over
3M problems takes seconds). CappedPaginator counts at most up to a cap and says
"10,000+" beyond that, so a page view never costs the whole table. Whether a next page
exists is read from one row more than the page shows, not from the count.

Its "下一页"/"上一页" links seek (keyset pagination): they carry the sort key of the
page's last (first) row, ``after=2026-11-28~18234``, and the next page is read from
the ordering index as ``WHERE (raised_on, id) < (…) … LIMIT 31``, however deep, with
no OFFSET. A typed or bookmarked ``?page=600`` still works by OFFSET, over the ids
alone: the rows' joins are made for the page's rows only (a deferred join).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet, ValidationError
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import F, Q
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.utils.functional import cached_property
from django.utils.http import urlencode

CAP = 10_000
# How long "this list has more than CAP rows" is taken as known (seconds).
CAPPED_FOR = 300
# A typed ?page= beyond this is treated as this (a 30-digit page number must not reach SQL's LIMIT).
MAX_PAGE = 100_000
# The query parameters the links own; every other parameter (the filters) is kept as it came.
OWN = ("page", "after", "before")
SEP = "~"
# Sort keys a link may carry: what prints and parses back exactly, with no separator inside.
# (DateTimeField is a DateField; AutoField and BigAutoField are IntegerFields.)
SEEKABLE = (models.DateField, models.IntegerField)


def page_number(text) -> int:
    text = str(text or "")
    if text.isascii() and text.isdigit() and len(text) < 10:
        return max(1, min(int(text), MAX_PAGE))
    return MAX_PAGE if text.isascii() and text.isdigit() else 1


def seek_order(queryset) -> list[tuple[str, bool]] | None:
    """The queryset's ordering as [(column, descending)], when every key is a seekable column of
    the model itself and the last is the primary key (a total order); else None (OFFSET only)."""
    query = queryset.query
    ordering = list(query.order_by or (queryset.model._meta.ordering if query.default_ordering else []))
    order = []
    for item in ordering:
        if not isinstance(item, str) or "__" in item or item.lstrip("-") == "?":
            return None
        name = item.lstrip("-")
        try:
            field = queryset.model._meta.pk if name == "pk" else queryset.model._meta.get_field(name)
        except Exception:  # noqa: BLE001 (an annotation or an unknown name: not a column to seek on)
            return None
        if not isinstance(field, SEEKABLE) or field.null and not _excludes_null(query.where, field.attname):
            return None
        order.append((field.attname, item.startswith("-")))
    if not order or order[-1][0] != queryset.model._meta.pk.attname:
        return None
    return order


def _excludes_null(where, attname: str) -> bool:
    """Whether the query's filter keeps only rows where the column has a value (the overdue list's
    open_deadline < today): a seek past a key would otherwise drop the rows without one."""
    if where.connector != "AND" or where.negated:
        return False
    for child in where.children:
        if hasattr(child, "children"):
            if _excludes_null(child, attname):
                return True
            continue
        target = getattr(getattr(child, "lhs", None), "target", None)
        if target is None or target.attname != attname:
            continue
        name, value = getattr(child, "lookup_name", ""), getattr(child, "rhs", None)
        if name in ("lt", "lte", "gt", "gte", "exact", "in", "range") and value is not None \
                or name == "isnull" and value is False:
            return True
    return False


class CappedPage(Page):
    def __init__(self, object_list, number, paginator, *, more: bool, keys: list[tuple]):
        super().__init__(object_list, number, paginator)
        self.more = more
        self.keys = keys  # each shown row's sort key, in the page's order

    def has_next(self) -> bool:
        return self.more

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1  # a deep page may lie past the pages counted

    def _query(self, number: int, **cursor: str) -> str:
        params = [(key, value) for key, values in self.paginator.params.lists() if key not in OWN
                  for value in values] if hasattr(self.paginator.params, "lists") else \
            [(key, value) for key, value in self.paginator.params.items() if key not in OWN]
        return urlencode([*params, ("page", number), *cursor.items()])

    @property
    def next_query(self) -> str:
        key = self.keys[-1] if self.keys else None
        if self.paginator.order and key and None not in key:
            return self._query(self.number + 1, after=self.paginator.encode(key))
        return self._query(self.number + 1)

    @property
    def previous_query(self) -> str:
        key = self.keys[0] if self.keys else None
        if self.number > 2 and self.paginator.order and key and None not in key:
            return self._query(self.number - 1, before=self.paginator.encode(key))
        return self._query(self.number - 1)


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, *, params=None, cap: int = CAP, rows=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        # Where a page's rows are read from by id: object_list, or e.g. its values(), whose joins
        # the count and the id query must not make (they would join every counted row).
        self.rows = object_list if rows is None else rows
        self.params = params if params is not None else {}
        self.cap = cap
        self.order = seek_order(object_list)

    @cached_property
    def count(self) -> int:
        """COUNT(*) over a LIMITed subquery: stops after cap + 1 rows. That a list reaches the cap is
        remembered for a few minutes (a list of 10,000 cases does not shrink below it between two
        clicks), so paging through it counts once, not on every page."""
        limited = self.object_list.order_by()[: self.cap + 1]
        try:
            sql, params = limited.values("pk").query.sql_with_params()
        except EmptyResultSet:  # .none(): someone who may see none of these rows
            self._capped = False
            return 0
        key = "liaison:capped:" + hashlib.sha256(f"{sql}|{params!r}".encode()).hexdigest()
        if cache.get(key):
            self._capped = True
            return self.cap
        counted = limited.count()
        self._capped = counted > self.cap
        if self._capped:
            cache.set(key, 1, CAPPED_FOR)
        return min(counted, self.cap)

    @property
    def is_capped(self) -> bool:
        """Whether the list goes on past the rows counted (a page reached by its link counts only now)."""
        self.count  # noqa: B018 (counted once, which sets _capped)
        return self._capped

    @property
    def count_label(self) -> str:
        count = self.count
        return f"{count:,}+" if self.is_capped else str(count)

    # --- sort keys in links -------------------------------------------------------------------

    def encode(self, key: tuple) -> str:
        return SEP.join(value.isoformat() if isinstance(value, dt.date) else str(value) for value in key)

    def decode(self, text: str) -> tuple | None:
        """A link's sort key, or None when it is not one this list's order can read (then the page
        number alone decides, as for a typed page)."""
        text = str(text or "")
        parts = text.split(SEP)
        if not self.order or not text or len(parts) != len(self.order) or len(text) > 200:
            return None
        fields = {field.attname: field for field in self.object_list.model._meta.concrete_fields}
        try:
            key = tuple(fields[name].to_python(part) for (name, _), part in zip(self.order, parts, strict=True))
        except (ValidationError, ValueError, OverflowError):
            return None
        if any(value is None or isinstance(value, int) and not -2**63 < value < 2**63 for value in key):
            return None
        return key

    def _beyond(self, key: tuple, *, forward: bool):
        """Rows after `key` in the list's order (before it, when not forward). Where every column runs
        the same way, a row comparison, (raised_on, id) < (…), which PostgreSQL reads as one range of
        the ordering index (a province files some 5,000 cases a day: the OR form below walks a day's
        worth to find the key's place). Written with Django's tuple lookups (those of composite primary
        keys), which write the OR form where a database has no row comparison. Otherwise the
        lexicographic OR form, with the first column's bound on its own so that it is the index's range."""
        directions = {descending for _, descending in self.order}
        if len(directions) == 1:
            below = directions.pop() == forward
            columns = Tuple(*(F(name) for name, _ in self.order))
            return TupleLessThan(columns, key) if below else TupleGreaterThan(columns, key)
        seek = Q()
        for i, (name, descending) in enumerate(self.order):
            equal = {earlier: key[j] for j, (earlier, _) in enumerate(self.order[:i])}
            seek |= Q(**equal, **{f"{name}__{'lt' if descending == forward else 'gt'}": key[i]})
        first, descending = self.order[0]
        return Q(**{f"{first}__{'lte' if descending == forward else 'gte'}": key[0]}) & seek

    # --- pages --------------------------------------------------------------------------------

    def _ids(self, queryset, start: int, stop: int) -> list[tuple]:
        return list(queryset.values_list("pk", *[name for name, _ in self.order or []])[start:stop])

    def get_page(self, number) -> CappedPage:
        number = page_number(number)
        if number > 1:
            after, before = self.decode(self.params.get("after")), self.decode(self.params.get("before"))
            if after is not None:
                found = self._ids(self.object_list.filter(self._beyond(after, forward=True)), 0, self.per_page + 1)
                if found:
                    return self._page(number, found[: self.per_page], more=len(found) > self.per_page)
            elif before is not None:
                found = self._ids(self.object_list.reverse().filter(self._beyond(before, forward=False)),
                                  0, self.per_page)
                if found:
                    return self._page(number, found[::-1], more=True)
        if not self.is_capped:
            number = min(number, max(1, math.ceil(self.count / self.per_page)))
        bottom = (number - 1) * self.per_page
        found = self._ids(self.object_list, bottom, bottom + self.per_page + 1)
        if not found and number > 1:
            # A typed page past the end of a list longer than the cap: the last page there is.
            total = self.object_list.order_by()[: bottom + 1].count()
            number = max(1, math.ceil(total / self.per_page))
            bottom = (number - 1) * self.per_page
            found = self._ids(self.object_list, bottom, bottom + self.per_page + 1)
        return self._page(number, found[: self.per_page], more=len(found) > self.per_page)

    def _page(self, number: int, found: list[tuple], *, more: bool) -> CappedPage:
        """Ids first, then the rows: the joins (select_related) and prefetches are made for the
        page's rows only. Rows are model instances, or dicts from .values("pk", …)."""
        ids = [key[0] for key in found]
        rows = {row["pk"] if isinstance(row, dict) else row.pk: row for row in self.rows.filter(pk__in=ids)}
        return CappedPage([rows[pk] for pk in ids if pk in rows], number, self, more=more,
                          keys=[key[1:] for key in found])

    @property
    def num_pages(self) -> int:
        # The pages counted; a capped list has more, which "下一页" reaches.
        return max(1, math.ceil(self.count / self.per_page))


def capped_page(object_list, per_page: int, params, *, rows=None) -> CappedPage:
    """One page of a long list, from the request's query parameters (request.GET): ?page=, and the
    sort key its links carry."""
    return CappedPaginator(object_list, per_page, params=params, rows=rows).get_page(params.get("page"))
