"""The mailbox's parts of other apps' pages: each does its own few queries through visible_to."""

from __future__ import annotations

from django import template
from django.db.models import Count, Q

from deputies.models import DeputyGroup

from .. import selectors
from ..models import Letter, Mailbox, SupervisedIssue
from ..weeks import Week

register = template.Library()


def _letter_counts(letters) -> dict:
    return letters.aggregate(
        undelivered=Count("pk", filter=Q(delivered_at__isnull=True)),
        unreplied=Count("pk", filter=Q(delivered_at__isnull=False, replied_at__isnull=True)),
    )


@register.inclusion_tag("mailbox/panels/group.html", takes_context=True)
def mailbox_group_panel(context):
    user, group = context["user"], context["group"]
    week = Week.current()
    boxes = list(
        selectors.mailboxes_with_week(
            Mailbox.objects.visible_to(user).active().filter(constituency__group=group), week
        ).order_by("constituency__name", "name")
    )
    issues = list(
        SupervisedIssue.objects.visible_to(user).filter(constituency__group=group, is_open=True)
        .select_related("constituency")
    )
    return {
        "user": user, "group": group, "week": week, "boxes": boxes, "issues": issues,
        "opened": sum(1 for box in boxes if box.opened_in_week),
        "letters": _letter_counts(Letter.objects.visible_to(user).filter(problem__group=group)),
    }


@register.inclusion_tag("mailbox/panels/deputy.html", takes_context=True)
def mailbox_deputy_panel(context):
    user, deputy = context["user"], context["deputy"]
    week = Week.current()
    boxes = list(
        selectors.mailboxes_with_week(Mailbox.objects.visible_to(user).active().filter(deputies=deputy), week)
    )
    letters = _letter_counts(Letter.objects.visible_to(user).filter(problem__deputy=deputy))
    return {"user": user, "deputy": deputy, "week": week, "boxes": boxes, "letters": letters}


@register.inclusion_tag("mailbox/panels/dashboard.html", takes_context=True)
def mailbox_dashboard(context):
    user = context["user"]
    week = Week.current()
    data = {"user": user, "week": week}
    deputy = context.get("deputy")
    if user.is_deputy:
        if deputy is None:
            return data
        data["kept_boxes"] = list(
            selectors.mailboxes_with_week(
                Mailbox.objects.visible_to(user).active().filter(keeper_deputy=deputy), week
            )
        )
        data["awaiting_reply"] = list(
            Letter.objects.visible_to(user).unreplied().select_related("problem").order_by("delivered_at")[:10]
        )
        return data
    if user.sees_district:
        # The whole district: stored figures refreshed by beat (liaison.figures), with their time.
        from liaison.figures import figures

        stored, data["computed_at"] = figures("mailbox.district_dashboard")
        if stored.get("week") == week.key:
            data.update(stored)
            return data
    groups = DeputyGroup.objects.visible_to(user)
    rows = selectors.group_week_rows(groups, week)
    data["due"] = sum(row["due"] for row in rows)
    data["opened"] = sum(row["opened"] for row in rows)
    data["unopened"] = [box for row in rows for box in row["unopened"]]
    last_rows = selectors.group_week_rows(groups, week.previous())
    data["missed_last_week"] = sum(len(row["unopened"]) for row in last_rows)
    data["last_week"] = week.previous()
    data["letters"] = _letter_counts(Letter.objects.visible_to(user))
    data["unopened_count"] = len(data["unopened"])
    data.pop("computed_at", None)
    return data


def district_dashboard_figures() -> dict:
    """The district's mailbox tiles for liaison.figures: counted in the database, never box by box."""
    week = Week.current()

    def week_counts(of: Week) -> dict:
        return Mailbox.objects.due_in(of).with_week(of).aggregate(
            due=Count("pk"), opened=Count("pk", filter=Q(opened_in_week=True))
        )

    this, last = week_counts(week), week_counts(week.previous())
    unopened = (
        Mailbox.objects.due_in(week).with_week(week).filter(opened_in_week=False)
        .order_by("constituency__group__sort_order", "constituency__name", "name")
    )
    return {
        "week": week.key, "due": this["due"], "opened": this["opened"],
        "unopened": [{"name": box.name, "get_absolute_url": box.get_absolute_url()} for box in unopened.only("id", "name")[:8]],
        "unopened_count": this["due"] - this["opened"],
        "missed_last_week": last["due"] - last["opened"],
        # The week overview's totals for last week (mailbox.selectors.week_totals).
        "last_due": last["due"], "last_opened": last["opened"],
        "letters": _letter_counts(Letter.objects.all()),
    }
