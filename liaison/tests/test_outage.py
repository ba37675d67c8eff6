"""Redis stopped: the public form, tracking, letter registration and every page still
work; rate limits hold per process; tasks wait in the outbox and go when Redis is back."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from liaison.models import Notification, OutboxMessage
from liaison.notifications import notify
from liaison.outbox import publish_pending
from liaison.tests.outage import redis_down, run_worker  # noqa: F401 - fixture
from mailbox.models import Letter
from mailbox.tests.factories import MailboxFactory

TEXT = "我们小区门口的路灯已经坏了三个月，晚上出行很不方便，希望尽快修好。"


def submit_letter(client, constituency, deputy, ip="203.0.113.7"):
    return client.post(
        reverse("mailbox:public_write", args=[constituency.pk]),
        {"text": TEXT, "category": "urban_construction", "sender_name": "孙小梅", "sender_phone": "13912345678",
         "website": "", "deputy": deputy.pk},
        REMOTE_ADDR=ip,
    )


def test_the_public_letter_form_and_tracking_work_with_redis_down(
    redis_down, client, constituency_a, deputy_a, django_capture_on_commit_callbacks,  # noqa: F811
):
    assert client.get(reverse("mailbox:public_find")).status_code == 200
    assert client.get(reverse("mailbox:public_write", args=[constituency_a.pk])).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = submit_letter(client, constituency_a, deputy_a)
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    code = re.search(r'data-testid="tracking-code">([A-Z0-9-]+)<', page).group(1)
    status = client.post(reverse("mailbox:public_track"), {"code": code}, REMOTE_ADDR="203.0.113.7")
    assert status.status_code == 200 and "孙小梅" not in status.content.decode()
    assert Letter.objects.count() == 1


def test_the_rate_limit_holds_locally_while_redis_is_down(
    redis_down, client, constituency_a, deputy_a, settings,  # noqa: F811
):
    settings.MAILBOX = {"ONLINE_LETTER_RATE": "3/h"}
    codes = [submit_letter(client, constituency_a, deputy_a).status_code for _ in range(4)]
    # Neither open to a flood nor closed to every voter: counted in this process's memory.
    assert codes == [302, 302, 302, 429]
    assert Letter.objects.count() == 3
    # Another address has its own budget.
    assert submit_letter(client, constituency_a, deputy_a, ip="198.51.100.4").status_code == 302


def test_staff_register_letters_with_redis_down(
    redis_down, client_of, liaison_a, deputy_a, constituency_a, community_a,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    box = MailboxFactory(constituency=constituency_a, kept_by=deputy_a, community=community_a)
    data = {"opened_at": "2026-11-20T09:30", "opened_by": "王联络", "witness": "社区主任", "letter_count": "1",
            "letters-TOTAL_FORMS": "1", "letters-INITIAL_FORMS": "0",
            "letters-0-category": "other", "letters-0-text": "小区路灯坏了"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(liaison_a).post(reverse("mailbox:opening_create", args=[box.pk]), data)
    assert response.status_code == 302
    assert Letter.objects.filter(problem__text="小区路灯坏了").count() == 1


def test_every_page_in_the_navigation_works_with_redis_down(redis_down, client_of, staff_user,  # noqa: F811
                                                            group_a, deputy_a):
    client = client_of(staff_user)
    home = client.get(reverse("home"))
    assert home.status_code == 200
    links = set(re.findall(r'href="(/[^"#?]*)', home.content.decode()))
    links = {link for link in links if not link.startswith(("/static/", "/media/", "/admin/", "/accounts/logout"))}
    assert len(links) > 10
    broken = {link: client.get(link).status_code for link in sorted(links)}
    assert {link: code for link, code in broken.items() if code >= 500} == {}
    client.logout()
    for public in (reverse("login"), reverse("mailbox:public_find"), reverse("mailbox:public_track"),
                   reverse("reports:public_list")):
        assert client.get(public).status_code == 200, public
    staff_user.set_password("Liaison@Reliable2026")
    staff_user.save()
    assert client.post(reverse("login"), {"username": "staff", "password": "Liaison@Reliable2026"}).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_emails_queued_during_the_outage_are_sent_when_redis_returns(redis_down, deputy_a):  # noqa: F811
    deputy_a.user.email = "zhang@example.org"
    deputy_a.user.save()
    with transaction.atomic():  # a service's write and its notice, committed while Redis is down
        notify(deputy_a.user, title="新的整改事项", dedupe_key="outage-test")
    notice = Notification.objects.get(recipient=deputy_a.user)
    assert notice.emailed_at is None and mail.outbox == []
    assert OutboxMessage.objects.filter(published_at__isnull=True).count() == 1

    redis_down()  # Redis is back: the relay (beat, every minute) publishes, a real worker sends.
    assert publish_pending() == 1
    assert run_worker(lambda: Notification.objects.filter(pk=notice.pk, emailed_at__isnull=False).exists())
    assert [message.to for message in mail.outbox] == [["zhang@example.org"]]
    assert not OutboxMessage.objects.filter(published_at__isnull=True).exists()


def test_a_session_ended_elsewhere_during_the_outage_ends_here_too(redis_down, client_of, staff_user):  # noqa: F811
    """Another process ends the session (deputy left office, 退出 on another server): this process must
    not keep serving it from its own memory while Redis is down."""
    from django.contrib.sessions.models import Session

    client = client_of(staff_user)
    assert client.get(reverse("home")).status_code == 200
    Session.objects.all().delete()  # what SessionStore.delete() does in the other process, seen from here
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
