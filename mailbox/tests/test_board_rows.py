"""The committee board builds its table in Python (mailbox/templatetags/board_tags.py): per
category and place the counts, and either the open issue, a form to pick it for supervision
(for the committee and the office) or —; every name escaped."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

from django.urls import reverse

from constituents.tests.factories import ProblemFactory
from mailbox.templatetags.board_tags import board_row

CELL = {
    "category": "transport", "label": "交通出行", "constituency": 7, "constituency__name": "<b>第7</b>选区",
    "constituency__group__name": "甲&乙代表组", "total": 12, "still_open": 0, "letters": 3,
}
COUNTS = ('<td class="fw-semibold">交通出行</td><td>&lt;b&gt;第7&lt;/b&gt;选区</td><td class="text-muted">甲&amp;乙代表组</td>\n'
          '<td class="text-end card-labelled">12</td><td class="text-end card-labelled">0</td>'
          '<td class="text-end card-labelled">3</td>\n')
CSRF = '<input type="hidden" name="csrfmiddlewaretoken" value="token">'


def test_a_cell_under_supervision_names_its_issue():
    row = board_row({**CELL, "issue": SimpleNamespace(title="<i>路</i>")}, may_mark=True, action="/x", csrf_input=CSRF)
    assert row == (f"\n<tr>{COUNTS}<td class=\"card-wide\"><span class=\"badge text-bg-danger\">重点监督中</span> "
                   '<span class="small">&lt;i&gt;路&lt;/i&gt;</span>\n</td></tr>\n')


def test_the_committee_may_pick_a_cell_with_a_title_proposed():
    row = board_row({**CELL, "issue": None}, may_mark=True, action="/mailbox/issues/mark/?year=2026&q=3",
                    csrf_input=CSRF)
    assert row == (
        f'\n<tr>{COUNTS}<td class="card-wide"><details><summary class="small text-danger">列为重点监督</summary>\n'
        f'<form method="post" action="/mailbox/issues/mark/?year=2026&q=3" class="mt-2">{CSRF}\n'
        '<input type="hidden" name="category" value="transport"><input type="hidden" name="constituency" value="7">\n'
        '<input class="form-control form-control-sm mb-1" name="title" maxlength="120" required '
        'value="&lt;b&gt;第7&lt;/b&gt;选区交通出行问题" aria-label="议题">\n'
        '<textarea class="form-control form-control-sm mb-1" name="note" rows="2" required placeholder="监督意见" '
        'aria-label="监督意见"></textarea>\n'
        '<button class="btn btn-sm btn-danger" type="submit">确定</button></form></details></td></tr>\n'
    )


def test_others_see_a_dash():
    assert board_row({**CELL, "issue": None}, may_mark=False, action="/x", csrf_input="") == (
        f'\n<tr>{COUNTS}<td class="card-wide">—</td></tr>\n'
    )


def test_the_page_posts_each_form_with_its_period_and_a_csrf_token(client_of, committee_user, deputy_a,
                                                                   constituency_a):
    ProblemFactory(deputy=deputy_a, raised_on=dt.date(2026, 8, 3), category="transport")
    page = client_of(committee_user).get(reverse("mailbox:issue_board"), {"year": "2026", "q": "3"}).content.decode()
    body = re.search(r"<tbody>(.*?)</tbody>", page, re.S).group(1)
    assert body.count("<tr>") == 1
    assert '<td class="fw-semibold">交通出行</td><td>第1选区</td><td class="text-muted">甲代表组</td>' in body
    assert '<form method="post" action="/mailbox/issues/mark/?year=2026&q=3" class="mt-2">' in body
    assert re.search(r'<input type="hidden" name="csrfmiddlewaretoken" value="\w+">', body)
    assert f'<input type="hidden" name="constituency" value="{constituency_a.pk}">' in body
