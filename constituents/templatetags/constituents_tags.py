"""Panels this app adds to the home pages, the group page and the deputy page.
Each does a fixed number of queries through `visible_to`."""

from __future__ import annotations

from django import template
from django.utils import timezone

from deputies.models import Deputy, DeputyGroup

from .. import selectors
from ..conf import casework_setting
from ..models import ContactActivity, Problem, Suggestion

register = template.Library()


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
    problems = Problem.objects.visible_to(user)
    behind = selectors.deputies_behind(
        Deputy.objects.visible_to(user).filter(term__is_current=True), today.year
    )
    result.update({
        "casework": selectors.deputy_casework_summary(problems, today),
        "waiting_forward": problems.filter(state=Problem.State.REGISTERED).count(),
        "behind_count": behind.count(),
        "suggestions_overdue": Suggestion.objects.visible_to(user).filter(
            state=Suggestion.State.ASSIGNED, reply_due__lt=today
        ).count(),
    })
    return result


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
