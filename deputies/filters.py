from __future__ import annotations

import django_filters

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
        self.filters["group"].queryset = DeputyGroup.objects.visible_to(user)
