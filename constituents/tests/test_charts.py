"""Charts of casework and activities (issue 12 §1): drawn on the server, numbers in a 数据表, scoped."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from constituents.models import Problem, ProblemCategory
from constituents.tests.factories import ContactActivityFactory, ProblemFactory
from constituents.tests.test_department_stats import district  # noqa: F401 - the fixture
from deputies.tests.factories import DeputyFactory
from liaison.tests.chart_tables import chart_figure, chart_table, has_svg

YEAR = timezone.localdate().year


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()  # the district charts are cached for a few minutes
    yield
    cache.clear()


def test_district_home_charts_problems_by_month_and_category(client_of, staff_user, committee_user, deputy_a,
                                                           deputy_b):
    for month in (3, 3, 5):
        ProblemFactory(deputy=deputy_a, raised_on=dt.date(YEAR, month, 2))
    ProblemFactory(deputy=deputy_b, raised_on=dt.date(YEAR, 5, 9), category=ProblemCategory.TRANSPORT)
    ProblemFactory(deputy=deputy_b, raised_on=dt.date(YEAR - 1, 5, 9))  # last year: not in this year's chart
    for user in (staff_user, committee_user):
        page = client_of(user).get(reverse("home")).content.decode()
        assert has_svg(page, "problems-by-month")
        table = chart_table(page, "problems-by-month")
        assert "<th scope=\"col\">城市建设</th><th scope=\"col\">交通出行</th>" in chart_figure(page, "problems-by-month")
        assert table["3月"] == ["2", "0", "2"] and table["5月"] == ["1", "1", "2"] and table["1月"] == ["0", "0", "0"]
        assert "数据更新于" in chart_figure(page, "problems-by-month")


def test_district_home_charts_department_rates_from_the_figures(client_of, staff_user, district):  # noqa: F811
    page = client_of(staff_user).get(reverse("home")).content.decode()
    assert has_svg(page, "department-rates")
    table = chart_table(page, "department-rates")
    # 区城市管理局: 2 kept, 1 replied in time, 1 of 2 reached callbacks satisfied (constituents/figures.py).
    assert table["区城市管理局"] == ["1", "2", "50.0%", "50.0%"]
    assert table["区体育局"][0] == "不排名"


def test_empty_district_says_so(client_of, staff_user, term):
    page = client_of(staff_user).get(reverse("home")).content.decode()
    assert not has_svg(page, "problems-by-month")
    assert f"{YEAR}年还没有登记群众反映的问题。" in chart_figure(page, "problems-by-month")
    assert "还没有转交有关部门承办的问题" in chart_figure(page, "department-rates")


def test_deputy_charts_count_only_their_own(client_of, deputy_a, deputy_b):
    colleague = DeputyFactory(group=deputy_a.group, constituency=deputy_a.constituency, name="王同组")
    ProblemFactory(deputy=deputy_a)
    ProblemFactory(deputy=deputy_a, state=Problem.State.FORWARDED)
    ProblemFactory(deputy=colleague)
    ProblemFactory(deputy=deputy_b)
    ContactActivityFactory(constituency=deputy_a.constituency, held_on=dt.date(YEAR, 4, 8), deputies=[deputy_a])
    ContactActivityFactory(constituency=deputy_a.constituency, held_on=dt.date(YEAR, 4, 20), deputies=[deputy_a])
    ContactActivityFactory(constituency=deputy_a.constituency, held_on=dt.date(YEAR, 6, 1), deputies=[colleague])
    page = client_of(deputy_a.user).get(reverse("home")).content.decode()
    assert has_svg(page, "problems-by-state") and has_svg(page, "deputy-activities")
    states = chart_table(page, "problems-by-state")
    assert states["登记"] == ["1"] and states["已转交"] == ["1"] and states["已反馈"] == ["0"]
    months = chart_table(page, "deputy-activities")
    assert months["4月"] == ["2"] and months["6月"] == ["0"]


def test_deputy_without_anything_sees_empty_states(client_of, deputy_a):
    page = client_of(deputy_a.user).get(reverse("home")).content.decode()
    assert "还没有由您负责的群众反映问题。" in chart_figure(page, "problems-by-state")
    assert f"{YEAR}年还没有登记联系选民活动。" in chart_figure(page, "deputy-activities")


def test_group_page_charts_activities_against_two_a_year(client_of, liaison_a, deputy_a, group_a, deputy_b):
    lagging = DeputyFactory(group=group_a, constituency=deputy_a.constituency, name="王同组")
    for day in (3, 10, 17):
        ContactActivityFactory(constituency=deputy_a.constituency, held_on=dt.date(YEAR, 2, day), deputies=[deputy_a])
    ContactActivityFactory(constituency=deputy_a.constituency, held_on=dt.date(YEAR, 3, 1), deputies=[lagging])
    ContactActivityFactory(constituency=deputy_b.constituency, held_on=dt.date(YEAR, 3, 1), deputies=[deputy_b])
    page = client_of(liaison_a).get(reverse("deputies:group_detail", args=[group_a.pk])).content.decode()
    assert has_svg(page, "activities-per-deputy")
    table = chart_table(page, "activities-per-deputy")
    assert table == {"张建国": ["3", "已达到"], "王同组": ["1", "未达到（差 1 次）"]}


def test_charts_carry_no_script_and_name_the_pdf_font(client_of, staff_user, deputy_a):
    ProblemFactory(deputy=deputy_a, raised_on=dt.date(YEAR, 3, 2))
    page = client_of(staff_user).get(reverse("home")).content.decode()
    figure = chart_figure(page, "problems-by-month")
    assert not re.findall(r"<script(?![^>]*\bsrc=)", page), "an inline script the CSP would refuse"
    assert "Noto Sans CJK SC" in figure and "window.pygal" not in page
    assert 'role="img"' in figure and "width:100%" in figure


def test_chart_pages_query_counts_stay_flat(client_of, staff_user, liaison_a, deputy_a, group_a,
                                            assert_flat_queries, settings):
    # Count the charts' own queries every time, not a cache hit.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

    def grow():
        for month in range(1, 13):
            ProblemFactory(deputy=DeputyFactory(group=group_a, constituency=deputy_a.constituency),
                           raised_on=dt.date(YEAR, month, 2), category=ProblemCategory.choices[month - 1][0])
            ProblemFactory(deputy=deputy_a, raised_on=dt.date(YEAR, month, 3))
            ContactActivityFactory(constituency=deputy_a.constituency, held_on=dt.date(YEAR, month, 3),
                                   deputies=[deputy_a])

    ProblemFactory(deputy=deputy_a, raised_on=dt.date(YEAR, 1, 2))
    assert_flat_queries(client_of(staff_user), reverse("home"), grow=grow, cap=60)
    assert_flat_queries(client_of(liaison_a), reverse("deputies:group_detail", args=[group_a.pk]), grow=grow)
    assert_flat_queries(client_of(deputy_a.user), reverse("home"), grow=grow, cap=40)
