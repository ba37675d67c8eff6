"""The mailbox opening strip on the district home: opened ÷ due per group per week (issue 12 §1)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse

from liaison.tests.chart_tables import chart_figure, chart_table, has_svg
from mailbox.charts import opening_rate_strip
from mailbox.tests.factories import MailboxFactory, OpeningFactory
from mailbox.weeks import Week, local_midnight

THIS_WEEK = Week.current()
LAST_WEEK = THIS_WEEK.previous()


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def opened(box, week: Week, *, day: int = 0):
    return OpeningFactory(mailbox=box, opened_at=local_midnight(week.start) + dt.timedelta(days=day, hours=10))


def test_district_home_strip_shows_each_groups_weekly_rate(client_of, staff_user, constituency_a, constituency_b):
    first, second = MailboxFactory(constituency=constituency_a), MailboxFactory(constituency=constituency_a)
    other = MailboxFactory(constituency=constituency_b)
    opened(first, LAST_WEEK)
    opened(first, LAST_WEEK, day=3)  # twice in one week is still one box opened
    opened(second, LAST_WEEK)
    opened(first, THIS_WEEK)
    opened(other, THIS_WEEK)
    page = client_of(staff_user).get(reverse("home")).content.decode()
    assert has_svg(page, "mailbox-opening")
    table = chart_table(page, "mailbox-opening")
    assert table["甲代表组"][-2:] == ["2/2（100%）", "1/2（50%）"]
    assert table["乙代表组"][-2:] == ["0/1（0%）", "1/1（100%）"]
    assert "最后一周" in chart_figure(page, "mailbox-opening")


def test_a_box_set_up_later_is_not_due_before(staff_user, constituency_a):
    MailboxFactory(constituency=constituency_a, set_up_on=THIS_WEEK.start)
    chart = opening_rate_strip(staff_user)
    assert chart.rows == [["甲代表组", *(["—"] * 7), "0/1（0%）"]]


def test_the_strip_is_scoped_to_the_liaisons_groups(liaison_a, constituency_a, constituency_b):
    MailboxFactory(constituency=constituency_a)
    MailboxFactory(constituency=constituency_b)
    assert [row[0] for row in opening_rate_strip(liaison_a).rows] == ["甲代表组"]


def test_no_boxes_says_so(client_of, staff_user, term):
    page = client_of(staff_user).get(reverse("home")).content.decode()
    assert "还没有在用的代表信箱。" in chart_figure(page, "mailbox-opening")


def test_past_the_limit_the_strip_draws_the_groups_least_opened(staff_user, constituency_a, constituency_b,
                                                                 monkeypatch):
    """A province has thousands of groups: the chart keeps those that open their boxes least, and says so."""
    from liaison import charts

    monkeypatch.setattr(charts, "MOST_ROWS_DRAWN", 1)
    monkeypatch.setattr(charts.most_in_need, "__kwdefaults__", {"limit": 1})
    opened(MailboxFactory(constituency=constituency_a), LAST_WEEK)
    MailboxFactory(constituency=constituency_b)
    chart = opening_rate_strip(staff_user)
    assert [row[0] for row in chart.rows] == ["乙代表组"]
    assert "共 2 个代表组，图和数据表只列平均开启率最低的 1 个。" in chart.footnotes
