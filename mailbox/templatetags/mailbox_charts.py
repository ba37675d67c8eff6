"""The mailbox's chart on the district home (mailbox/charts.py)."""

from __future__ import annotations

from django import template

from liaison.charts import Chart, district_cached

from .. import charts
from ..weeks import Week

register = template.Library()


@register.simple_tag(takes_context=True)
def mailbox_district_charts(context) -> list[Chart]:
    user, week = context["user"], Week.current()
    if user.sees_district:
        return district_cached(f"charts:mailbox:district:{week.key}", lambda: [charts.opening_rate_strip(user)])
    return [charts.opening_rate_strip(user)]
