"""Rectification items and written-report status as Excel, from their list pages (issue 12 §2)."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
from django.urls import reverse

from deputies.tests.factories import DeputyFactory
from liaison.models import AuditEvent
from reports.models import RectificationItem, RotationPlan, WrittenReport
from reports.tests.factories import (
    DutyMeetingFactory,
    RectificationItemFactory,
    RotationEntryFactory,
    RotationPlanFactory,
    WrittenReportFactory,
)

RECTIFICATIONS = reverse("reports:rectification_list")
WRITTEN = reverse("reports:written_list")


def _rows(response):
    assert response.status_code == 200, response.status_code
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(
        values_only=True))
    return rows[0], [dict(zip(rows[0], values, strict=True)) for values in rows[1:]]


def _item(group, term, deputy=None, **fields):
    plan = RotationPlan.objects.filter(group=group, year=2026).first() or RotationPlanFactory(
        group=group, term=term, year=2026)
    entry = RotationEntryFactory(plan=plan, **({"deputy": deputy} if deputy else {}))
    return RectificationItemFactory(meeting=DutyMeetingFactory(entry=entry), **fields)


def test_the_rectification_export_keeps_the_tab_the_filters_and_the_scope(client_of, staff_user, deputy_a,
                                                                           deputy_b, term, group_a, group_b):
    ours = _item(group_a, term, deputy_a, issue="增加进社区联系选民次数", due_on=dt.date(2026, 3, 31))
    _item(group_a, term, status=RectificationItem.Status.CLOSED, closed_on=dt.date(2026, 7, 1))
    theirs = _item(group_b, term, deputy_b, issue="乙组的整改事项")
    client = client_of(staff_user)
    page = client.get(RECTIFICATIONS, {"state": "open", "group": group_a.pk}).content.decode()
    assert "导出 Excel" in page and f"state=open&amp;group={group_a.pk}&amp;export=xlsx" in page

    headers, rows = _rows(client.get(RECTIFICATIONS, {"state": "open", "group": group_a.pk, "export": "xlsx"}))
    assert headers[:4] == ("编号", "整改事项", "代表组", "述职代表") and "整改期限" in headers
    (row,) = rows
    assert row["编号"] == ours.pk and row["整改事项"] == "增加进社区联系选民次数" and row["述职代表"] == "张建国"
    assert row["代表组"] == "甲代表组" and row["状态"] == "整改中" and row["是否逾期"] == "是"
    assert row["整改期限"] == dt.datetime(2026, 3, 31) and row["述职日期"] == dt.datetime(2026, 6, 18)
    assert AuditEvent.objects.get(action="liaison.list.exported").detail.startswith("整改事项：1 条")

    _, rows = _rows(client.get(RECTIFICATIONS, {"state": "all", "export": "xlsx"}))
    assert len(rows) == 3
    # Deputy B's export lacks group A's items.
    _, rows = _rows(client_of(deputy_b.user).get(RECTIFICATIONS, {"state": "all", "export": "xlsx"}))
    assert [row["编号"] for row in rows] == [theirs.pk]


def test_the_rectification_export_query_count_does_not_grow_with_rows(client_of, staff_user, term, group_a,
                                                                       assert_flat_queries):
    _item(group_a, term)
    assert_flat_queries(client_of(staff_user), RECTIFICATIONS, params={"export": "xlsx"},
                        grow=lambda: [_item(group_a, term) for _ in range(5)])


def test_the_written_report_status_export(client_of, staff_user, liaison_a, deputy_a, deputy_b, term, group_a,
                                          group_b):
    plan = RotationPlanFactory(group=group_a, term=term, year=2026, written_deadline=dt.date(2026, 11, 30))
    filed = WrittenReportFactory(plan=plan, deputy=deputy_a, status=WrittenReport.Status.FILED,
                                 submitted_at=dt.datetime(2026, 11, 2, 2, tzinfo=dt.UTC),
                                 filed_at=dt.datetime(2026, 11, 10, 2, tzinfo=dt.UTC))
    colleague = DeputyFactory(group=group_a, constituency=deputy_a.constituency, term=term, name="王志强")
    WrittenReportFactory(plan=plan, deputy=colleague, status=WrittenReport.Status.DRAFT)
    WrittenReportFactory(plan=RotationPlanFactory(group=group_b, term=term, year=2026), deputy=deputy_b)
    client = client_of(liaison_a)
    assert "导出 Excel" in client.get(WRITTEN).content.decode()

    headers, rows = _rows(client.get(WRITTEN, {"export": "xlsx"}))
    assert headers == ("编号", "年度", "代表组", "代表", "状态", "截止日期", "提交时间", "是否逾期提交", "审查时间",
                       "审查意见", "备案时间")
    by_name = {row["代表"]: row for row in rows}
    assert set(by_name) == {"张建国", "王志强"}  # the liaison of group A: no group B
    assert by_name["张建国"]["状态"] == "已备案" and by_name["张建国"]["编号"] == filed.pk
    assert by_name["张建国"]["截止日期"] == dt.datetime(2026, 11, 30)
    assert by_name["张建国"]["提交时间"] == dt.datetime(2026, 11, 2, 10, 0)  # Beijing time
    assert by_name["张建国"]["是否逾期提交"] == "否" and by_name["王志强"]["状态"] == "草稿"

    _, rows = _rows(client.get(WRITTEN, {"export": "xlsx", "status": WrittenReport.Status.DRAFT}))
    assert [row["代表"] for row in rows] == ["王志强"]
    _, rows = _rows(client_of(deputy_b.user).get(WRITTEN, {"export": "xlsx"}))
    assert [row["代表"] for row in rows] == ["李秀英"]


def test_the_written_report_export_query_count_does_not_grow_with_rows(client_of, staff_user, deputy_a, term,
                                                                       group_a, assert_flat_queries):
    plan = RotationPlanFactory(group=group_a, term=term, year=2026)

    def more():
        for _ in range(5):
            WrittenReportFactory(plan=plan, deputy=DeputyFactory(group=group_a, constituency=deputy_a.constituency,
                                                                 term=term))

    more()
    assert_flat_queries(client_of(staff_user), WRITTEN, params={"export": "xlsx"}, grow=more)


def test_the_submission_overview_export_lists_who_is_missing_per_group(client_of, staff_user, deputy_b,
                                                                       confirmed_plan_a, colleagues_a):
    from reports.tests.conftest import YEAR

    owed = [c for c in colleagues_a if not confirmed_plan_a.entries.filter(deputy=c).exists()]
    url = reverse("reports:written_missing")
    client = client_of(staff_user)
    assert f"year={YEAR}&amp;export=xlsx" in client.get(url, {"year": YEAR}).content.decode()
    headers, rows = _rows(client.get(url, {"year": YEAR, "export": "xlsx"}))
    assert headers[0] == "代表组" and "尚缺代表" in headers
    by_group = {row["代表组"]: row for row in rows}
    ours = by_group["甲代表组"]
    assert ours["应交书面报告"] == len(owed) == ours["尚缺人数"] and ours["述职安排"] == "已落实"
    assert all(f"{deputy.name}（未开始）" in ours["尚缺代表"] for deputy in owed)
    assert ours["书面报告截止日期"] == dt.datetime.combine(confirmed_plan_a.written_deadline, dt.time())
    assert by_group["乙代表组"]["述职安排"] == "未制定"
    # A deputy of group B may not open the overview at all.
    assert client_of(deputy_b.user).get(url, {"year": YEAR, "export": "xlsx"}).status_code == 403
