"""The quarterly roll-up builds its rows in Python (mailbox/templatetags/summary_tags.py): per
group its name over its 办事处, its problems of the quarter, the state of its list (submitted,
a draft, or not yet made), when and by whom it was submitted, and links to the list and its PDF;
every name escaped."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

from django.urls import reverse

from constituents.tests.factories import ProblemFactory
from mailbox.models import QuarterlySummary
from mailbox.tasks import open_quarterly_summaries
from mailbox.templatetags.summary_tags import rollup_row
from mailbox.weeks import SHANGHAI

GROUP = SimpleNamespace(name="<b>甲</b>代表组", sub_district_id=3, sub_district=SimpleNamespace(name="城关&办事处"),
                        problem_count=12)
NAME = '<td>&lt;b&gt;甲&lt;/b&gt;代表组<div class="small text-muted">城关&amp;办事处</div></td>\n<td class="text-end">12</td>\n'


def summary(**fields):
    return SimpleNamespace(**{"pk": 5, "is_submitted": False, "submitted_at": None, "submitted_by_id": None,
                              "submitted_by": None, **fields})


def test_a_group_without_a_list_yet():
    assert rollup_row(GROUP, None) == f'\n<tr>{NAME}<td><span class="text-muted">尚未生成</span></td>\n<td>—</td>\n<td class="text-nowrap"></td></tr>\n'


def test_a_draft_links_to_its_list_and_pdf():
    assert rollup_row(GROUP, summary()) == (
        f'\n<tr>{NAME}<td><span class="badge text-bg-warning">草稿，未报送</span></td>\n<td>—</td>\n'
        '<td class="text-nowrap"><a href="/mailbox/summaries/5/">查看清单</a> · '
        '<a href="/reports/pdf/summaries/5/?download=1">PDF</a></td></tr>\n'
    )


def test_a_submitted_list_says_when_in_local_time_and_by_whom():
    # 17:05 UTC is 01:05 the next day in Shanghai.
    by = SimpleNamespace(display_name="<i>王</i>联络")
    row = rollup_row(GROUP, summary(is_submitted=True, submitted_at=dt.datetime(2026, 10, 8, 17, 5, tzinfo=dt.UTC),
                                    submitted_by_id=9, submitted_by=by))
    assert '<td><span class="badge text-bg-success">已报送</span></td>\n<td>2026年10月9日 01:05（&lt;i&gt;王&lt;/i&gt;联络）</td>' in row
    # Submitted by an account since removed: the time alone.
    row = rollup_row(GROUP, summary(is_submitted=True, submitted_at=dt.datetime(2026, 10, 9, 2, 0, tzinfo=SHANGHAI)))
    assert "<td>2026年10月9日 02:00（）</td>" in row


def test_the_page_shows_the_stored_counts_of_its_groups(client_of, staff_user, deputy_a, group_a, group_b,
                                                        constituency_a, constituency_b, liaison_a):
    ProblemFactory(deputy=deputy_a, raised_on=dt.date(2026, 8, 3))
    ProblemFactory(deputy=deputy_a, raised_on=dt.date(2026, 9, 3))
    open_quarterly_summaries(2026, 3)
    draft = QuarterlySummary.objects.get(group=group_a, year=2026, quarter=3)
    page = client_of(staff_user).get(reverse("mailbox:summary_list"), {"quarter": "2026-3"}).content.decode()
    body = re.search(r"<tbody>(.*?)</tbody>", page, re.S).group(1)
    rows = {re.match(r"<tr><td>(.*?)<div", row).group(1): row for row in re.findall(r"<tr><td>.*?</tr>", body, re.S)}
    assert {name: re.findall(r'<td class="text-end">(\d+)</td>', row) for name, row in rows.items()} == {
        group_a.name: ["2"], group_b.name: ["0"],
    }
    assert f'<a href="/mailbox/summaries/{draft.pk}/">查看清单</a>' in rows[group_a.name]
