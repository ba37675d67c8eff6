from __future__ import annotations

from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from liaison.schedules import SCHEDULES


def test_every_schedule_is_installed_in_shanghai_time(db):
    tasks = {task.name: task for task in PeriodicTask.objects.select_related("crontab")}
    assert set(SCHEDULES) <= set(tasks)
    monday = tasks["every-monday-0800-alert-unopened-mailboxes"]
    assert (monday.crontab.hour, monday.crontab.day_of_week, str(monday.crontab.timezone)) == ("8", "1", "Asia/Shanghai")


def test_office_changes_survive_migrate(db):
    task = PeriodicTask.objects.get(name="every-day-0830-remind-casework-next-steps")
    task.enabled = False
    task.description = "办公室改过"
    task.save()
    call_command("migrate", verbosity=0)
    task.refresh_from_db()
    assert task.enabled is False and task.description == "办公室改过"
