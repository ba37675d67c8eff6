"""Helpers for the printable forms' stylesheets (templates/reports/pdf/)."""

from __future__ import annotations

import html

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def css_string(value) -> str:
    """`value` as a quoted CSS string, for `content:` in a page's margin boxes.

    The text arrives HTML-escaped (autoescape) and goes into <style>, where entities are not
    decoded: unescape it, then escape what a CSS string cannot hold. `<` is escaped too, so no
    text can close the <style> element.
    """
    text = html.unescape(str(value)).strip()
    escaped = "".join(
        f"\\{ord(char):x} " if char in '\\"<>\n\r\f' or ord(char) < 0x20 else char for char in text
    )
    return mark_safe(f'"{escaped}"')  # noqa: S308 - every character that could end the string or <style> is escaped
