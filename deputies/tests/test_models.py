from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from deputies.models import Deputy, DeputyStatus
from deputies.services import deputy_leave
from deputies.tests.factories import ConstituencyFactory, DeputyFactory


def test_term_year_counts_from_one(term):
    assert term.term_year(dt.date(2024, 12, 31)) == 1
    assert term.term_year(dt.date(2026, 11, 28)) == 3


def test_deputy_constituency_must_belong_to_group(term, group_a, group_b, constituency_b):
    deputy = Deputy(term=term, group=group_a, constituency=constituency_b, name="错组代表", gender="男",
                    birth_month=dt.date(1970, 1, 1))
    with pytest.raises(ValidationError) as error:
        deputy.full_clean()
    assert "该选区不属于所选代表组" in str(error.value)


def test_invalid_phone_is_refused_in_chinese(constituency_a):
    deputy = DeputyFactory.build(constituency=constituency_a, term=constituency_a.term, group=constituency_a.group,
                                 phone="12345")
    with pytest.raises(ValidationError) as error:
        deputy.full_clean()
    assert "不是有效的大陆电话号码" in str(error.value)


def test_deputy_leave_is_audited_with_user(deputy_a, staff_user):
    deputy_leave(deputy=deputy_a, status=DeputyStatus.RESIGNED, left_on=dt.date(2026, 3, 1), acting_user=staff_user)
    deputy_a.refresh_from_db()
    assert deputy_a.status == DeputyStatus.RESIGNED and not deputy_a.is_serving
    latest = deputy_a.history.latest()
    assert latest.history_user == staff_user
    assert latest.history_change_reason == "deputies.deputy.left"


def test_deputy_leave_refuses_dates_outside_term(deputy_a, staff_user):
    with pytest.raises(ValidationError) as error:
        deputy_leave(deputy=deputy_a, status=DeputyStatus.RESIGNED, left_on=dt.date(2030, 1, 1),
                     acting_user=staff_user)
    assert "任期之内" in str(error.value)
    deputy_a.refresh_from_db()
    assert deputy_a.is_serving


def test_a_term_has_one_roster_entry_per_person(term):
    constituency = ConstituencyFactory(term=term)
    DeputyFactory(constituency=constituency, name="刘洋", birth_month=dt.date(1980, 5, 1))
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        DeputyFactory(constituency=constituency, name="刘洋", birth_month=dt.date(1980, 5, 1))
