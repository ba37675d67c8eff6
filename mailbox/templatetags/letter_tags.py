"""The letter list's rows (来信办理情况), built in Python.

Fifty rows of `{% for letter in page %}` with a dozen lookups, two `truncatechars` and a
`date` each were most of the page's time (perf, issue 11). This builds the same markup in
Python, the one place it is written; mailbox/tests/test_letter_rows.py states each cell.
"""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe

from liaison.cells import long_date, truncated
from liaison.cells import text as escape
from liaison.links import reverse_pk

from ..models import Letter

register = template.Library()

CHANNELS = dict(Letter.Channel.choices)


def summary(text: str) -> str:
    """The problem's text as `|truncatechars:36` shows it."""
    return truncated(text, 36)


def received_on(received_at) -> str:
    """The receiving day as `|date:"Y年n月j日"` shows it, in the local time zone."""
    return long_date(timezone.localtime(received_at))


def letter_row(letter: dict) -> str:
    """One letter (the view's LETTER_ROW values): number, day received, channel (and box), summary,
    group, deputy, stage; on a phone a card whose summary and button link to the letter."""
    pk = letter["pk"]
    url = reverse_pk("mailbox:letter_detail", pk)
    text = escape(summary(letter["problem__text"]))
    box = (f'<div class="small text-muted phone-hide">{escape(letter["mailbox__name"])}</div>'
           if letter["mailbox__name"] is not None else "")
    stage = Letter.stage_of(delivered_at=letter["delivered_at"], replied_at=letter["replied_at"],
                            problem_state=letter["problem__state"])
    return (
        f'\n<tr><td class="phone-hide"><a href="{url}">来信{pk}</a></td>'
        f'<td class="card-second">{received_on(letter["received_at"])}</td>\n'
        f'<td class="small">{escape(CHANNELS.get(letter["channel"], letter["channel"]))}{box}</td>\n'
        f'<td class="card-line"><a class="d-md-none" href="{url}">{text}</a>'
        f'<span class="d-none d-md-inline">{text}</span></td>'
        f'<td class="small phone-hide">{escape(letter["problem__group__name"])}</td>'
        f'<td class="small card-labelled">{escape(letter["problem__deputy__name"] or "—")}</td>\n'
        f'<td class="card-first"><span class="fw-semibold">{escape(stage)}</span></td>\n'
        f'<td class="d-md-none card-action"><a class="btn btn-sm btn-outline-secondary" href="{url}">'
        f"查看来信{pk}</a></td></tr>\n"
    )


@register.simple_tag
def letter_rows(letters) -> str:
    """The table body's rows for `letters` (a page of the view's LETTER_ROW values)."""
    return mark_safe("".join(letter_row(letter) for letter in letters))
