"""The back office at a province's scale (perf, issue 11).

Django's admin lists every row of a related table in a changelist's side bar: a district's 25 groups
are a handy filter, a province's 8,000 were 750–950 KB on every view of the problems, deputies,
constituents, letters or openings. Here a related filter shows its choices while they are few; past
that it is left out of the side bar, the list is searched by name instead (each admin's
search_fields), and a filter link already made (?group__id__exact=…) still applies. Counts stop at
10,000 and dates are filtered from the side bar (at_scale, below).
"""

from __future__ import annotations

from django.contrib import admin
from django.core.paginator import Paginator
from django.utils.functional import cached_property

FEW = 100  # a district's groups, terms, sub-districts; not a province's groups or communities


class FewRelatedFieldListFilter(admin.RelatedFieldListFilter):
    def field_choices(self, field, request, model_admin):
        related = field.remote_field.model._default_manager
        if related.order_by()[:FEW + 1].count() <= FEW:  # one bounded query, not a read of every row
            return super().field_choices(field, request, model_admin)
        chosen = [value for value in self.lookup_val or [] if str(value).isdigit()]  # only what a link chose
        return field.get_choices(include_blank=False, limit_choices_to={"pk__in": chosen}) if chosen else []

    def has_output(self):
        # Kept while a link filters by it: Django applies only the filters it shows.
        return bool(self.lookup_val) or super().has_output()


def register() -> None:
    """Every related field's filter, in every admin, before Django's own (which lists every row)."""
    admin.FieldListFilter.register(lambda field: bool(field.remote_field), FewRelatedFieldListFilter,
                                   take_priority=True)


CAP = 10_000  # as the front office's lists (liaison.pagination)


class CappedPaginator(Paginator):
    """Counts up to CAP rows and no further: a province's 3M problems took 130–160 ms to count on every
    changelist view. Past CAP, templates/admin/pagination.html says "10,000+"; the pages up to it stay."""

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by()[:CAP + 1].count()  # any CAP + 1 rows: no sort to count them

    @property
    def capped(self) -> bool:
        return self.count > CAP


def at_scale(site) -> None:
    """Every registered admin: pages of 50, a capped count, counted once (not also the whole table for "共 N 条"), and
    no year drill-down over the dates of millions of rows (600 ms to list a province's years of
    problems); that date is a side-bar filter instead (today, the last 7 days, this month, this year)."""
    for model_admin in site._registry.values():
        model_admin.paginator = CappedPaginator
        model_admin.show_full_result_count = False
        model_admin.list_per_page = min(model_admin.list_per_page, 50)  # as the front office's lists
        if model_admin.date_hierarchy:
            model_admin.list_filter = [model_admin.date_hierarchy, *model_admin.list_filter]
            model_admin.date_hierarchy = None
