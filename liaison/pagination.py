"""Pagination for lists that reach millions of rows.

Django's Paginator counts every matching row on every page view (a COUNT(*) over
3M problems takes seconds). CappedPaginator counts at most up to a cap — or, on a
deep page, to ten pages past it — and says "10,000+" beyond that, so a page view
costs what the rows it shows and skips cost, never the whole table. Pages are fetched
ids first (a deferred join), so a deep OFFSET skips index entries, not joined rows.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property

CAP = 10_000
# A typed ?page= beyond this is treated as this (a 30-digit page number must not reach SQL's LIMIT).
MAX_PAGE = 100_000


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, *, page_number=None, cap: int = CAP, rows=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        # Where a page's rows are read from by id: object_list, or e.g. its values(), whose joins
        # the count and the id query must not make (they would join every counted row).
        self.rows = object_list if rows is None else rows
        text = str(page_number or "")
        wanted = min(int(text), MAX_PAGE) if text.isascii() and text.isdigit() and len(text) < 10 else 1
        self.cap = max(cap, (wanted + 10) * per_page)

    @cached_property
    def count(self) -> int:
        # COUNT(*) over a LIMITed subquery: stops after cap + 1 rows.
        counted = self.object_list.order_by()[: self.cap + 1].count()
        self.is_capped = counted > self.cap
        return min(counted, self.cap)

    def page(self, number):
        """Ids first, then the rows: the OFFSET walks the ordering index alone, and the joins
        (select_related) and prefetches are done for the page's rows only."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count) if bottom + self.per_page + self.orphans >= self.count \
            else bottom + self.per_page
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        # Model instances, or dicts from .values("pk", …) for a list that needs no model methods.
        rows = {row["pk"] if isinstance(row, dict) else row.pk: row for row in self.rows.filter(pk__in=ids)}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)

    @property
    def count_label(self) -> str:
        count = self.count
        return f"{count:,}+" if self.is_capped else str(count)


def capped_page(object_list, per_page: int, page_number, *, rows=None):
    text = str(page_number or "")
    if text.isascii() and text.isdigit() and (len(text) >= 10 or int(text) > MAX_PAGE):
        page_number = MAX_PAGE  # then the last page, as for any page past the end
    return CappedPaginator(object_list, per_page, page_number=page_number, rows=rows).get_page(page_number)
