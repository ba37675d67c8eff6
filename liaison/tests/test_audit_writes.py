"""Every write, searchable and exportable by the audit administrator (issue 9 §2):
the history rows of every model, on the audit page as "数据修改记录"."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from io import BytesIO

import openpyxl
import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from constituents.tests.factories import ConstituentFactory
from deputies.services import deputy_mark_exemplary
from liaison import audit_views
from liaison.audit_writes import historied_models
from liaison.models import AuditEvent, Role
from liaison.tests.factories import UserFactory

WRITES = {"source": "writes"}


@pytest.fixture
def auditor(db):
    return UserFactory(username="aud", role=Role.AUDIT_ADMIN)


@contextmanager
def request_from(user, address: str):
    """Saves made while handling a request from `address` (as the history middleware sets it)."""
    request = RequestFactory().post("/", REMOTE_ADDR=address)
    request.user = user
    HistoricalRecords.context.request = request
    try:
        yield
    finally:
        del HistoricalRecords.context.request


@pytest.fixture
def writes(deputy_a, staff_user, community_a):
    """Staff mark a deputy as exemplary from 10.0.0.7; a liaison adds a constituent from 10.0.0.8."""
    with request_from(staff_user, "10.0.0.7"):
        deputy_mark_exemplary(deputy=deputy_a, exemplary=True, acting_user=staff_user)
    clerk = UserFactory(username="clerk", role=Role.LIAISON)
    with request_from(clerk, "10.0.0.8"):
        constituent = ConstituentFactory(community=community_a, name="赵桂芳")
    return {"deputy": deputy_a, "constituent": constituent, "clerk": clerk}


def rows_of(response) -> list[list[str]]:
    return response.context["body"]


def test_every_write_is_listed_with_who_when_where_what(client_of, auditor, writes, staff_user):
    page = client_of(auditor).get(reverse("audit_log"), WRITES)
    assert page.status_code == 200
    lines = rows_of(page)
    marked = next(line for line in lines if line[3] == "标记为履职典型")
    assert marked[1:3] == [staff_user.username, "10.0.0.7"]
    assert marked[4:] == ["修改", "代表", str(writes["deputy"].pk)]
    added = next(line for line in lines if line[5] == "选民")
    assert added[1:3] == ["clerk", "10.0.0.8"] and added[4] == "新增"
    assert "数据修改记录" in page.content.decode()


@pytest.mark.parametrize("filters,expected", [
    ({"model": "constituents.constituent"}, {"选民"}),
    ({"username": "clerk"}, {"选民"}),
    ({"ip_address": "10.0.0.7"}, {"代表"}),
    ({"ip_address": "not-an-address"}, set()),
    ({"action": "write.deputies.deputy.exemplary_marked"}, {"代表"}),
    ({"action": "write.+", "model": "deputies.deputy"}, {"代表"}),  # the deputy fixture's own creation
    ({"action": "auth.login.failed"}, set()),
    ({"outcome": "failed"}, set()),
    ({"start": "2000-01-01", "end": "2000-12-31"}, set()),
])
def test_writes_are_filtered(client_of, auditor, writes, filters, expected):
    today = timezone.localdate().isoformat()
    params = {**WRITES, "start": today, "end": today, **filters}
    lines = rows_of(client_of(auditor).get(reverse("audit_log"), params))
    assert {line[5] for line in lines} == expected


def test_writes_are_filtered_by_object(client_of, auditor, writes):
    lines = rows_of(client_of(auditor).get(reverse("audit_log"), {
        **WRITES, "model": "constituents.constituent", "object_id": str(writes["constituent"].pk)}))
    assert [line[6] for line in lines] == [str(writes["constituent"].pk)]
    assert rows_of(client_of(auditor).get(reverse("audit_log"), {**WRITES, "object_id": "abc"})) == []


def test_pages_walk_back_in_time_across_tables_without_repeats(client_of, auditor, writes, community_a,
                                                                 monkeypatch):
    monkeypatch.setattr(audit_views, "PER_PAGE", 3)
    for number in range(4):
        ConstituentFactory(community=community_a, name=f"选民{number}")
    client = client_of(auditor)
    seen, params, pages = [], {**WRITES}, 0
    while True:
        page = client.get(reverse("audit_log"), params)
        seen += [(line[5], line[6], line[0], line[4]) for line in rows_of(page)]
        pages += 1
        if not page.context["next_cursor"]:
            break
        params = {**WRITES, "before": page.context["next_cursor"]}
    total = sum(model.history.count() for model in historied_models().values())
    assert len(seen) == total and len(set(seen)) == len(seen) and pages == -(-total // 3)
    times = [line[2] for line in seen]
    assert times == sorted(times, reverse=True)


def test_a_malformed_cursor_is_a_bad_request(client_of, auditor):
    client = client_of(auditor)
    for before in ("x", "2026-01-01T00:00:00|nomodel.x|1", "2026-01-01T00:00:00|deputies.deputy|abc"):
        assert client.get(reverse("audit_log"), {**WRITES, "before": before}).status_code == 400


def test_writes_export_to_excel_and_the_export_is_logged(client_of, auditor, writes):
    client = client_of(auditor)
    response = client.get(reverse("audit_log"), {**WRITES, "model": "constituents.constituent", "export": "xlsx"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == tuple(audit_views.WRITES_HEADER)
    assert rows[1][1:3] == ("clerk", "10.0.0.8") and rows[1][5] == "选民" and isinstance(rows[1][0], dt.datetime)
    assert AuditEvent.objects.filter(action="liaison.list.exported", user=auditor, detail__contains="数据修改记录")
    # The page's other Excel link leads to the same export.
    again = client.get(reverse("audit_export", args=["xlsx"]), WRITES)
    assert again.status_code == 302 and "export=xlsx" in again["Location"]
    csv = client.get(reverse("audit_export", args=["csv"]), {**WRITES, "username": "clerk"})
    assert "clerk" in csv.content.decode("utf-8-sig") and "10.0.0.8" in csv.content.decode("utf-8-sig")


@pytest.mark.parametrize("role", [Role.STAFF, Role.SECURITY_ADMIN, Role.SYSTEM_ADMIN, Role.LIAISON, "superuser"])
def test_only_the_audit_administrator_reads_the_writes(client, writes, role):
    user = (UserFactory(role=Role.STAFF, is_staff=True, is_superuser=True) if role == "superuser"
            else UserFactory(role=role, is_staff=role != Role.LIAISON))
    client.force_login(user)
    assert client.get(reverse("audit_log"), WRITES).status_code == 403
    assert client.get(reverse("audit_log"), {**WRITES, "export": "xlsx"}).status_code == 403
    assert client.get(reverse("audit_export", args=["csv"]), WRITES).status_code == 403


def test_the_writes_page_query_count_does_not_grow(client_of, auditor, writes, community_a, staff_user,
                                                   assert_flat_queries):
    client = client_of(auditor)

    def more_rows():
        for number in range(5):
            ConstituentFactory(community=community_a, name=f"又一位{number}")
            deputy_mark_exemplary(deputy=writes["deputy"], exemplary=number % 2 == 0, acting_user=staff_user)

    # Queries: session, user, unread notices; then one LIMITed query per history table
    # (all of them, or the one chosen), and one for the page's users.
    tables = len(historied_models())
    assert_flat_queries(client, reverse("audit_log"), grow=more_rows, cap=tables + 8, params=WRITES)
    assert_flat_queries(client, reverse("audit_log"), grow=more_rows, cap=10,
                        params={**WRITES, "model": "constituents.constituent"})


def test_a_malformed_date_keeps_the_search_on_the_writes(client_of, auditor, writes):
    page = client_of(auditor).get(reverse("audit_log"), {**WRITES, "start": "2026-13-40"})
    assert page.status_code == 200 and page.context["header"] == audit_views.WRITES_HEADER
    assert "请输入" in page.content.decode() or page.context["form"].errors
