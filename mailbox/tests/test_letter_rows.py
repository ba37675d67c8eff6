"""The letter list builds its rows in Python (mailbox/templatetags/letter_tags.py): what a liaison
sees in each cell — the letter's number linking to it, the day received (local time), the channel
and its box, the summary cut at 36 characters, group, deputy (— when none) and the stage — with
every name and text escaped."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from constituents.models import Problem
from constituents.tests.factories import ProblemFactory
from mailbox.models import Letter
from mailbox.tests.factories import MailboxFactory, OpeningFactory
from mailbox.weeks import SHANGHAI

HOSTILE_TEXT = "<b>x</b>小区路灯坏了三个月没人修，晚上出行很不方便，老人孩子都容易摔倒，希望尽快修好"


@pytest.fixture
def letters(group_a, constituency_a, deputy_a):
    group_a.name = "<i>甲</i>代表组"
    group_a.save()
    deputy_a.name = "<b>张</b>"
    deputy_a.save()
    box = MailboxFactory(constituency=constituency_a, kept_by=deputy_a, name="<b>幸福里</b>信箱")
    opening = OpeningFactory(mailbox=box)

    def letter(*, minute, problem, channel=Letter.Channel.PAPER, delivered=False, replied=False):
        # 00:mm in Shanghai is the evening before in UTC: the day shown must be the local one.
        received = dt.datetime(2026, 11, 2, 0, minute, tzinfo=SHANGHAI)
        return Letter.objects.create(
            problem=problem, channel=channel, received_at=received,
            opening=opening if channel == Letter.Channel.PAPER else None,
            mailbox=box if channel == Letter.Channel.PAPER else None,
            delivered_at=received + dt.timedelta(hours=1) if delivered or replied else None,
            replied_at=received + dt.timedelta(hours=2) if replied else None,
        )

    return [
        letter(minute=50, problem=ProblemFactory(deputy=deputy_a, text=HOSTILE_TEXT)),
        letter(minute=40, channel=Letter.Channel.ONLINE, delivered=True,
               problem=ProblemFactory(deputy=None, group=group_a, constituency=constituency_a, text="短")),
        letter(minute=30, replied=True, problem=ProblemFactory(deputy=deputy_a, text="已回复")),
        letter(minute=20, replied=True,
               problem=ProblemFactory(deputy=deputy_a, text="办理中", state=Problem.State.HANDLING)),
        letter(minute=10, replied=True,
               problem=ProblemFactory(deputy=deputy_a, text="转交了", state=Problem.State.FORWARDED)),
    ]


def rows_of(page: str) -> list[str]:
    body = re.search(r"<tbody>(.*?)</tbody>", page, re.S).group(1)
    return re.findall(r"<tr>.*?</tr>", body, re.S)


def cells_of(row: str) -> list[str]:
    return [cell.replace("\n", "") for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_each_cell_as_the_liaison_sees_it(client_of, liaison_a, letters):
    page = client_of(liaison_a).get(reverse("mailbox:letter_list")).content.decode()
    rows = rows_of(page)
    assert len(rows) == 5
    first = letters[0]
    url = f"/mailbox/letters/{first.pk}/"
    # 36 characters with the ellipsis (zh-hans: "..."), the tags shown as text.
    summary = "&lt;b&gt;x&lt;/b&gt;小区路灯坏了三个月没人修，晚上出行很不方便，老人孩..."
    assert rows[0] == (
        f'<tr><td class="phone-hide"><a href="{url}">来信{first.pk}</a></td><td class="card-second">2026年11月2日</td>\n'
        '<td class="small">信箱来信<div class="small text-muted phone-hide">&lt;b&gt;幸福里&lt;/b&gt;信箱</div></td>\n'
        f'<td class="card-line"><a class="d-md-none" href="{url}">{summary}</a>'
        f'<span class="d-none d-md-inline">{summary}</span></td>'
        '<td class="small phone-hide">&lt;i&gt;甲&lt;/i&gt;代表组</td><td class="small card-labelled">&lt;b&gt;张&lt;/b&gt;</td>\n'
        '<td class="card-first"><span class="fw-semibold">待送交代表</span></td>\n'
        f'<td class="d-md-none card-action"><a class="btn btn-sm btn-outline-secondary" href="{url}">查看来信{first.pk}</a></td></tr>'
    )
    online = letters[1]
    assert cells_of(rows[1]) == [
        f'<a href="/mailbox/letters/{online.pk}/">来信{online.pk}</a>', "2026年11月2日", "网上来信",
        f'<a class="d-md-none" href="/mailbox/letters/{online.pk}/">短</a><span class="d-none d-md-inline">短</span>',
        "&lt;i&gt;甲&lt;/i&gt;代表组", "—", '<span class="fw-semibold">待代表回复</span>',
        f'<a class="btn btn-sm btn-outline-secondary" href="/mailbox/letters/{online.pk}/">查看来信{online.pk}</a>',
    ]
    # After the deputy's reply the problem's state speaks.
    assert [cells_of(row)[6] for row in rows[2:]] == [
        '<span class="fw-semibold">代表已回复，待转交</span>', '<span class="fw-semibold">办理中</span>',
        '<span class="fw-semibold">已转交</span>',
    ]
    assert "<b>" not in page.split("<tbody>")[1].split("</tbody>")[0]


def test_a_deputy_sees_no_group_filter(client_of, deputy_a, group_a, letters):
    page = client_of(deputy_a.user).get(reverse("mailbox:letter_list"), {"group": group_a.pk}).content.decode()
    assert 'id="id_group"' not in page
    assert len(rows_of(page)) == 4  # their own letters: not the online one given to no deputy


def test_the_summary_cuts_as_truncatechars_36_does():
    from django.template.defaultfilters import truncatechars

    from mailbox.templatetags.letter_tags import summary

    for text in ["", "短", "路" * 35, "路" * 36, "路" * 37, HOSTILE_TEXT, "cafe\u0301" * 8, "cafe\u0301" * 9]:
        assert summary(text) == truncatechars(text, 36), text
    assert summary("路" * 36) == "路" * 36 and summary("cafe\u0301") == "café"  # NFC, as Truncator gives it


def test_the_list_is_flat_for_the_office_and_the_committee(client_of, staff_user, committee_user, letters,
                                                            deputy_a, assert_flat_queries):
    more = iter(range(10))

    def grow():
        for _ in range(3):
            problem = ProblemFactory(deputy=deputy_a, text=f"又一封{next(more)}")
            Letter.objects.create(problem=problem, channel=Letter.Channel.ONLINE,
                                  received_at=dt.datetime(2026, 11, 3, 9, 0, tzinfo=SHANGHAI))

    for user in (staff_user, committee_user):
        page = assert_flat_queries(client_of(user), reverse("mailbox:letter_list"), grow=grow)
        assert len(rows_of(page.content.decode())) == Letter.objects.count()
