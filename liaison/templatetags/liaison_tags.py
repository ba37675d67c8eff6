from __future__ import annotations

from django import template

from liaison.audit import action_label as _action_label

register = template.Library()


@register.filter
def action_label(action: str | None) -> str:
    """A dotted audit action as the office calls it: "mailbox.letter.registered" → 登记来信."""
    return _action_label(action)
