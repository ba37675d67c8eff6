"""The mailbox's chart on the district home (mailbox/charts.py)."""

from __future__ import annotations

from django import template

from liaison.charts import Chart, district_stored

from .. import charts

register = template.Library()


@register.simple_tag(takes_context=True)
def mailbox_district_charts(context) -> list[Chart]:
    user = context["user"]
    if user.sees_district:
        return district_stored("charts.mailbox:current")
    return [charts.opening_rate_strip(user)]
