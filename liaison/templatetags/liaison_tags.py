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


# The role's menu is the same markup for every account that shares what it depends on, and
# rendering it (forty-odd {% url %}s) cost more than the rest of a plain page (perf, issue 11).
# So each process renders it once per key and keeps the text. The key is everything
# templates/_main_menu.html reads from the account, plus the year it prints and the URL prefix.
_menus: dict[tuple, str] = {}


def main_menu_key(user) -> tuple:
    from django.urls import get_script_prefix
    from django.utils import timezone

    return (user.role, user.is_superuser, user.is_staff, user.is_active, user.can_write,
            timezone.localdate().year, get_script_prefix())


@register.simple_tag(takes_context=True)
def main_menu(context) -> str:
    from django.template.loader import render_to_string

    user = context["user"]
    key = main_menu_key(user)
    menu = _menus.get(key)
    if menu is None:
        menu = _menus[key] = render_to_string("_main_menu.html", {"user": user})
    return menu
