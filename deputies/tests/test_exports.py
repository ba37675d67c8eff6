"""The deputy roster as Excel, from the deputy list with its filters (issue 12 §2)."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
from django.urls import reverse

from deputies.tests.factories import DeputyFactory
from liaison.models import AuditEvent

URL = reverse("deputies:deputy_list")


def _rows(response):
    assert response.status_code == 200, response.status_code
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(
        values_only=True))
    return rows[0], [dict(zip(rows[0], values, strict=True)) for values in rows[1:]]


def test_the_deputy_roster_export_keeps_the_filters_and_the_scope(client_of, staff_user, deputy_a, deputy_b):
    DeputyFactory(group=deputy_a.group, constituency=deputy_a.constituency, term=deputy_a.term, name="王志强",
                  birth_month=dt.date(1975, 3, 1))
    client = client_of(staff_user)
    assert "导出 Excel" in client.get(URL).content.decode()
    headers, rows = _rows(client.get(URL, {"export": "xlsx", "group": deputy_a.group.pk}))
    assert headers == ("编号", "姓名", "性别", "民族", "出生年月", "党派", "工作单位及职务", "代表组", "选区", "状态",
                       "离任日期")
    assert sorted(row["姓名"] for row in rows) == ["张建国", "王志强"]
    wang = next(row for row in rows if row["姓名"] == "王志强")
    assert wang["出生年月"] == "1975年3月" and wang["代表组"] == "甲代表组" and wang["状态"] == "在任"
    assert "联系电话" not in headers
    assert AuditEvent.objects.get(action="liaison.list.exported").detail.startswith("代表名册：2 条")
    # Deputy B's export has none of group A.
    _, rows = _rows(client_of(deputy_b.user).get(URL, {"export": "xlsx"}))
    assert "张建国" not in {row["姓名"] for row in rows} and "李秀英" in {row["姓名"] for row in rows}


def test_the_deputy_roster_export_query_count_does_not_grow_with_rows(client_of, staff_user, deputy_a,
                                                                      assert_flat_queries):
    assert_flat_queries(
        client_of(staff_user), URL, params={"export": "xlsx"},
        grow=lambda: DeputyFactory.create_batch(6, group=deputy_a.group, constituency=deputy_a.constituency,
                                                term=deputy_a.term),
    )
