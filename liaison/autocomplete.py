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

LIMIT = 20


class AutocompleteWidget(forms.Widget):
    # In the app's templates/: widgets render through the form renderer, which looks only in apps.
    template_name = "liaison/widgets/autocomplete.html"

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


def autocomplete_response(queryset, request, *, field: str = "name") -> JsonResponse:
    """The first matches of ?q= as [{"id": …, "text": …}] (empty q: the first rows)."""
    q = request.GET.get("q", "").replace("\x00", "").strip()[:40]  # PostgreSQL refuses NUL characters
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
