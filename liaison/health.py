"""`/health/` (issue 9 §7): database, cache, broker, disk and the beat, through
django-health-check. Answers without login, so it says only "工作正常" or what
is wrong in general words: no host names, paths, versions or row data.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import typing

from django.conf import settings
from django.utils import timezone
from health_check import checks
from health_check.base import HealthCheck
from health_check.exceptions import HealthCheckException, ServiceUnavailable
from health_check.views import HealthCheckView


def health_settings() -> dict:
    return {
        "BEAT_MAX_AGE_MINUTES": 30,  # the beat heartbeat runs every 5 minutes
        "DISK_MIN_FREE_MB": 500,
        **getattr(settings, "HEALTH", {}),
    }


@dataclasses.dataclass
class Database(checks.Database):
    """django-health-check's SELECT 1, with the driver's message (it names the host) kept out."""

    title: typing.ClassVar[str] = "数据库"

    def run(self):
        try:
            super().run()
        except HealthCheckException as error:
            raise ServiceUnavailable("数据库无法连接") from error


@dataclasses.dataclass
class Cache(checks.Cache):
    title: typing.ClassVar[str] = "缓存"


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker (Redis, or the filesystem queue of the embedded default) accepts a connection."""

    title: typing.ClassVar[str] = "消息队列"

    timeout = dt.timedelta(seconds=3)

    def run(self):
        from liaison.celery import app

        try:
            with app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, timeout=2)
        except Exception as error:  # noqa: BLE001 — any failure is "down", and its text may name hosts
            raise ServiceUnavailable("消息队列无法连接") from error


@dataclasses.dataclass
class Disk(HealthCheck):
    """Free space where uploads and backups are written."""

    title: typing.ClassVar[str] = "磁盘空间"

    def run(self):
        path = settings.MEDIA_ROOT
        path.mkdir(parents=True, exist_ok=True)
        free_mb = shutil.disk_usage(path).free / 1024 / 1024
        if free_mb < health_settings()["DISK_MIN_FREE_MB"]:
            raise ServiceUnavailable("磁盘剩余空间不足")


@dataclasses.dataclass
class BeatLastRun(HealthCheck):
    """The beat sent a task recently: the latest `last_run_at` in django-celery-beat's table."""

    title: typing.ClassVar[str] = "定时任务"

    def run(self):
        from django.db import connection
        from django.db.models import Max
        from django_celery_beat.models import PeriodicTask

        try:
            last = PeriodicTask.objects.filter(enabled=True).aggregate(last=Max("last_run_at"))["last"]
        finally:
            connection.close()  # this runs in a worker thread: leave no connection behind
        limit = dt.timedelta(minutes=health_settings()["BEAT_MAX_AGE_MINUTES"])
        if last is None:
            raise ServiceUnavailable("定时任务（beat）尚未运行")
        if timezone.now() - last > limit:
            raise ServiceUnavailable("定时任务（beat）已超过规定时间未运行")


CHECKS = (
    Database,
    Cache,
    Broker,
    Disk,
    BeatLastRun,
)


health_view = HealthCheckView.as_view(checks=CHECKS)
