"""Schedule jobs are set-based (SPEC §5): the weekly mailbox alert and the daily
casework reminder take about the same time per row at 10× the rows."""

from __future__ import annotations

import datetime as dt
import time

from constituents.models import Problem, ProblemCategory
from deputies.models import Constituency, Deputy, DeputyGroup, SubDistrict
from liaison.models import Role, User
from mailbox.models import Mailbox
from mailbox.services import unopened_mailboxes_alert
from mailbox.weeks import Week

from .test_scaling import report


def build(term, groups: int, tag: str) -> None:
    office = SubDistrict.objects.create(name=f"作业基准{tag}")
    liaison = User.objects.create(username=f"job-liaison-{tag}", role=Role.LIAISON)
    for g in range(groups):
        group = DeputyGroup.objects.create(name=f"作业基准组{tag}-{g}", sub_district=office)
        group.liaisons.add(liaison)
        constituency = Constituency.objects.create(term=term, group=group, name=f"作业选区{tag}-{g}")
        deputies = Deputy.objects.bulk_create(
            [Deputy(term=term, group=group, constituency=constituency, name=f"作业代表{tag}-{g}-{i}", gender="女")
             for i in range(10)]
        )
        Mailbox.objects.bulk_create(
            [Mailbox(constituency=constituency, name=f"信箱{tag}-{g}-{i}", location="门口", set_up_on=dt.date(2024, 1, 1),
                     keeping=Mailbox.Keeping.DEPUTY, keeper_deputy=deputies[i]) for i in range(4)]
        )
        Problem.objects.bulk_create(
            [Problem(source=Problem.Source.VISIT, text="路灯坏了", category=ProblemCategory.OTHER, group=group,
                     deputy=deputies[i % 10], constituency=constituency, raised_on=dt.date(2026, 9, 1),
                     state_since=dt.date(2026, 9, 1))
             for i in range(40)]
        )


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def test_weekly_mailbox_alert_is_set_based(db, term):
    build(term, 3, "s")
    unopened_mailboxes_alert(week=Week.of(dt.date(2026, 11, 9)))  # warm up
    small = timed(lambda: unopened_mailboxes_alert(week=Week.of(dt.date(2026, 11, 16)))) / Mailbox.objects.count()
    build(term, 30, "l")
    large = timed(lambda: unopened_mailboxes_alert(week=Week.of(dt.date(2026, 11, 23)))) / Mailbox.objects.count()
    from liaison.models import Notification

    assert Notification.objects.filter(dedupe_key__contains="2026-W48").count() >= Mailbox.objects.count()
    report("weekly mailbox alert per box", small, large, target=1.5)


def test_daily_casework_reminder_is_set_based(db, term):
    from constituents.services import casework_send_reminders

    build(term, 3, "s")
    casework_send_reminders(on=dt.date(2026, 11, 27))  # warm up
    small = timed(lambda: casework_send_reminders(on=dt.date(2026, 11, 28))) / Problem.objects.count()
    build(term, 30, "l")
    large = timed(lambda: casework_send_reminders(on=dt.date(2026, 11, 28))) / Problem.objects.count()
    report("daily casework reminder per problem", small, large, target=1.5)
