"""Exports over liaison.exports.MAX_ROWS rows run as a task (issue 12 §2): a job is recorded,
the task writes the workbook into private storage, the requester is notified with the link,
nobody else can open it, the export is audited and logged, and the file expires."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from constituents.tests.factories import ConstituentFactory, ProblemFactory
from liaison import exports
from liaison.models import AccessLog, AuditEvent, ExportJob, Notification, OutboxMessage
from liaison.services_exports import delete_expired_exports, export_job_run
from liaison.tasks import run_export_job

PROBLEMS = reverse("constituents:problem_list")


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return tmp_path / "private"


@pytest.fixture
def small_limit(monkeypatch):
    monkeypatch.setattr(exports, "MAX_ROWS", 2)


def _rows(data: bytes):
    rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    return [dict(zip(rows[0], values, strict=True)) for values in rows[1:]]


def _cases(deputy, community, count=3):
    people = []
    for n in range(count):
        person = ConstituentFactory(community=community, name=f"赵桂芳{n}")
        ProblemFactory(deputy=deputy, text=f"路灯不亮（{n}）").constituents.add(person)
        people.append(person)
    return people


def test_an_export_over_the_limit_becomes_a_job_that_the_task_writes(
        client_of, liaison_a, staff_user, deputy_a, community_a, small_limit, private_files):
    people = _cases(deputy_a, community_a)
    ProblemFactory(deputy=deputy_a, text="学校门口拥堵")  # filtered out by q=路灯
    client = client_of(liaison_a)
    response = client.get(PROBLEMS, {"export": "xlsx", "q": "路灯", "page": "2"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert job.requested_by == liaison_a and job.kind == "problems" and job.params == "q=%E8%B7%AF%E7%81%AF"
    assert job.state == ExportJob.State.QUEUED and job.total_rows == 3
    assert OutboxMessage.objects.filter(task="liaison.tasks.run_export_job", args=[job.pk]).exists()
    assert job.history.get().history_change_reason == "liaison.export_job.requested"
    # The same export asked for again while it is in the works reuses the job.
    client.get(PROBLEMS, {"export": "xlsx", "q": "路灯"})
    assert ExportJob.objects.count() == 1
    page = client.get(job.get_absolute_url()).content.decode()
    assert "共 3 条，超过 2 条，系统正在后台生成" in page
    assert 'data-auto-refresh="2"' in page and "js/auto-refresh.js" in page and "<script>" not in page
    download = reverse("export_job_download", args=[job.pk])
    assert client.get(download).status_code == 404  # not written yet
    assert not AuditEvent.objects.filter(action="liaison.list.exported").exists()

    assert run_export_job(job.pk) is True
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE and job.progress == 100 and job.written_rows == 3
    assert job.expires_at - job.finished_at == dt.timedelta(days=7)
    # Stored privately (no /media/ address), under the private files root.
    assert (private_files / job.file.name).is_file() and not job.file.name.startswith("/")

    # The notification links to the page, which links to the file.
    notice = Notification.objects.get(recipient=liaison_a)
    assert notice.url == job.get_absolute_url() and "群众诉求" in notice.title and "3 条" in notice.title
    page = client.get(notice.url).content.decode()
    assert download in page and "下载 Excel 文件" in page
    response = client.get(download)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert "filename*=utf-8''" in response["Content-Disposition"]
    rows = _rows(b"".join(response.streaming_content))
    assert sorted(row["反映内容"] for row in rows) == ["路灯不亮（0）", "路灯不亮（1）", "路灯不亮（2）"]
    assert sorted(row["反映人"] for row in rows) == [p.name for p in people]  # the liaison sees them whole
    assert rows[0]["反映日期"].year >= 2000  # an Excel date, not text

    # Audited and logged as the in-request path is.
    event = AuditEvent.objects.get(action="liaison.list.exported")
    assert event.user == liaison_a and "群众诉求：3 条" in event.detail and "q=" in event.detail
    logs = AccessLog.objects.filter(user=liaison_a, action=AccessLog.Action.EXPORTED)
    assert sorted(logs.values_list("object_id", flat=True)) == sorted(str(p.pk) for p in people)

    # Nobody else can see the job or its file.
    for other in (staff_user, deputy_a.user):
        other_client = client_of(other)
        assert other_client.get(job.get_absolute_url()).status_code == 404
        assert other_client.get(download).status_code == 404

    # A redelivered task writes nothing again.
    name = job.file.name
    assert export_job_run(job.pk) and ExportJob.objects.get().file.name == name
    assert Notification.objects.filter(recipient=liaison_a).count() == 1


def test_the_task_writes_the_requesters_view_masked_where_they_may_not_see_whole(
        client_of, deputy_a, deputy_b, term, group_a, community_a, small_limit):
    from deputies.tests.factories import CommunityFactory, ConstituencyFactory

    elsewhere = CommunityFactory(constituency=ConstituencyFactory(term=term, group=group_a, name="第3选区"))
    _cases(deputy_a, elsewhere)  # in deputy A's group, not in their constituency: masked
    ProblemFactory(deputy=deputy_b, text="乙组的问题")
    client_of(deputy_a.user).get(PROBLEMS, {"export": "xlsx"})
    job = ExportJob.objects.get()
    run_export_job(job.pk)
    job.refresh_from_db()
    with job.file.open("rb") as stored:
        rows = _rows(stored.read())
    assert len(rows) == 3 and "乙组的问题" not in {row["反映内容"] for row in rows}
    assert sorted(row["反映人"] for row in rows) == ["赵***"] * 3
    assert not AccessLog.objects.exists()


def test_eager_mode_writes_the_job_within_the_request(client_of, liaison_a, deputy_a, community_a, small_limit,
                                                       django_capture_on_commit_callbacks):
    """The newcomer setup (SQLite, CELERY_TASK_ALWAYS_EAGER): the outbox runs the task at once."""
    _cases(deputy_a, community_a)
    client = client_of(liaison_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(PROBLEMS, {"export": "xlsx"})
    job = ExportJob.objects.get()
    assert job.state == ExportJob.State.DONE
    assert "下载 Excel 文件" in client.get(response.url).content.decode()
    assert Notification.objects.filter(recipient=liaison_a, url=job.get_absolute_url()).exists()


def test_files_past_their_time_are_deleted_and_the_record_stays(client_of, liaison_a, deputy_a, community_a,
                                                                 small_limit, private_files):
    _cases(deputy_a, community_a)
    client = client_of(liaison_a)
    client.get(PROBLEMS, {"export": "xlsx"})
    job = ExportJob.objects.get()
    run_export_job(job.pk)
    job.refresh_from_db()
    path = private_files / job.file.name
    assert delete_expired_exports(now=timezone.now() + dt.timedelta(days=6)) == 0 and path.is_file()
    assert delete_expired_exports(now=timezone.now() + dt.timedelta(days=8)) == 1
    job.refresh_from_db()
    assert job.state == ExportJob.State.EXPIRED and not job.file and not path.exists()
    assert client.get(reverse("export_job_download", args=[job.pk])).status_code == 404
    assert "已超过保存期限并已删除" in client.get(job.get_absolute_url()).content.decode()


def test_the_expiry_runs_daily_from_the_one_beat_schedule():
    from liaison.schedules import SCHEDULES

    assert any(entry["task"] == "liaison.tasks.delete_expired_exports" for entry in SCHEDULES.values())


def test_a_list_without_a_task_path_still_asks_to_narrow_the_filters(client_of, staff_user, monkeypatch):
    monkeypatch.setattr(exports, "MAX_ROWS", 0)
    client = client_of(staff_user)
    url = reverse("constituents:department_stats")
    response = client.get(url, {"year": 2026, "export": "xlsx"})
    assert response.status_code == 302 and response.url == f"{url}?year=2026"
    assert "超过一次导出的上限 0 条" in client.get(response.url).content.decode()
    assert not ExportJob.objects.exists()
