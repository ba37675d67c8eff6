"""The 述职 chart on the district home, and the charts in the quarterly district PDF (issue 12 §1)."""

from __future__ import annotations

import subprocess

import pytest
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from constituents.tests.test_department_stats import district  # noqa: F401 - the fixture
from liaison.tests.chart_tables import chart_figure, chart_table, has_svg
from mailbox.weeks import Quarter
from reports.pdf import render_pdf
from reports.pdf_views import district_summary_document
from reports.tests.factories import DutyMeetingFactory, RotationEntryFactory, RotationPlanFactory
from reports.tests.test_pdf import submit, summary_a  # noqa: F401 - the fixture

YEAR = timezone.localdate().year


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_district_home_charts_duty_progress_per_group(client_of, committee_user, liaison_a, group_a, group_b, term):
    plan_a = RotationPlanFactory(group=group_a, term=term, year=YEAR)
    DutyMeetingFactory(entry=RotationEntryFactory(plan=plan_a))
    RotationEntryFactory(plan=plan_a)
    RotationEntryFactory(plan=RotationPlanFactory(group=group_b, term=term, year=YEAR))
    RotationEntryFactory(plan=RotationPlanFactory(group=group_b, term=term, year=YEAR - 1))  # last year's
    page = client_of(committee_user).get(reverse("home")).content.decode()
    assert has_svg(page, "duty-progress")
    assert chart_table(page, "duty-progress") == {"甲代表组": ["2", "1", "1", "50%"], "乙代表组": ["1", "0", "1", "0%"]}


def test_no_plans_yet_says_so(client_of, staff_user, term):
    page = client_of(staff_user).get(reverse("home")).content.decode()
    assert f"{YEAR}年还没有代表组安排代表述职。" in chart_figure(page, "duty-progress")


def test_quarterly_district_pdf_carries_the_category_and_department_charts(staff_user, liaison_a, summary_a,  # noqa: F811
                                                                           district):  # noqa: F811
    submit(summary_a, liaison_a)
    document = district_summary_document(staff_user, Quarter(2026, 3))
    category, departments = document.context["category_chart"], document.context["department_chart"]
    # Group A's reported list: summary_a's two problems and the four of the departments' cases, all 城市建设.
    assert category.rows == [["城市建设", 6, "100.0%"]] == [[label, count, share] for label, count, share
                                                        in document.context["by_category"]]
    assert departments.rows[0][:3] == ["区城市管理局", 1, 2]
    html = render_to_string(document.template, document.context)
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 2 and "<script" not in html
    body = render_pdf(document.template, document.context)
    text = "".join(subprocess.run(["pdftotext", "-", "-"], input=body, capture_output=True,
                                  check=True).stdout.decode().split())
    assert "2026年第三季度群众反映问题（按类别，已报送）" in text
    # WeasyPrint draws the SVG's own text: below the department chart's title, its bars' labels and rate axis.
    chart_text = text.split("2026年第3季度有关部门按期答复率和满意率", 1)[1]
    assert all(tick in chart_text for tick in ("25%", "50%", "75%")) and "区城市管理局" in chart_text
