"""The 述职 chart on the district home (reports/charts.py)."""

from __future__ import annotations

from django import template
from django.utils import timezone

from liaison.charts import Chart, district_stored

from .. import charts

register = template.Library()


@register.simple_tag(takes_context=True)
def reports_district_charts(context) -> list[Chart]:
    user, year = context["user"], timezone.localdate().year
    if user.sees_district:
        return district_stored(f"charts.reports:{year}")
    return [charts.duty_progress(user, year)]
