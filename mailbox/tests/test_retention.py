"""Retention: closed cases are anonymised after the period; audit history stays (issue 9 §4)."""

from __future__ import annotations

import datetime as dt

import pytest

from constituents.models import Constituent, Problem
from constituents.tests.casework import register
from constituents.tests.factories import ConstituentFactory
from liaison.schedules import SCHEDULES
from mailbox import tasks
from mailbox.models import Letter

TODAY = dt.date(2026, 11, 30)


def close(problem, on: dt.date):
    Problem.objects.filter(pk=problem.pk).update(state=Problem.State.FED_BACK, fed_back_on=on)


@pytest.fixture
def old_case(open_box, deputy_a, staff_user, community_a):
    """A letter whose case was closed four years ago, and a constituent whose only problem it was."""
    opening = open_box(texts=["路灯坏了"], sender_name="张大山", sender_contact="13812345678")
    letter = opening.letters.get()
    constituent = ConstituentFactory(community=community_a, name="王小红", phone="13900001111", address="幸福里3栋")
    letter.problem.constituents.add(constituent)
    close(letter.problem, dt.date(2022, 10, 1))
    return letter, constituent


def test_closed_cases_past_the_period_are_anonymised_and_history_is_kept(old_case):
    letter, constituent = old_case
    history_before = constituent.history.count()
    result = tasks.anonymise_expired_personal_data(TODAY.isoformat())
    assert result == {"letters": 1, "constituents": 1}
    letter.refresh_from_db()
    constituent.refresh_from_db()
    assert (letter.sender_name, letter.sender_contact, letter.masked_sender) == ("", "", "匿名")
    assert constituent.name.startswith("已匿名选民") and (constituent.phone, constituent.address) == ("", "")
    # The problem stays for the statistics; the audit history keeps every earlier row and says what happened.
    assert Problem.objects.filter(pk=letter.problem_id, text="路灯坏了").exists()
    assert constituent.history.count() == history_before + 1
    assert constituent.history.filter(name="王小红").exists()
    assert constituent.history.first().history_change_reason == "constituents.constituent.anonymised"
    assert letter.history.first().history_change_reason == "mailbox.letter.anonymised"


def test_running_twice_changes_nothing_the_second_time(old_case):
    letter, constituent = old_case
    tasks.anonymise_expired_personal_data(TODAY.isoformat())
    rows = constituent.history.count() + letter.history.count()
    assert tasks.anonymise_expired_personal_data(TODAY.isoformat()) == {"letters": 0, "constituents": 0}
    assert constituent.history.count() + letter.history.count() == rows


def test_recent_cases_and_people_with_something_open_are_kept(old_case, deputy_a, staff_user):
    letter, constituent = old_case
    register(deputy_a, staff_user, constituents=[constituent])  # still open
    recent = ConstituentFactory(community=constituent.community, name="李四")
    close(register(deputy_a, staff_user, constituents=[recent]), dt.date(2025, 6, 1))
    assert tasks.anonymise_expired_personal_data(TODAY.isoformat()) == {"letters": 1, "constituents": 0}
    assert set(Constituent.objects.values_list("name", flat=True)) == {"王小红", "李四"}


def test_the_period_is_configurable(old_case, settings):
    letter, _ = old_case
    settings.PERSONAL_DATA_RETENTION_YEARS = 5
    assert tasks.anonymise_expired_personal_data(TODAY.isoformat()) == {"letters": 0, "constituents": 0}
    assert Letter.objects.get(pk=letter.pk).sender_name == "张大山"


def test_the_retention_job_is_on_the_beat():
    entry = SCHEDULES["every-day-0300-anonymise-expired-personal-data"]
    assert entry["task"] == "mailbox.tasks.anonymise_expired_personal_data"
