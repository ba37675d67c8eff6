from __future__ import annotations

import django_filters

from liaison.autocomplete import AutocompleteWidget

from .models import Deputy, DeputyGroup, DeputyStatus


class DeputyFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(label="姓名", lookup_expr="contains")
    group = django_filters.ModelChoiceFilter(label="代表组", queryset=DeputyGroup.objects.none(), empty_label="全部代表组")
    status = django_filters.ChoiceFilter(label="状态", choices=DeputyStatus.choices, empty_label="全部状态")

    class Meta:
        model = Deputy
        fields = ["name", "group", "status"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A province's 8,000 groups: search as you type, not a <select> of them all (perf, issue 11).
        # The queryset still scopes what validates: a group the user may not see is refused.
        self.filters["group"].queryset = DeputyGroup.objects.visible_to(user)
        self.filters["group"].extra["widget"] = AutocompleteWidget("autocomplete_groups", "输入代表组名称查找")


class GroupSearchFilter(django_filters.FilterSet):
    """The group list's search: a clerk finds one group among a province's thousands by its name."""

    name = django_filters.CharFilter(label="代表组名称", lookup_expr="contains")

    class Meta:
        model = DeputyGroup
        fields = ["name"]
