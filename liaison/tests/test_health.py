"""/health/ reports the database, cache, broker, disk and the beat, without login (issue 9 §7)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from liaison.tests.factories import UserFactory

# The checks run in worker threads with their own connections: they must see committed rows.
pytestmark = pytest.mark.django_db(transaction=True)


def beat_ran(ago: dt.timedelta):
    PeriodicTask.objects.filter(name="every-5-minutes-beat-heartbeat").update(last_run_at=timezone.now() - ago)


def test_health_answers_without_login_and_reports_every_part(client):
    beat_ran(dt.timedelta(minutes=3))
    response = client.get("/health/", {"format": "json"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert len(body) == 5 and set(body.values()) == {"OK"}
    names = " ".join(body)
    for part in ("Database", "Cache", "Broker", "Disk", "BeatLastRun"):
        assert part in names
    page = client.get("/health/").content.decode()
    assert "运行状态" in page and "工作正常" in page and "定时任务" in page and "消息队列" in page


def test_a_stalled_beat_makes_health_fail(client):
    beat_ran(dt.timedelta(hours=2))
    response = client.get("/health/", {"format": "json"})
    assert response.status_code == 500
    assert "定时任务（beat）已超过规定时间未运行" in response.json()["BeatLastRun()"]
    PeriodicTask.objects.update(last_run_at=None)
    assert "尚未运行" in client.get("/health/").content.decode()


def test_health_reveals_nothing_sensitive(client):
    beat_ran(dt.timedelta(minutes=3))
    UserFactory(username="zhangsan", phone="13812345678")
    text = client.get("/health/", {"format": "text"}).content.decode() + client.get("/health/").content.decode()
    database = settings.DATABASES["default"]
    for secret in ("zhangsan", "13812345678", str(database["NAME"]), str(settings.MEDIA_ROOT), settings.SECRET_KEY):
        assert secret not in text
