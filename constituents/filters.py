from __future__ import annotations

from functools import partial

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from deputies.models import Community, Deputy, DeputyGroup
from liaison.autocomplete import AutocompleteWidget
from liaison.forms import PLAIN_INPUTS, render_boolean, render_input, render_select
from liaison.params import MAX_ID

from .models import (
    ActivityForm,
    ActivityOrganizer,
    AskType,
    Constituent,
    ConstituentCategory,
    ContactActivity,
    Problem,
    ProblemCategory,
    Suggestion,
)


class ConstituentFilter(django_filters.FilterSet):
    # icontains is UPPER(name) LIKE …, which the trigram index (migration 0012) serves: a name among a
    # province's million constituents is found without reading them all.
    name = django_filters.CharFilter(label="姓名", lookup_expr="icontains")
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
        self.filters["community"].extra["widget"] = AutocompleteWidget("autocomplete_communities",
                                                                       "输入社区或单位名称查找")


def _year_choices() -> list[tuple[int, str]]:
    from deputies.models import Term

    return [(year, f"{year}年") for year in Term.current_years(timezone.localdate())]


class _ScopedChoicesMixin:
    """Group and deputy choices come from what the user may see."""

    @property
    def form(self):
        # Bootstrap classes on the widgets, so _filter_form.html renders them plainly: crispy's
        # per-field templates cost more than the rest of the case list put together (perf).
        form = super().form
        if not getattr(form, "styled", False):
            for field in form.fields.values():
                widget = field.widget
                if isinstance(widget, forms.Select):
                    widget.attrs.setdefault("class", "form-select")
                    if not widget.allow_multiple_selected and type(widget).render is forms.Widget.render:
                        widget.render = partial(render_select, widget)  # the same markup, built in Python
                    elif type(widget) is django_filters.widgets.BooleanWidget:
                        widget.render = partial(render_boolean, widget)
                elif not isinstance(widget, (forms.HiddenInput, AutocompleteWidget)):
                    widget.attrs.setdefault("class", "form-control")
                if isinstance(widget, forms.widgets.Input) and widget.template_name in PLAIN_INPUTS \
                        and type(widget).render is forms.Widget.render:
                    widget.render = partial(render_input, widget)  # the same markup, built in Python
            form.styled = True
        return form

    def _scope_choices(self, user) -> None:
        # Thousands of groups and deputies at a province's scale: search as you type, never a full <select>.
        if "group" in self.filters:
            self.filters["group"].queryset = DeputyGroup.objects.visible_to(user)
            self.filters["group"].extra["widget"] = AutocompleteWidget("autocomplete_groups", "输入代表组名称查找")
        if "deputy" in self.filters:
            self.filters["deputy"].queryset = Deputy.objects.visible_to(user).filter(term__is_current=True)
            self.filters["deputy"].extra["widget"] = AutocompleteWidget("autocomplete_deputies", "输入代表姓名查找")


class ContactActivityFilter(_ScopedChoicesMixin, django_filters.FilterSet):
    year = django_filters.ChoiceFilter(label="年度", choices=_year_choices, method="filter_year",
                                            empty_label="全部年度")
    ask_type = django_filters.ChoiceFilter(label="“三问”类型", choices=AskType.choices, empty_label="全部类型")
    form = django_filters.ChoiceFilter(label="活动形式", choices=ActivityForm.choices, empty_label="全部形式")
    organizer = django_filters.ChoiceFilter(label="组织方式", choices=ActivityOrganizer.choices, empty_label="全部")
    group = django_filters.ModelChoiceFilter(label="代表组", queryset=DeputyGroup.objects.none(),
                                             empty_label="全部代表组")
    deputy = django_filters.ModelChoiceFilter(label="代表", field_name="deputies", queryset=Deputy.objects.none(),
                                              empty_label="全部代表")
    # Whom an activity met, as the 三问 coverage planner links to it: a community and/or a voter
    # category of one and the same constituent (filter_queryset applies the two together).
    community = django_filters.NumberFilter(method="filter_met", widget=forms.HiddenInput(),
                                            min_value=1, max_value=MAX_ID)
    category = django_filters.ChoiceFilter(label="联系的选民类别", choices=ConstituentCategory.choices,
                                           method="filter_met", empty_label="全部类别")

    class Meta:
        model = ContactActivity
        fields = ["year", "ask_type", "form", "organizer", "group", "deputy", "community", "category"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._scope_choices(user)

    def filter_year(self, queryset, name, value):
        return queryset.filter(held_on__year=int(value)) if value else queryset

    def filter_met(self, queryset, name, value):
        return queryset  # see filter_queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        community, category = self.form.cleaned_data.get("community"), self.form.cleaned_data.get("category")
        if not community and not category:
            return queryset
        met = ContactActivity.constituents.through.objects.filter(contactactivity_id=OuterRef("pk"))
        if community:
            met = met.filter(constituent__community_id=int(community))
        if category:
            met = met.filter(constituent__category=category)
        return queryset.filter(Exists(met))


class ProblemFilter(_ScopedChoicesMixin, django_filters.FilterSet):
    VIEWS = [("due", "待我处理"), ("overdue", "部门逾期未答复"), ("awaiting_feedback", "待反馈选民"),
             ("open", "未办结"), ("returned", "被退办待重新转交")]

    view = django_filters.ChoiceFilter(label="快速查看", choices=VIEWS, method="filter_view", empty_label="全部诉求")
    q = django_filters.CharFilter(label="内容包含", field_name="text", lookup_expr="contains")
    state = django_filters.ChoiceFilter(label="状态", choices=Problem.State.choices, empty_label="全部状态")
    source = django_filters.ChoiceFilter(label="来源", choices=Problem.Source.choices, empty_label="全部来源")
    category = django_filters.ChoiceFilter(label="问题类别", choices=ProblemCategory.choices, empty_label="全部类别")
    is_livelihood = django_filters.BooleanFilter(
        label="民生问题", widget=django_filters.widgets.BooleanWidget(),
    )
    year = django_filters.ChoiceFilter(label="年度", choices=_year_choices, method="filter_year",
                                            empty_label="全部年度")
    group = django_filters.ModelChoiceFilter(label="代表组", queryset=DeputyGroup.objects.none(),
                                             empty_label="全部代表组")
    deputy = django_filters.ModelChoiceFilter(label="责任代表", queryset=Deputy.objects.none(), empty_label="全部代表")
    # Bounded like a primary key: a 30-digit id is an invalid filter, not a database overflow.
    constituency = django_filters.NumberFilter(field_name="constituency_id", widget=forms.HiddenInput(),
                                               min_value=1, max_value=MAX_ID)
    community = django_filters.NumberFilter(field_name="community_id", widget=forms.HiddenInput(),
                                            min_value=1, max_value=MAX_ID)
    # The 有关部门办理情况 page links a department's name to the problems forwarded to it.
    department = django_filters.NumberFilter(method="filter_department", widget=forms.HiddenInput(),
                                             min_value=1, max_value=MAX_ID)

    class Meta:
        model = Problem
        fields = ["view", "q", "state", "source", "category", "is_livelihood", "year", "group", "deputy"]

    def __init__(self, *args, user=None, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self._scope_choices(user)
        self.filters["is_livelihood"].field.widget.choices = [("", "全部"), ("true", "是"), ("false", "否")]

    def filter_year(self, queryset, name, value):
        return queryset.filter(raised_on__year=int(value)) if value else queryset

    def filter_department(self, queryset, name, value):
        from .models import Forwarding

        forwarded = Forwarding.objects.filter(problem_id=OuterRef("pk"), department_id=value)
        return queryset.filter(Exists(forwarded))

    def filter_view(self, queryset, name, value):
        from .models import Forwarding

        if value == "due":  # what the daily digest counts (constituents.services.reminders)
            import datetime as dt

            from .conf import casework_setting

            forward_by = self.today - dt.timedelta(days=casework_setting("FORWARD_WITHIN_DAYS"))
            return queryset.filter(
                Q(state=Problem.State.REGISTERED, state_since__lte=forward_by, linked_to__isnull=True)
                | Q(state__in=[Problem.State.RESOLVED, Problem.State.UNSOLVABLE])
                | Q(open_deadline__lt=self.today)  # the overdue rule, stored (Problem.open_deadline)
            )
        if value == "overdue":
            # The overdue rule from the stored earliest open deadline, longest overdue first (逾期最久的在前):
            # one partial index, however many open problems are not due yet.
            return queryset.filter(open_deadline__lt=self.today).order_by("open_deadline", "pk")
        if value == "awaiting_feedback":
            return queryset.awaiting_feedback()
        if value == "open":
            return queryset.open()
        if value == "returned":
            returned = Forwarding.objects.filter(
                problem_id=OuterRef("pk"), round=OuterRef("round"), status=Forwarding.Status.RETURNED
            )
            return queryset.filter(Exists(returned), state=Problem.State.REGISTERED)
        return queryset


class SuggestionFilter(_ScopedChoicesMixin, django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label="类型", choices=Suggestion.Kind.choices, empty_label="议案和建议")
    state = django_filters.ChoiceFilter(label="状态", choices=Suggestion.State.choices, empty_label="全部状态")
    category = django_filters.ChoiceFilter(label="问题类别", choices=ProblemCategory.choices, empty_label="全部类别")
    group = django_filters.ModelChoiceFilter(label="代表组", queryset=DeputyGroup.objects.none(),
                                             empty_label="全部代表组")
    year = django_filters.ChoiceFilter(label="年度", choices=_year_choices, method="filter_year",
                                            empty_label="全部年度")

    class Meta:
        model = Suggestion
        fields = ["kind", "state", "category", "group", "year"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._scope_choices(user)

    def filter_year(self, queryset, name, value):
        return queryset.filter(created_at__year=int(value)) if value else queryset
