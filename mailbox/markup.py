"""Escaping for the rows the mailbox's pages build in Python (mailbox/templatetags/)."""

from __future__ import annotations

from html import escape as html_escape


def escape(value) -> str:
    """Plain text (names, texts, numbers) made safe for HTML, as Django's escape() does (it is
    html.escape), without its lazy-string wrapper: a page of rows calls this a thousand times."""
    return html_escape(str(value))
