"""The mailbox's parts of other apps' pages: each does its own few queries through visible_to."""

from __future__ import annotations

from django import template

from deputies.models import DeputyGroup

from .. import selectors
from ..models import Mailbox
from ..weeks import Week

register = template.Library()


@register.inclusion_tag("mailbox/panels/group.html", takes_context=True)
def mailbox_group_panel(context):
    user, group = context["user"], context["group"]
    week = Week.current()
    boxes = list(
        selectors.mailboxes_with_week(
            Mailbox.objects.visible_to(user).active().filter(constituency__group=group), week
        ).order_by("constituency__name", "name")
    )
    return {
        "user": user, "group": group, "week": week, "boxes": boxes,
        "opened": sum(1 for box in boxes if box.opened_in_week),
    }


@register.inclusion_tag("mailbox/panels/deputy.html", takes_context=True)
def mailbox_deputy_panel(context):
    user, deputy = context["user"], context["deputy"]
    week = Week.current()
    boxes = list(
        selectors.mailboxes_with_week(Mailbox.objects.visible_to(user).active().filter(deputies=deputy), week)
    )
    return {"user": user, "deputy": deputy, "week": week, "boxes": boxes}


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
        return data
    rows = selectors.group_week_rows(DeputyGroup.objects.visible_to(user), week)
    data["due"] = sum(row["due"] for row in rows)
    data["opened"] = sum(row["opened"] for row in rows)
    data["unopened"] = [box for row in rows for box in row["unopened"]][:12]
    last_rows = selectors.group_week_rows(DeputyGroup.objects.visible_to(user), week.previous())
    data["missed_last_week"] = sum(len(row["unopened"]) for row in last_rows)
    data["last_week"] = week.previous()
    return data
