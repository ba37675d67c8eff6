"""Panels this app adds to the home pages, the group page and the deputy page.
Each does a fixed number of queries through `visible_to`."""

from __future__ import annotations

from django import template
from django.utils import timezone

from deputies.models import Deputy, DeputyGroup

from .. import selectors
from ..conf import casework_setting
from ..list_rows import state_badge
from ..models import ContactActivity, Problem, Suggestion

register = template.Library()
# The coloured state of a problem (the case list, the problem and suggestion pages): {% state_badge problem %}
register.simple_tag(state_badge, name="state_badge")


def _goals() -> dict:
    return {
        "minimum": casework_setting("ACTIVITIES_PER_YEAR"),
        "goal_min": casework_setting("LIVELIHOOD_GOAL_MIN"),
        "goal_max": casework_setting("LIVELIHOOD_GOAL_MAX"),
    }


def _deputy_numbers(deputy: Deputy, user, today) -> dict:
    activities = ContactActivity.objects.visible_to(user).filter(deputies=deputy, held_on__year=today.year)
    problems = Problem.objects.visible_to(user).filter(deputy=deputy)
    return {
        "activity_count": activities.count(),
        "recent_activities": list(activities.select_related("constituency").order_by("-held_on")[:3]),
        "casework": selectors.deputy_casework_summary(problems, today),
        "suggestion_count": Suggestion.objects.visible_to(user).filter(proposers=deputy, term_id=deputy.term_id).count(),
    }


@register.inclusion_tag("constituents/_dashboard_panel.html", takes_context=True)
def constituents_dashboard(context):
    user = context.get("user")
    today = timezone.localdate()
    result = {"user": user, "year": today.year, **_goals()}
    deputy = context.get("deputy")
    if user is None or not user.is_authenticated:
        return result
    if deputy is not None:
        result.update({"deputy": deputy, **_deputy_numbers(deputy, user, today)})
        return result
    if user.sees_district:
        # The whole district: stored figures refreshed by beat (liaison.figures), with their time.
        from liaison.figures import figures

        data, result["computed_at"] = figures("constituents.district_dashboard")
        result.update(data)
        return result
    result.update(_scope_figures(
        Problem.objects.visible_to(user), Deputy.objects.visible_to(user), Suggestion.objects.visible_to(user),
        today,
    ))
    return result


def _scope_figures(problems, deputies, suggestions, today) -> dict:
    behind = selectors.deputies_behind(deputies.filter(term__is_current=True), today.year)
    return {
        "casework": selectors.deputy_casework_summary(problems, today),
        "waiting_forward": problems.filter(state=Problem.State.REGISTERED).count(),
        "behind_count": behind.count(),
        "suggestions_overdue": suggestions.filter(state=Suggestion.State.ASSIGNED, reply_due__lt=today).count(),
    }


def district_dashboard_figures() -> dict:
    """The district's tiles for liaison.figures (staff and committee see every row)."""
    return _scope_figures(Problem.objects.all(), Deputy.objects.all(), Suggestion.objects.all(),
                          timezone.localdate())


@register.inclusion_tag("constituents/_group_panel_body.html")
def constituents_group_panel(group: DeputyGroup, user):
    today = timezone.localdate()
    deputies = Deputy.objects.visible_to(user).filter(group=group, term__is_current=True)
    behind = list(selectors.deputies_behind(deputies, today.year).order_by("activity_count", "name")[:30])
    problems = Problem.objects.visible_to(user).filter(group=group)
    return {
        "group": group, "user": user, "year": today.year, "behind": behind, **_goals(),
        "activity_count": ContactActivity.objects.visible_to(user).filter(group=group, held_on__year=today.year).count(),
        "casework": selectors.deputy_casework_summary(problems, today),
    }


@register.inclusion_tag("constituents/_deputy_panel_body.html")
def constituents_deputy_panel(deputy: Deputy, user):
    today = timezone.localdate()
    return {"deputy": deputy, "user": user, "year": today.year, **_goals(), **_deputy_numbers(deputy, user, today)}
