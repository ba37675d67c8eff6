"""Search-as-you-type for filters that choose among thousands (deputies, groups, communities).

A full <select> of 100k deputies costs seconds to render and megabytes to send.
Instead the widget renders a hidden input with the chosen id, a text box showing
the chosen name, and a <datalist> that static/js/autocomplete.js fills from a JSON
endpoint as the person types. The endpoint searches only rows `visible_to` the user.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse

from .params import text_param

LIMIT = 20
# A choice among this many rows or fewer stays a <select> (a district's 87 constituencies); past it, search as
# you type (a province's 24,000 made the visit and problem forms 8–12 MB and 20–30 s).
FEW = 100


class AutocompleteWidget(forms.Widget):
    """The chosen id in a hidden input, its name in a search box, the matches in a <datalist>.

    Rendered in Python (render below), not through a template: a list page's filters render
    on every view (perf, issue 11)."""

    template_name = None  # rendered by render(), below

    def __init__(self, url_name: str, placeholder: str = "输入名称查找", attrs=None, queryset=None):
        super().__init__(attrs)
        self.url_name = url_name
        self.placeholder = placeholder
        self.queryset = queryset  # for a widget used outside a ModelChoiceField
        self.choices = ()

    def get_context(self, name, value, attrs):
        from django.urls import reverse

        context = super().get_context(name, value, attrs)
        label = ""
        # ModelChoiceField hands the widget a ModelChoiceIterator: look up only the chosen row.
        queryset = self.queryset if self.queryset is not None else getattr(self.choices, "queryset", None)
        if value not in (None, "") and queryset is not None and str(value).isdigit():
            chosen = queryset.filter(pk=int(value)).first()
            label = str(chosen) if chosen is not None else ""
        context["widget"].update({
            "url": reverse(self.url_name), "label": label, "placeholder": self.placeholder,
            "list_id": f"{context['widget']['attrs'].get('id', name)}_options",
        })
        return context

    def value_from_datadict(self, data, files, name):
        return data.get(name)

    def render(self, name, value, attrs=None, renderer=None):
        from django.templatetags.static import static
        from django.utils.html import conditional_escape
        from django.utils.safestring import mark_safe

        widget = self.get_context(name, value, attrs)["widget"]
        target = conditional_escape(widget["attrs"].get("id", ""))
        value = widget["value"]
        placeholder = conditional_escape(widget["placeholder"])
        return mark_safe(
            f'<input type="hidden" name="{conditional_escape(widget["name"])}" id="{target}" '
            f'value="{conditional_escape("" if value is None else value)}">\n'
            f'<input type="search" class="form-control" list="{conditional_escape(widget["list_id"])}" '
            f'autocomplete="off" value="{conditional_escape(widget["label"])}"\n'
            f'       placeholder="{placeholder}" aria-label="{placeholder}"\n'
            f'       data-autocomplete-url="{conditional_escape(widget["url"])}" data-autocomplete-target="{target}">\n'
            f'<datalist id="{conditional_escape(widget["list_id"])}"></datalist>\n'
            f'<script src="{conditional_escape(static("js/autocomplete.js"))}" defer></script>'
        )


def is_many(queryset) -> bool:
    """More than FEW rows: searched as you type, not listed (one bounded query, not a count of them all)."""
    return queryset.order_by()[:FEW + 1].count() > FEW


def search_when_many(field, url_name: str, placeholder: str) -> None:
    """A ModelChoiceField's <select> while its rows are FEW or fewer, a search box past that."""
    if is_many(field.queryset):
        field.widget = AutocompleteWidget(url_name, placeholder, attrs=field.widget.attrs)
        field.widget.choices = field.choices  # the chosen row's name, looked up alone


def autocomplete_response(queryset, request, *, field: str = "name") -> JsonResponse:
    """The first matches of ?q= as [{"id": …, "text": …}] (empty q: the first rows)."""
    q = text_param(request)
    if q:
        queryset = queryset.filter(**{f"{field}__contains": q})
    rows = [{"id": row.pk, "text": str(row)} for row in queryset.order_by(field, "pk")[:LIMIT]]
    return JsonResponse({"results": rows})


@login_required
def groups(request):
    from deputies.models import DeputyGroup

    return autocomplete_response(DeputyGroup.objects.visible_to(request.user).only("id", "name"), request)


@login_required
def deputies(request):
    from deputies.models import Deputy

    return autocomplete_response(
        Deputy.objects.visible_to(request.user).filter(term__is_current=True).only("id", "name"), request
    )


@login_required
def communities(request):
    from deputies.models import Community

    return autocomplete_response(
        Community.objects.visible_to(request.user).filter(constituency__term__is_current=True).only("id", "name"),
        request,
    )


@login_required
def departments(request):
    """Departments a case can be forwarded to (bulk forwarding picks one among a hundred or so)."""
    from deputies.models import Department

    return autocomplete_response(
        Department.objects.visible_to(request.user).filter(is_active=True).only("id", "name"), request
    )


@login_required
def constituencies(request):
    """Current constituencies the user sees, by their name or their group's (a province's constituencies
    are numbered, 第10选区: the group tells which is meant)."""
    from django.db.models import Q

    from deputies.models import Constituency

    query = text_param(request)
    rows = (Constituency.objects.visible_to(request.user).filter(term__is_current=True)
            .select_related("group").only("id", "name", "group__name"))
    if query:
        rows = rows.filter(Q(name__contains=query) | Q(group__name__contains=query))
    return JsonResponse({"results": [
        {"id": row.pk, "text": f"{row.group.name} · {row.name}"}
        for row in rows.order_by("group__sort_order", "group__name", "name", "pk")[:LIMIT]
    ]})
