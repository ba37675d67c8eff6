from __future__ import annotations

import django_filters

from deputies.models import Community

from .models import Constituent, ConstituentCategory


class ConstituentFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(label="姓名", lookup_expr="contains")
    category = django_filters.ChoiceFilter(label="类别", choices=ConstituentCategory.choices, empty_label="全部类别")
    community = django_filters.ModelChoiceFilter(label="社区/单位", queryset=Community.objects.none(), empty_label="全部社区/单位")

    class Meta:
        model = Constituent
        fields = ["name", "category", "community"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["community"].queryset = Community.objects.visible_to(user).filter(
            constituency__term__is_current=True
        )
