from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from deputies.tests.factories import CommunityFactory, DeputyFactory
from mailbox.models import Mailbox, Opening
from mailbox.tests.factories import MailboxFactory, OpeningFactory

NO_LETTERS = {"letters-TOTAL_FORMS": "1", "letters-INITIAL_FORMS": "0", "letters-0-category": "other"}


@pytest.fixture
def box_a(constituency_a, deputy_a, community_a):
    return MailboxFactory(constituency=constituency_a, kept_by=deputy_a, name="幸福里信箱", community=community_a)


@pytest.fixture
def box_b(constituency_b, deputy_b):
    return MailboxFactory(constituency=constituency_b, kept_by=deputy_b, name="光明信箱")


def test_deputy_of_another_group_gets_404(client_of, deputy_b, box_a):
    client = client_of(deputy_b.user)
    assert client.get(reverse("mailbox:mailbox_detail", args=[box_a.pk])).status_code == 404
    assert client.get(reverse("mailbox:opening_create", args=[box_a.pk])).status_code == 404
    opening = OpeningFactory(mailbox=box_a)
    assert client.get(reverse("mailbox:opening_detail", args=[opening.pk])).status_code == 404
    listing = client.get(reverse("mailbox:mailbox_list"))
    assert "幸福里信箱" not in listing.content.decode()


def test_committee_reads_but_cannot_record_an_opening(client_of, committee_user, box_a):
    client = client_of(committee_user)
    assert client.get(reverse("mailbox:mailbox_detail", args=[box_a.pk])).status_code == 200
    response = client.post(reverse("mailbox:opening_create", args=[box_a.pk]), {
        "opened_at": "2026-11-20T09:30", "opened_by": "常委", "letter_count": 0,
    })
    assert response.status_code == 403
    assert not Opening.objects.exists()


def test_liaison_records_an_opening_with_zero_letters(client_of, liaison_a, box_a):
    client = client_of(liaison_a)
    response = client.post(reverse("mailbox:opening_create", args=[box_a.pk]), {
        "opened_at": "2026-11-20T09:30", "opened_by": "王联络", "witness": "", "letter_count": 0, **NO_LETTERS,
    })
    opening = Opening.objects.get()
    assert response.status_code == 302 and response.url == opening.get_absolute_url()
    assert opening.recorded_by == liaison_a and opening.letter_count == 0


def test_future_opening_shows_a_chinese_error_and_keeps_the_input(client_of, liaison_a, box_a):
    future = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client_of(liaison_a).post(reverse("mailbox:opening_create", args=[box_a.pk]), {
        "opened_at": future, "opened_by": "王联络", "witness": "李见证", "letter_count": 3, **NO_LETTERS,
    })
    page = response.content.decode()
    assert response.status_code == 200
    assert "开启时间不能晚于现在" in page and "李见证" in page
    assert not Opening.objects.exists()


def test_the_keeping_deputy_may_record_but_another_deputy_of_the_group_may_not(client_of, box_a, constituency_a):
    from liaison.tests.factories import UserFactory

    colleague = DeputyFactory(constituency=constituency_a, user=UserFactory(username="colleague"))
    assert client_of(colleague.user).get(reverse("mailbox:opening_create", args=[box_a.pk])).status_code == 403
    keeper = box_a.keeper_deputy.user
    assert client_of(keeper).get(reverse("mailbox:opening_create", args=[box_a.pk])).status_code == 200


def test_liaison_sets_up_an_entrusted_box(client_of, liaison_a, constituency_a):
    response = client_of(liaison_a).post(reverse("mailbox:mailbox_create", args=[constituency_a.pk]), {
        "name": "新信箱", "location": "社区服务中心", "set_up_on": "2026-11-01", "keeping": "entrusted",
        "entrusted_to": liaison_a.pk, "entrusted_reason": "", "entrusted_on": "2026-11-01",
    })
    assert response.status_code == 200
    assert "请写明委托原因" in response.content.decode()
    assert not Mailbox.objects.exists()


def test_deputy_cannot_set_up_boxes(client_of, deputy_a, constituency_a):
    assert client_of(deputy_a.user).get(
        reverse("mailbox:mailbox_create", args=[constituency_a.pk])).status_code == 403


def test_group_page_shows_which_boxes_are_opened_this_week(client_of, liaison_a, group_a, box_a, constituency_a):
    other = MailboxFactory(constituency=constituency_a, entrusted_to=liaison_a, name="和平信箱")
    OpeningFactory(mailbox=other, opened_at=timezone.now() - dt.timedelta(minutes=1))
    page = client_of(liaison_a).get(reverse("deputies:group_detail", args=[group_a.pk])).content.decode()
    assert "已开启 1 / 2" in page
    assert "幸福里信箱" in page and "和平信箱" in page


def test_week_overview_for_the_district(client_of, staff_user, box_a, box_b):
    OpeningFactory(mailbox=box_b, opened_at=timezone.now() - dt.timedelta(minutes=1))
    page = client_of(staff_user).get(reverse("mailbox:week_overview")).content.decode()
    assert "全区应开启 2 个，已开启 1 个" in page
    assert "幸福里信箱" in page  # unopened is named


def test_lists_are_flat(client_of, staff_user, liaison_a, box_a, constituency_a, group_a, assert_flat_queries):
    def grow():
        for _ in range(5):
            box = MailboxFactory(constituency=constituency_a, entrusted_to=liaison_a)
            OpeningFactory(mailbox=box)
    OpeningFactory(mailbox=box_a, opened_at=timezone.now() - dt.timedelta(days=1))
    client = client_of(staff_user)
    assert_flat_queries(client, reverse("mailbox:mailbox_list"), grow=grow)
    assert_flat_queries(client, reverse("mailbox:week_overview"), grow=grow)
    assert_flat_queries(client, reverse("mailbox:mailbox_detail", args=[box_a.pk]),
                        grow=lambda: [OpeningFactory(mailbox=box_a, opened_at=timezone.now() - dt.timedelta(hours=h))
                                      for h in range(1, 6)])
    assert_flat_queries(client, reverse("deputies:group_detail", args=[group_a.pk]), grow=grow)
    assert_flat_queries(client, reverse("home"), grow=grow)
    client = client_of(liaison_a)
    assert_flat_queries(client, reverse("home"), grow=grow)
    keeper = box_a.keeper_deputy
    client = client_of(keeper.user)
    assert_flat_queries(client, reverse("home"), grow=lambda: [MailboxFactory(constituency=constituency_a, kept_by=keeper)
                                                               for _ in range(3)])
    assert_flat_queries(client, reverse("deputies:deputy_detail", args=[keeper.pk]), grow=grow)


def test_public_find_needs_no_login_and_shows_no_personal_data(client, box_a, deputy_a, community_a):
    deputy_a.phone = "13912345678"
    deputy_a.save()
    response = client.get(reverse("mailbox:public_find"), {"q": "幸福里"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "张建国" in page and "幸福里信箱" in page
    assert "13912345678" not in page


def test_public_find_is_flat(client, box_a, constituency_a, assert_flat_queries):
    def grow():
        for _ in range(4):
            community = CommunityFactory(constituency=constituency_a, name=f"幸福里{CommunityFactory._meta.model.objects.count()}")
            MailboxFactory(constituency=constituency_a, community=community)
            DeputyFactory(constituency=constituency_a)
    assert_flat_queries(client, reverse("mailbox:public_find"), grow=grow, params={"q": "幸福里"})
