"""A value as a template's {{ value }} prints it, for markup built in Python (perf, issue 11).

Pages that write their repeated rows in Python (charts' tables, the group table, the public report
list) print hundreds of values; Django's localize() costs some 15 µs a number, most of it looking up
the language for a thousand separator this site does not use. `text` gives the same characters.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from html import escape

from django.conf import settings
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.text import Truncator


def text(value) -> str:
    """`value` localized and escaped (unless already safe), exactly as {{ value }} renders it."""
    kind = type(value)
    if kind is str:
        return escape(value)  # what django.utils.html.escape does to a plain str
    if kind is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)  # localize() of an int with no grouping
    return conditional_escape(localize(value))


def truncated(value: str, length: int) -> str:
    """`value` as `|truncatechars:length` shows it (not escaped)."""
    # Truncator gives back a text that is NFC already and no longer than `length` as it is: most
    # texts in a list are short, and its character-by-character count is a row's dearest part.
    if len(value) <= length and unicodedata.is_normalized("NFC", value):
        return value
    return Truncator(value).chars(length)


def long_date(day: dt.date) -> str:
    """2026年11月28日, as `|date:"Y年n月j日"` prints a date (a datetime: convert it to local time first)."""
    return f"{day.year}年{day.month}月{day.day}日"


def long_moment(moment: dt.datetime) -> str:
    """2026年11月28日 09:05, as `|date:"Y年n月j日 H:i"` prints a stored time, in the local time zone."""
    local = timezone.localtime(moment)
    return f"{long_date(local)} {local:%H:%M}"
