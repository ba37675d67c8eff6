"""The back office at a province's scale (liaison.admin_scale): side-bar filters list related rows only
while they are few, counts stop at a cap, and dates are side-bar filters, not a year drill-down."""

from __future__ import annotations

import pytest
from django.urls import reverse

from constituents.tests.factories import ProblemFactory
from deputies.models import DeputyGroup
from liaison import admin_scale
from liaison.models import Role
from liaison.tests.factories import UserFactory

PROBLEMS = "admin:constituents_problem_changelist"


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(username="root", role=Role.STAFF, is_superuser=True, is_staff=True))
    return client


def group_filter_links(html: str) -> int:
    return html.count("?group__id__exact=")


def test_a_district_filters_by_group_from_the_side_bar(admin_client, deputy_a, deputy_b):
    ProblemFactory(deputy=deputy_a)
    html = admin_client.get(reverse(PROBLEMS)).content.decode()
    assert group_filter_links(html) == DeputyGroup.objects.count()
    assert deputy_a.group.name in html and deputy_b.group.name in html


def test_past_a_few_groups_the_side_bar_leaves_them_out_and_a_filter_link_still_applies(
        admin_client, deputy_a, deputy_b, monkeypatch):
    mine = ProblemFactory(deputy=deputy_a, text="甲组的诉求")
    other = ProblemFactory(deputy=deputy_b, text="乙组的诉求")
    assert mine.group_id != other.group_id
    monkeypatch.setattr(admin_scale, "FEW", DeputyGroup.objects.count() - 1)
    html = admin_client.get(reverse(PROBLEMS)).content.decode()
    assert group_filter_links(html) == 0
    filtered = admin_client.get(reverse(PROBLEMS), {"group__id__exact": mine.group_id}).content.decode()
    assert mine.text[:5] in filtered and "乙组的诉求" not in filtered


def test_the_count_stops_at_the_cap_and_says_so(admin_client, deputy_a, monkeypatch):
    for _ in range(3):
        ProblemFactory(deputy=deputy_a)
    monkeypatch.setattr(admin_scale, "CAP", 2)
    html = admin_client.get(reverse(PROBLEMS)).content.decode()
    assert "仅统计到此" in html
    monkeypatch.setattr(admin_scale, "CAP", 3)
    html = admin_client.get(reverse(PROBLEMS)).content.decode()
    assert "仅统计到此" not in html and "3 群众诉求" in html


def test_dates_are_a_side_bar_filter_not_a_drill_down_over_every_row(admin_client, deputy_a):
    ProblemFactory(deputy=deputy_a)
    html = admin_client.get(reverse(PROBLEMS)).content.decode()
    assert "raised_on__gte=" in html  # 今天 / 过去7天 / 本月 / 今年
    assert 'class="xfull"' not in html  # Django's date_hierarchy navigation
