from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import OperationalError, connection, connections
from django.test.utils import CaptureQueriesContext

from deputies.tests.factories import ConstituencyFactory, DeputyFactory, DeputyGroupFactory
from liaison.models import Notification
from liaison.tests.factories import UserFactory
from mailbox.tasks import alert_unopened_mailboxes
from mailbox.tests.factories import MailboxFactory, OpeningFactory
from mailbox.weeks import SHANGHAI, Week

WEEK = Week(dt.date(2026, 11, 16))


@pytest.fixture
def boxes(constituency_a, liaison_a, deputy_a):
    kept = MailboxFactory(constituency=constituency_a, kept_by=deputy_a, name="代表本人保管的信箱")
    entrusted = MailboxFactory(constituency=constituency_a, entrusted_to=liaison_a, name="委托联络员的信箱")
    opened = MailboxFactory(constituency=constituency_a, entrusted_to=liaison_a, name="已开启的信箱")
    OpeningFactory(mailbox=opened, opened_at=dt.datetime(2026, 11, 22, 23, 59, tzinfo=SHANGHAI))
    late = MailboxFactory(constituency=constituency_a, entrusted_to=liaison_a, name="周一零点才开启的信箱")
    OpeningFactory(mailbox=late, opened_at=dt.datetime(2026, 11, 23, 0, 0, tzinfo=SHANGHAI))
    MailboxFactory(constituency=constituency_a, entrusted_to=liaison_a, name="周中新设的信箱",
                   set_up_on=dt.date(2026, 11, 18))
    MailboxFactory(constituency=constituency_a, entrusted_to=liaison_a, name="已撤除的信箱",
                   status="retired", retired_on=dt.date(2026, 10, 1))
    return {"kept": kept, "entrusted": entrusted, "late": late}


def alerts():
    return Notification.objects.filter(dedupe_key__startswith="mailbox.unopened:")


def test_alerts_keeper_and_liaisons_of_each_unopened_box(boxes, liaison_a, deputy_a):
    alert_unopened_mailboxes(WEEK.key)
    got = {(n.recipient_id, n.dedupe_key) for n in alerts()}
    assert got == {
        (deputy_a.user_id, f"mailbox.unopened:{boxes['kept'].pk}:2026-W47"),
        (liaison_a.pk, f"mailbox.unopened:{boxes['kept'].pk}:2026-W47"),
        (liaison_a.pk, f"mailbox.unopened:{boxes['entrusted'].pk}:2026-W47"),
        # Opened at Monday 00:00 belongs to the next week: this box missed its week.
        (liaison_a.pk, f"mailbox.unopened:{boxes['late'].pk}:2026-W47"),
    }
    notice = alerts().get(recipient=deputy_a.user)
    assert "代表本人保管的信箱上周未开启" == notice.title
    assert "2026年第47周" in notice.body


def test_running_the_job_twice_alerts_once(boxes):
    first = alert_unopened_mailboxes(WEEK.key)
    second = alert_unopened_mailboxes(WEEK.key)
    assert first == 4 and second == 0
    assert alerts().count() == 4
    # Next week is another week: the same boxes are alerted again.
    alert_unopened_mailboxes(WEEK.next().key)
    assert alerts().count() > 4


def test_without_an_argument_the_job_checks_last_week(boxes, monkeypatch):
    monkeypatch.setattr("mailbox.tasks.Week.current", classmethod(lambda cls: WEEK.next()))
    assert alert_unopened_mailboxes() == 4


def test_query_count_does_not_grow_with_boxes(boxes, liaison_a):
    with CaptureQueriesContext(connection) as few:
        alert_unopened_mailboxes(WEEK.key)
    for _ in range(3):
        group = DeputyGroupFactory()
        group.liaisons.add(UserFactory(role="liaison"))
        constituency = ConstituencyFactory(group=group, term=boxes["kept"].constituency.term)
        for _ in range(4):
            MailboxFactory(constituency=constituency, kept_by=DeputyFactory(constituency=constituency,
                                                                            user=UserFactory()))
    with CaptureQueriesContext(connection) as many:
        created = alert_unopened_mailboxes(WEEK.key)
    assert created == 3 * 4 * 2
    assert len(many) == len(few)


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_alert_once(constituency_a, liaison_a, deputy_a):
    for _ in range(5):
        MailboxFactory(constituency=constituency_a, kept_by=deputy_a)
    barrier = threading.Barrier(2)
    errors = []

    def worker():
        try:
            barrier.wait(timeout=10)
            # SQLite's shared in-memory test database locks whole tables, where
            # PostgreSQL lets both INSERTs race into the unique index: there, a
            # worker retries as Celery would.
            for attempt in range(20):
                try:
                    alert_unopened_mailboxes(WEEK.key)
                    break
                except OperationalError:
                    if connection.vendor != "sqlite" or attempt == 19:
                        raise
                    time.sleep(0.05)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert alerts().count() == 5 * 2
    assert alerts().values("recipient_id", "dedupe_key").distinct().count() == 10
