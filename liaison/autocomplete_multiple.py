"""Search-as-you-type for a multiple choice among thousands (a suggestion's joint proposers, its problems).

A <select multiple> of a province's 100k deputies or 3M problems cannot be sent. This widget renders
only the chosen rows, each a checked checkbox named like the field (so the form posts a list of ids and
the ModelMultipleChoiceField validates them against its own queryset), a few offered rows unchecked, and a
search box that static/js/autocomplete.js fills from a JSON endpoint ({"results": [{"id", "text"}]})
and turns a picked match into one more checked entry. Without JavaScript the chosen and offered entries
still work (untick to remove, tick to add); only the search needs it, and the help text says so.
"""

from __future__ import annotations

from django import forms
from django.templatetags.static import static
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from liaison.autocomplete import is_many
from liaison.params import MAX_ID


def chosen_ids(value) -> list[int]:
    """The digit ids among what was posted or given as initial, in order, once each (junk is left to the field)."""
    values = value if isinstance(value, (list, tuple)) else ([] if value in (None, "") else [value])
    ids: list[int] = []
    for item in values:
        item = getattr(item, "pk", item)
        if str(item).isascii() and str(item).isdigit() and 0 < int(item) <= MAX_ID and int(item) not in ids:
            ids.append(int(item))
    return ids


class AutocompleteMultipleWidget(forms.Widget):
    """Chosen rows as checked checkboxes, offered rows unchecked, and a search box to add more."""

    allow_multiple_selected = True

    def __init__(self, url: str, placeholder: str, *, offered=None, extra_params: tuple[str, ...] = (),
                 attrs=None):
        super().__init__(attrs)
        self.url = url
        self.placeholder = placeholder
        self.offered = offered  # a bounded queryset shown unchecked (e.g. the category's newest problems)
        self.extra_params = extra_params  # other fields of the form the search passes along (e.g. category)
        self.choices = ()

    def value_from_datadict(self, data, files, name):
        getter = getattr(data, "getlist", None)
        return getter(name) if getter is not None else data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return False  # an empty list is a choice: none

    def _rows(self, value):
        """(id, label, checked) for the chosen rows the field's queryset holds, then the offered ones."""
        field = getattr(self.choices, "field", None)
        if field is None:
            return []
        label = field.label_from_instance
        ids = chosen_ids(value)
        chosen = {row.pk: row for row in field.queryset.filter(pk__in=ids)} if ids else {}
        rows = [(pk, label(chosen[pk]), True) for pk in ids if pk in chosen]
        if self.offered is not None:
            rows += [(row.pk, label(row), False) for row in self.offered if row.pk not in chosen]
        return rows

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        base_id = attrs.get("id") or f"id_{name}"
        entries = [
            format_html(
                '<div class="form-check"><input class="form-check-input" type="checkbox" name="{}" value="{}" '
                'id="{}_{}"{}><label class="form-check-label" for="{}_{}">{}</label></div>',
                name, pk, base_id, pk, mark_safe(" checked") if checked else "", base_id, pk, text,
            )
            for pk, text, checked in self._rows(value)
        ]
        placeholder = conditional_escape(self.placeholder)
        extra = conditional_escape(" ".join(self.extra_params))
        return mark_safe(
            f'<div class="border rounded p-2 mb-1 overflow-auto" style="max-height: 16rem" id="{base_id}" '
            f'data-autocomplete-multiple-entries>\n' + "\n".join(entries) + "\n</div>\n"
            f'<input type="search" class="form-control" list="{base_id}_options" autocomplete="off"\n'
            f'       placeholder="{placeholder}" aria-label="{placeholder}"\n'
            f'       data-autocomplete-multiple-url="{conditional_escape(self.url)}"'
            f' data-autocomplete-multiple-target="{base_id}" data-autocomplete-multiple-name="{conditional_escape(name)}"'
            f' data-autocomplete-multiple-with="{extra}">\n'
            f'<datalist id="{base_id}_options"></datalist>\n'
            f'<script src="{conditional_escape(static("js/autocomplete.js"))}" defer></script>'
        )


def search_many_when_many(field, url: str, placeholder: str, **widget_kwargs) -> None:
    """A ModelMultipleChoiceField's <select multiple> while its rows are FEW or fewer, checkboxes and a search box
    past that."""
    if is_many(field.queryset):
        field.widget = AutocompleteMultipleWidget(url, placeholder, **widget_kwargs)
        field.widget.choices = field.choices  # the chosen rows' names, looked up alone
