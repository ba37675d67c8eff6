"""The admin masks personal data like the pages and logs a whole view (issue 9 §4)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from constituents.tests.factories import ConstituentFactory
from liaison.models import AccessLog, Role
from liaison.tests.factories import UserFactory
from mailbox import services as mailbox_services
from mailbox.tests.factories import MailboxFactory


@pytest.fixture
def office(client, db):
    user = UserFactory(username="office", role=Role.STAFF, is_staff=True)
    client.force_login(user)
    return client


@pytest.fixture
def person(community_a):
    return ConstituentFactory(community=community_a, name="王小红", phone="13912345678", address="幸福里小区3栋2单元")


def test_constituent_list_and_page_are_masked_and_log_nothing(office, person):
    listing = office.get(reverse("admin:constituents_constituent_changelist")).content.decode()
    assert "139****5678" in listing and "13912345678" not in listing and "王小红" not in listing
    page = office.get(reverse("admin:constituents_constituent_change", args=[person.pk])).content.decode()
    assert "139****5678" in page and "王**" in page and "幸福里小区3……" in page
    assert "13912345678" not in page and "幸福里小区3栋2单元" not in page
    assert "显示完整个人信息" in page
    assert not AccessLog.objects.exists()


def test_unmasking_in_the_admin_is_logged_and_allows_editing(office, person):
    url = reverse("admin:constituents_constituent_change", args=[person.pk])
    page = office.get(url, {"reveal": "1"}).content.decode()
    assert 'value="13912345678"' in page and "幸福里小区3栋2单元" in page
    log = AccessLog.objects.get()
    assert (log.user.username, log.action, log.object_id) == ("office", "viewed", str(person.pk))
    response = office.post(f"{url}?reveal=1", {
        "name": "王小红", "phone": "13912340000", "address": "幸福里小区3栋2单元", "community": person.community_id,
        "category": person.category, "note": "",
    })
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.phone == "13912340000"


def test_saving_the_masked_form_keeps_the_personal_data(office, person):
    url = reverse("admin:constituents_constituent_change", args=[person.pk])
    response = office.post(url, {"community": person.community_id, "category": "low_income"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.name, person.phone, person.category) == ("王小红", "13912345678", "low_income")


def test_letter_senders_and_users_phones_are_masked(office, deputy_a, liaison_a, constituency_a):
    box = MailboxFactory(constituency=constituency_a, kept_by=deputy_a)
    opening = mailbox_services.opening_record(
        mailbox=box, opened_at=dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC), opened_by="王联络", letter_count=1,
        letters=[mailbox_services.LetterInput(text="路灯坏了", sender_name="张大山", sender_contact="13812345678")],
        acting_user=liaison_a,
    )
    letter = opening.letters.get()
    for url in (reverse("admin:mailbox_letter_changelist"), reverse("admin:mailbox_letter_change", args=[letter.pk])):
        page = office.get(url).content.decode()
        assert "张**" in page and "张大山" not in page and "13812345678" not in page
    liaison_a.phone = "13700001234"
    liaison_a.save()
    # Accounts are the system administrator's (三员分立): office staff cannot open them at all.
    assert office.get(reverse("admin:liaison_user_changelist")).status_code == 403
    office.force_login(UserFactory(username="sysadmin", role=Role.SYSTEM_ADMIN, is_staff=True))
    for url in (reverse("admin:liaison_user_changelist"), reverse("admin:liaison_user_change", args=[liaison_a.pk])):
        page = office.get(url).content.decode()
        assert "13700001234" not in page
    assert "137****1234" in page  # the account's page shows the phone masked


def test_a_past_version_in_the_admin_counts_as_a_whole_view(office, person):
    version = person.history.first()
    url = reverse("admin:constituents_constituent_simple_history", args=[person.pk, version.history_id])
    assert office.get(url).status_code == 200
    assert AccessLog.objects.filter(object_id=str(person.pk)).count() == 1
