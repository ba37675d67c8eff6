"""The 三问 coverage panels of the group page and the deputy's home (coverage.py does the counting)."""

from __future__ import annotations

from django import template
from django.utils import timezone

from deputies.models import Constituency, Deputy, DeputyGroup

from .. import coverage

register = template.Library()


@register.inclusion_tag("constituents/_coverage_group_panel_body.html")
def coverage_group_panel(group: DeputyGroup, user):
    """The group's coverage this year as one percentage (two GROUP BY queries)."""
    year = timezone.localdate().year
    constituencies = Constituency.objects.visible_to(user).filter(group=group, term__is_current=True)
    tally = coverage.total(coverage.tallies(coverage.cell_counts(constituencies, year, user)).values())
    return {"group": group, "year": year, "coverage": tally}


@register.inclusion_tag("constituents/_coverage_suggestions_body.html")
def coverage_suggestions(deputy: Deputy | None, user, limit: int = 5):
    """Where the deputy might go next: the uncovered cells of their constituency with the most people."""
    if deputy is None or user is None or not user.is_authenticated or user.has_left_office:
        return {"deputy": None}  # a deputy who left office no longer visits (and sees no constituents)
    year = timezone.localdate().year
    constituency = Constituency.objects.visible_to(user).filter(pk=deputy.constituency_id).first()
    if constituency is None:
        return {"deputy": None}
    gaps, tally = coverage.suggestions(constituency, year, user, limit=limit)
    can_plan = user.can_write
    return {
        "deputy": deputy, "year": year, "constituency": constituency, "coverage": tally,
        "gaps": [
            {"cell": cell, "community": community,
             "plan_url": coverage.plan_url(constituency_id=constituency.pk, community=community,
                                           category=cell.category) if can_plan else ""}
            for cell, community in gaps
        ],
    }
