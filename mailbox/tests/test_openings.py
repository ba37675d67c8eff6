from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mailbox import services
from mailbox.models import Mailbox, Opening
from mailbox.tests.factories import MailboxFactory
from mailbox.weeks import SHANGHAI, Week


@pytest.fixture
def box(constituency_a, liaison_a):
    return MailboxFactory(constituency=constituency_a, entrusted_to=liaison_a, name="幸福里社区代表信箱")


def record(box, user, when, **extra):
    return services.opening_record(mailbox=box, opened_at=when, opened_by="王联络", acting_user=user, **extra)


def test_zero_letters_is_a_valid_opening_and_is_audited(box, liaison_a):
    opening = record(box, liaison_a, timezone.now() - dt.timedelta(hours=1), witness="社区主任李红")
    assert opening.letter_count == 0
    assert opening.history.first().history_change_reason == "mailbox.opening.recorded"
    assert opening.history.first().history_user == liaison_a


def test_an_opening_in_the_future_is_refused(box, liaison_a):
    with pytest.raises(ValidationError) as error:
        record(box, liaison_a, timezone.now() + dt.timedelta(hours=2))
    assert "开启时间不能晚于现在" in str(error.value)
    assert not Opening.objects.exists()


def test_the_same_moment_twice_is_refused_even_with_other_seconds(box, liaison_a):
    moment = dt.datetime(2026, 11, 20, 9, 30, 5, tzinfo=SHANGHAI)
    record(box, liaison_a, moment)
    with pytest.raises(ValidationError) as error:
        record(box, liaison_a, moment.replace(second=40))
    assert "已有开启记录" in str(error.value)
    assert Opening.objects.count() == 1
    # A different minute of the same day is a second opening, which is allowed.
    record(box, liaison_a, moment + dt.timedelta(hours=4))
    assert Opening.objects.count() == 2


def test_a_retired_box_cannot_be_opened(box, liaison_a):
    services.mailbox_retire(mailbox=box, retired_on=timezone.localdate(), acting_user=liaison_a)
    box.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        record(box, liaison_a, timezone.now() - dt.timedelta(minutes=5))
    assert "已撤除" in str(error.value)


def test_an_opening_before_the_box_was_set_up_is_refused(box, liaison_a):
    with pytest.raises(ValidationError):
        record(box, liaison_a, dt.datetime(2023, 12, 30, 10, 0, tzinfo=SHANGHAI))


def test_sunday_night_opening_counts_for_that_week_not_the_next(box, liaison_a):
    record(box, liaison_a, dt.datetime(2026, 11, 22, 23, 59, tzinfo=SHANGHAI))
    boxes = Mailbox.objects.filter(pk=box.pk)
    assert boxes.with_week(Week(dt.date(2026, 11, 16))).get().opened_in_week is True
    assert boxes.with_week(Week(dt.date(2026, 11, 23))).get().opened_in_week is False
    record(box, liaison_a, dt.datetime(2026, 11, 23, 0, 0, tzinfo=SHANGHAI))
    assert boxes.with_week(Week(dt.date(2026, 11, 23))).get().opened_in_week is True


def test_keeping_rules(constituency_a, deputy_a, deputy_b, liaison_a):
    common = {"constituency": constituency_a, "location": "社区门口", "set_up_on": dt.date(2024, 3, 1),
              "acting_user": liaison_a}
    box = services.mailbox_create(name="一号信箱", keeper_deputy=deputy_a, **common)
    assert list(box.deputies.all()) == [deputy_a]
    assert box.keeper_user_id == deputy_a.user_id
    with pytest.raises(ValidationError) as error:
        services.mailbox_create(name="二号信箱", keeper_deputy=deputy_b, **common)
    assert "本代表组" in str(error.value)
    with pytest.raises(ValidationError) as error:
        services.mailbox_create(name="三号信箱", keeping=Mailbox.Keeping.ENTRUSTED, entrusted_to=liaison_a, **common)
    assert "委托原因" in str(error.value) and "委托日期" in str(error.value)
    entrusted = services.mailbox_create(
        name="三号信箱", keeping=Mailbox.Keeping.ENTRUSTED, entrusted_to=liaison_a,
        entrusted_reason="代表在外地挂职一年", entrusted_on=dt.date(2025, 5, 1), **common,
    )
    assert entrusted.keeper_user_id == liaison_a.pk and entrusted.keeper_deputy is None
    with pytest.raises(ValidationError):
        services.mailbox_create(name="一号信箱", keeper_deputy=deputy_a, **common)  # same name in the constituency
