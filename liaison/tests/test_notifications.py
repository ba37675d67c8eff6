from __future__ import annotations

from django.core import mail
from django.urls import reverse

from liaison.models import Notification
from liaison.notifications import notify


def test_same_reminder_is_sent_once(deputy_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(deputy_a.user, title="信箱未开启", dedupe_key="mailbox.unopened:1:2026-W47")
    with django_capture_on_commit_callbacks(execute=True):
        second = notify(deputy_a.user, title="信箱未开启", dedupe_key="mailbox.unopened:1:2026-W47")
    assert (first, second) == (1, 0)
    assert Notification.objects.filter(recipient=deputy_a.user).count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [deputy_a.user.email]


def test_unread_count_in_navigation_and_mark_read(client_of, deputy_a):
    notify(deputy_a.user, title="请于本周开启信箱", body="第1选区信箱")
    notify(deputy_a.user, title="述职安排已确定")
    client = client_of(deputy_a.user)
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="unread">2<' in page
    inbox = client.get(reverse("notifications")).content.decode()
    assert "请于本周开启信箱" in inbox and "述职安排已确定" in inbox
    client.post(reverse("notifications_mark_read"))
    assert 'data-testid="unread"' not in client.get(reverse("home")).content.decode()


def test_notifications_are_private(client_of, deputy_a, deputy_b):
    notify(deputy_a.user, title="只给张代表")
    assert "只给张代表" not in client_of(deputy_b.user).get(reverse("notifications")).content.decode()


def test_inbox_query_count_flat(client_of, deputy_a, django_assert_max_num_queries):
    client = client_of(deputy_a.user)
    for index in range(40):
        notify(deputy_a.user, title=f"提醒{index}")
    with django_assert_max_num_queries(6):
        assert client.get(reverse("notifications")).status_code == 200
