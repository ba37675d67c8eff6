"""The casework and activity charts on the home pages and the group page (constituents/charts.py),
each counted in the database through `visible_to`."""

from __future__ import annotations

from django import template
from django.utils import timezone

from deputies.models import Deputy, DeputyGroup
from liaison.charts import Chart, district_stored

from .. import charts, figures
from ..models import ContactActivity, Forwarding, Problem

register = template.Library()


def _district_charts(user, year: int) -> list[Chart]:
    return [
        charts.problems_by_month(Problem.objects.visible_to(user), year),
        charts.department_rates(figures.department_figures(Forwarding.objects.visible_to(user), figures.Period(year)),
                                figures.Period(year)),
    ]


@register.simple_tag(takes_context=True)
def casework_district_charts(context) -> list[Chart]:
    """Problems by month and category, and the departments' rates, for the year."""
    user, year = context["user"], timezone.localdate().year
    if user.sees_district:  # the same rows for everyone who sees the whole district: drawn by beat
        return district_stored(f"charts.constituents:{year}")
    return _district_charts(user, year)


@register.simple_tag
def group_activity_chart(group: DeputyGroup, user) -> Chart:
    """The group's serving deputies' activities this year against the two-a-year line."""
    deputies = Deputy.objects.visible_to(user).filter(group=group, term__is_current=True)
    return charts.activities_per_deputy(deputies, timezone.localdate().year)


@register.simple_tag
def deputy_charts(deputy: Deputy, user) -> list[Chart]:
    """A deputy's activities by month this year and their problems by state."""
    return [
        charts.deputy_activities_by_month(
            ContactActivity.objects.visible_to(user).filter(deputies=deputy), timezone.localdate().year
        ),
        charts.problems_by_state(Problem.objects.visible_to(user).filter(deputy=deputy)),
    ]
