from __future__ import annotations

import datetime as dt

import pytest

from liaison.models import Notification
from mailbox import services
from mailbox.services import overdue_cutoff
from mailbox.tasks import remind_letters
from mailbox.weeks import SHANGHAI

BEFORE_NATIONAL_DAY = dt.datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI)  # Wed; Oct 1-7 are holidays


def digests(day: str):
    return Notification.objects.filter(dedupe_key=f"mailbox.letters.digest:{day}")


def test_cutoff_counts_working_days_across_the_holiday(db):
    # Received Wednesday 30 September: the two working days are 8 and 9 October.
    assert overdue_cutoff(dt.date(2026, 10, 9), 2) < dt.date(2026, 9, 30)
    # Saturday 10 October is a make-up working day: anything received up to the 7th is now late.
    assert overdue_cutoff(dt.date(2026, 10, 10), 2) == dt.date(2026, 10, 7)
    # An ordinary week: received Monday, overdue on Thursday.
    assert overdue_cutoff(dt.date(2026, 11, 19), 2) == dt.date(2026, 11, 16)
    assert overdue_cutoff(dt.date(2026, 11, 18), 2) == dt.date(2026, 11, 15)


def test_undelivered_letter_goes_into_the_liaisons_daily_digest(open_box, liaison_a, client_of):
    letter = open_box(BEFORE_NATIONAL_DAY).letters.get()
    assert remind_letters("2026-10-07") == 0  # five calendar days, no working day yet
    assert remind_letters("2026-10-09") == 0
    assert remind_letters("2026-10-10") == 1
    assert remind_letters("2026-10-10") == 0  # once a day per person, however often the job runs
    notice = digests("2026-10-10").get()
    assert notice.recipient == liaison_a
    assert notice.title == "您有 1 封来信超过期限"
    assert notice.body == "超过2个工作日未送交代表 1 封，送交后超过5个工作日未回复 0 封。"
    # The link lists the late letters (today is later still, so the letter is late now too).
    listed = client_of(liaison_a).get(notice.url).context["page"]
    assert [row["pk"] for row in listed] == [letter.pk]
    assert remind_letters("2026-10-12") == 1  # the next working day, the next digest


def test_unreplied_letter_goes_into_the_deputys_and_liaisons_digest(open_box, liaison_a, deputy_a):
    letter = open_box(BEFORE_NATIONAL_DAY).letters.get()
    services.letter_deliver(letter=letter, delivered_at=dt.datetime(2026, 10, 8, 9, 0, tzinfo=SHANGHAI),
                            acting_user=liaison_a)
    assert remind_letters("2026-10-14") == 0
    assert remind_letters("2026-10-15") == 2
    assert {n.recipient_id for n in digests("2026-10-15")} == {liaison_a.pk, deputy_a.user_id}
    services.letter_reply(letter=letter, reply="已转交", acting_user=deputy_a.user)
    assert remind_letters("2026-10-20") == 0


def test_the_deadlines_are_configurable(open_box, settings):
    open_box(BEFORE_NATIONAL_DAY)
    settings.MAILBOX = {"DELIVER_WITHIN_WORKDAYS": 4}
    assert remind_letters("2026-10-10") == 0
    assert remind_letters("2026-10-12") == 0  # 8, 9, 10 (make-up Saturday) and 12 October
    assert remind_letters("2026-10-13") == 1


def test_reminder_queries_do_not_grow_with_letters(open_box, box, liaison_a, django_assert_max_num_queries):
    open_box(BEFORE_NATIONAL_DAY, texts=[f"来信{i}" for i in range(30)])
    with django_assert_max_num_queries(10):
        assert remind_letters("2026-10-12") == 1  # one digest counting all thirty
    assert digests("2026-10-12").get().title == "您有 30 封来信超过期限"


@pytest.mark.parametrize("today", ["2026-10-10", "2026-11-20"])
def test_the_task_accepts_an_iso_date(open_box, today):
    open_box(BEFORE_NATIONAL_DAY)
    assert remind_letters(today) == 1
