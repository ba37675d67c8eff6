from __future__ import annotations

from django import template

from liaison.audit import action_label as _action_label

register = template.Library()


@register.filter
def action_label(action: str | None) -> str:
    """A dotted audit action as the office calls it: "mailbox.letter.registered" → 登记来信."""
    return _action_label(action)


@register.filter
def attr(obj, name: str):
    """`row|attr:"activities"`: a column of a table whose columns are data."""
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, "")
