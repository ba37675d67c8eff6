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


def test_unread_count_follows_notices_inserted_by_set_based_sql(client_of, deputy_a):
    """The daily digests insert notices with SQL, not through notify(); the count in the
    navigation bar (kept in the cache) still shows them on the next page."""
    from django.db import connection

    from liaison.notifications import queue_notification_emails

    notify(deputy_a.user, title="述职安排已确定")
    client = client_of(deputy_a.user)
    assert 'data-testid="unread">1<' in client.get(reverse("home")).content.decode()
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO liaison_notification (recipient_id, title, body, url, created_at) "
                       "VALUES (%s, '您有 3 件诉求待处理', '', '', CURRENT_TIMESTAMP)", [deputy_a.user_id])
    queue_notification_emails()
    assert 'data-testid="unread">2<' in client.get(reverse("home")).content.decode()
    notify(deputy_a.user, title="请于本周开启信箱")
    assert 'data-testid="unread">3<' in client.get(reverse("home")).content.decode()


def test_a_page_does_not_count_notices_again(client_of, deputy_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    notify(deputy_a.user, title="述职安排已确定")
    client = client_of(deputy_a.user)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("home")).content.decode()
    assert 'data-testid="unread">1<' in page
    assert not [q for q in queries.captured_queries if "liaison_notification" in q["sql"]]
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]


def test_without_a_shared_cache_every_page_counts_again(client_of, deputy_a, settings):
    """With a per-process cache (no Redis) another process's notice must not be missed."""
    from liaison.notifications import unread_count

    settings.LIAISON_SHARED_CACHE = False
    notify(deputy_a.user, title="述职安排已确定")
    assert unread_count(deputy_a.user) == 1
    Notification.objects.create(recipient=deputy_a.user, title="另一进程写入的通知")  # no forgetting
    assert unread_count(deputy_a.user) == 2
