"""The audit trail: what is recorded, that nobody can change or erase it, and the auditor's page."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.contrib.admin.models import LogEntry
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from liaison.append_only import TRIGGER_DELETE, TRIGGER_UPDATE, audit_models, audit_records_purge
from liaison.audit import log_access, record_event
from liaison.models import AuditEvent, Role
from liaison.tests.factories import UserFactory


@pytest.fixture
def auditor(db):
    return UserFactory(username="aud", role=Role.AUDIT_ADMIN)


def test_failed_and_good_logins_are_recorded_with_the_address(client, deputy_a):
    client.post(reverse("login"), {"username": "deputy_a", "password": "wrong"}, REMOTE_ADDR="10.1.2.3")
    client.post(reverse("login"), {"username": "nobody", "password": "x"}, REMOTE_ADDR="10.1.2.4")
    client.post(reverse("login"), {"username": "deputy_a", "password": "Test@2026"}, REMOTE_ADDR="10.1.2.5")
    failed = AuditEvent.objects.filter(action="auth.login.failed").order_by("id")
    assert [(e.username, e.ip_address, e.succeeded) for e in failed] == [
        ("deputy_a", "10.1.2.3", False), ("nobody", "10.1.2.4", False)]
    good = AuditEvent.objects.get(action="auth.login.succeeded")
    assert good.user == deputy_a.user and good.ip_address == "10.1.2.5" and good.succeeded


def test_a_denied_request_is_recorded(client_of, deputy_a):
    response = client_of(deputy_a.user).get(reverse("audit_log"), REMOTE_ADDR="10.9.9.8")
    assert response.status_code == 403
    denied = AuditEvent.objects.get(action="http.denied", user=deputy_a.user)
    assert denied.ip_address == "10.9.9.8" and not denied.succeeded and denied.path == reverse("audit_log")


def test_history_rows_carry_the_client_address(client_of, db):
    from liaison.models import WorkdayOverride

    office = UserFactory(username="office", role=Role.STAFF, is_staff=True)
    response = client_of(office).post(reverse("admin:liaison_workdayoverride_add"),
                                      {"day": "2031-10-08", "kind": "holiday", "name": "国庆节"},
                                      REMOTE_ADDR="10.20.30.40")
    assert response.status_code == 302
    row = WorkdayOverride.history.get(day=dt.date(2031, 10, 8))
    assert row.history_ip == "10.20.30.40" and row.history_user == office


def test_bulk_created_feedback_and_summaries_leave_history(deputy_a, staff_user, constituency_a, liaison_a):
    from constituents.models import ProblemFeedback
    from constituents.tests.casework import State, drive, register
    from constituents.tests.factories import ConstituentFactory
    from mailbox.models import QuarterlySummary
    from mailbox.tasks import open_quarterly_summaries

    people = [ConstituentFactory(community__constituency=constituency_a) for _ in range(2)]
    problem = drive(register(deputy_a, staff_user, constituents=people), State.RESOLVED, staff_user)
    feedback = ProblemFeedback.objects.filter(problem=problem)
    assert feedback.count() == 2
    assert ProblemFeedback.history.filter(id__in=feedback.values("id"), history_type="+").count() == 2
    open_quarterly_summaries(2026, 3)
    open_quarterly_summaries(2026, 3)  # run twice: no second row, no second history row
    summary = QuarterlySummary.objects.get(year=2026, quarter=3)
    assert QuarterlySummary.history.filter(id=summary.pk).count() == 1


def test_every_audit_table_is_guarded(db):
    """Registered everywhere; on PostgreSQL the database itself refuses UPDATE and DELETE."""
    import pgtrigger

    labels = {model._meta.label_lower for model, _ in audit_models()}
    assert {"liaison.auditevent", "liaison.accesslog", "admin.logentry", "axes.accessfailurelog",
            "deputies.historicaldeputy", "liaison.historicaluser", "constituents.historicalconstituent"} <= labels
    assert all(model.__name__.startswith("Historical") or label in labels
               for model, _ in audit_models() for label in [model._meta.label_lower])
    for model, _ in audit_models():
        assert pgtrigger.registered(f"{model._meta.label}:{TRIGGER_UPDATE}")
        assert pgtrigger.registered(f"{model._meta.label}:{TRIGGER_DELETE}")
    if connection.vendor == "postgresql":
        user = UserFactory(username="someone")
        event = record_event(action="auth.login.succeeded", user=user)
        from django.contrib.contenttypes.models import ContentType

        LogEntry.objects.create(user=user, content_type=ContentType.objects.get_for_model(user),
                                object_id=str(user.pk), object_repr=str(user), action_flag=2)
        for attempt in (lambda: AuditEvent.objects.filter(pk=event.pk).update(succeeded=False),
                        lambda: AuditEvent.objects.filter(pk=event.pk).delete(),
                        lambda: user.history.update(history_user=None),
                        lambda: user.history.all().delete(),
                        lambda: LogEntry.objects.all().delete()):
            with pytest.raises(DatabaseError), transaction.atomic():
                attempt()
        assert AuditEvent.objects.filter(pk=event.pk, succeeded=True).exists()
        assert user.history.exists()


def _insert_event(at, username):
    # Raw INSERT: auto_now_add would stamp today, and PostgreSQL refuses any UPDATE.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO liaison_auditevent (at, username, action, succeeded, object_type, object_id,"
            " object_repr, path, detail) VALUES (%s, %s, 'auth.login.succeeded', %s, '', '', '', '', '')",
            [at, username, True],
        )
    return AuditEvent.objects.get(username=username)


def test_only_rows_past_the_retention_are_purged(db, settings):
    settings.LIAISON_AUDIT_RETENTION_DAYS = 30  # below the floor: 180 days still apply
    now = timezone.now()
    old = _insert_event(now - dt.timedelta(days=181), "old")
    kept = _insert_event(now - dt.timedelta(days=179), "kept")
    assert audit_records_purge() == 1
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=kept.pk).exists()
    if connection.vendor == "postgresql":
        # A purge job told the wrong date still cannot erase recent rows: the trigger checks the age.
        with pytest.raises(DatabaseError):
            audit_records_purge(now=now + dt.timedelta(days=365))
        assert AuditEvent.objects.filter(pk=kept.pk).exists()


def test_the_auditor_searches_and_exports(client_of, auditor, deputy_a):
    client = client_of(auditor)
    record_event(action="auth.login.failed", username="mallory", succeeded=False)
    record_event(action="auth.login.succeeded", user=deputy_a.user)
    page = client.get(reverse("audit_log"), {"outcome": "failed", "username": "mall"}).content.decode()
    assert "mallory" in page and "登录失败" in page and "deputy_a" not in page
    exported = client.get(reverse("audit_export", args=["csv"]), {"action": "auth.login.failed"})
    assert exported["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["时间", "用户", "IP 地址", "操作"] and rows[1][1] == "mallory" and len(rows) == 2
    xlsx = client.get(reverse("audit_export", args=["xlsx"]))
    assert xlsx.content[:2] == b"PK"
    assert AuditEvent.objects.filter(action="audit.log.exported", user=auditor).count() == 2
    bad = client.get(reverse("audit_log"), {"start": "2026-13-40", "ip_address": "not-an-ip"})
    assert bad.status_code == 200
    assert client.get(reverse("audit_export", args=["pdf"])).status_code == 404


def test_the_auditor_sees_personal_data_access(client_of, auditor, deputy_a, staff_user):
    log_access(user=staff_user, obj=deputy_a)
    page = client_of(auditor).get(reverse("audit_log"), {"source": "access"}).content.decode()
    assert "张建国" in page and "查看完整信息" in page


def test_the_audit_page_query_count_does_not_grow(client_of, auditor, deputy_a, staff_user, assert_flat_queries):
    client = client_of(auditor)

    def more_rows():
        for number in range(5):
            record_event(action="auth.login.succeeded", user=UserFactory(username=f"u{number}"))
            log_access(user=staff_user, obj=deputy_a)

    # Queries: session, user, the count, one page of rows with their users joined, unread notices.
    assert_flat_queries(client, reverse("audit_log"), grow=more_rows, cap=12)
    assert_flat_queries(client, reverse("audit_log"), grow=more_rows, cap=12, params={"source": "access"})


def test_every_history_table_keeps_the_client_address():
    """A model added later with simple_history's own HistoricalRecords would lose the address."""
    from django.apps import apps

    historical = [model for model in apps.get_models()
                  if model.__name__.startswith("Historical") and "history_id" in {f.name for f in model._meta.fields}]
    assert len(historical) > 10
    missing = [model.__name__ for model in historical if "history_ip" not in {f.name for f in model._meta.fields}]
    assert missing == []
