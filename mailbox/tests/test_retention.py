"""Retention: closed cases are anonymised after the period; audit history stays (issue 9 §4)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from constituents.models import Constituent, Forwarding, ForwardingAttachment, Problem
from constituents.tests.casework import register
from constituents.tests.factories import ConstituentFactory
from deputies.tests.factories import DepartmentFactory
from liaison.audit import record_event
from liaison.models import AccessLog, AuditEvent, TextMessage
from liaison.schedules import SCHEDULES
from mailbox import tasks
from mailbox.models import Letter

TODAY = dt.date(2026, 11, 30)
NOTHING = {"letters": 0, "constituents": 0, "attachments": 0, "texts": 0}


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
    assert result == {"letters": 1, "constituents": 1, "attachments": 0, "texts": 0}
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
    assert tasks.anonymise_expired_personal_data(TODAY.isoformat()) == NOTHING
    assert constituent.history.count() + letter.history.count() == rows


def test_recent_cases_and_people_with_something_open_are_kept(old_case, deputy_a, staff_user):
    letter, constituent = old_case
    register(deputy_a, staff_user, constituents=[constituent])  # still open
    recent = ConstituentFactory(community=constituent.community, name="李四")
    close(register(deputy_a, staff_user, constituents=[recent]), dt.date(2025, 6, 1))
    assert tasks.anonymise_expired_personal_data(TODAY.isoformat()) == {**NOTHING, "letters": 1}
    assert set(Constituent.objects.values_list("name", flat=True)) == {"王小红", "李四"}


def test_the_period_is_configurable(old_case, settings):
    letter, _ = old_case
    settings.PERSONAL_DATA_RETENTION_YEARS = 5
    assert tasks.anonymise_expired_personal_data(TODAY.isoformat()) == NOTHING
    assert Letter.objects.get(pk=letter.pk).sender_name == "张大山"


def test_the_retention_job_is_on_the_beat():
    entry = SCHEDULES["every-day-0300-anonymise-expired-personal-data"]
    assert entry["task"] == "mailbox.tasks.anonymise_expired_personal_data"


# -- stored files and texts ---------------------------------------------------------


def attach(problem, *, uploaded_by, name="答复.pdf"):
    department = DepartmentFactory()
    forwarding = Forwarding.objects.create(problem=problem, department=department, forwarded_on=dt.date(2022, 8, 1),
                                           deadline=dt.date(2022, 8, 20))
    return ForwardingAttachment.objects.create(
        forwarding=forwarding, file=ContentFile(b"%PDF-1.4 \xe5\xbc\xa0\xe5\xa4\xa7\xe5\xb1\xb1", name="reply.pdf"),
        original_name=name, content_type="application/pdf", size=20, uploaded_by=uploaded_by,
    )


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"


def test_reply_attachments_of_expired_cases_are_deleted_with_their_files(old_case, staff_user, deputy_a,
                                                                           django_capture_on_commit_callbacks):
    letter, _ = old_case
    old = attach(letter.problem, uploaded_by=staff_user, name="张大山家的照片.pdf")
    recent = attach(register(deputy_a, staff_user), uploaded_by=staff_user)
    storage, old_name = old.file.storage, old.file.name
    access_logs = AccessLog.objects.count()
    assert storage.exists(old_name)

    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.anonymise_expired_personal_data(TODAY.isoformat())

    assert result["attachments"] == 1
    assert not ForwardingAttachment.objects.filter(pk=old.pk).exists() and not storage.exists(old_name)
    assert ForwardingAttachment.objects.filter(pk=recent.pk).exists() and storage.exists(recent.file.name)
    # The audit history keeps the attachment's rows, and says why it went.
    gone = ForwardingAttachment.history.filter(id=old.pk).order_by("-history_date").first()
    assert gone.history_type == "-" and gone.history_change_reason == "constituents.attachment.deleted_on_retention"
    assert AccessLog.objects.count() == access_logs
    assert tasks.anonymise_expired_personal_data(TODAY.isoformat())["attachments"] == 0


def test_texts_past_their_retention_are_deleted(db, settings):
    settings.LIAISON_SMS_RETENTION_DAYS = 90
    old = TextMessage.objects.create(phone="13812345678", text="您的来信已办结", dedupe_key="a",
                                     status=TextMessage.Status.SENT)
    TextMessage.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=120))
    kept = TextMessage.objects.create(phone="13812345678", text="您的来信已办结", dedupe_key="b")
    TextMessage.objects.filter(pk=kept.pk).update(created_at=timezone.now() - dt.timedelta(days=60))
    event = record_event(action="auth.login.succeeded", username="someone")

    assert tasks.anonymise_expired_personal_data()["texts"] == 1
    assert list(TextMessage.objects.values_list("pk", flat=True)) == [kept.pk]
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    settings.LIAISON_SMS_RETENTION_DAYS = 30
    assert tasks.anonymise_expired_personal_data()["texts"] == 1
