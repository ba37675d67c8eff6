"""The case the review found: with Redis down a rectification returned 500 after its row
was committed, so the retry duplicated it. Now it is saved once, the page answers, and
its notice is e-mailed when Redis is back."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from liaison.models import Notification, OutboxMessage
from liaison.outbox import publish_pending
from liaison.tests.outage import redis_down, run_worker  # noqa: F401 - fixture
from reports.models import RectificationItem

from .conftest import YEAR


@pytest.mark.django_db(transaction=True)
def test_a_rectification_with_redis_down_is_saved_once_and_its_email_follows(
    redis_down, client_of, held_meeting_a, liaison_a, deputy_a,  # noqa: F811
):
    deputy_a.user.email = "zhang@example.org"
    deputy_a.user.save()
    response = client_of(liaison_a).post(reverse("reports:rectification_add", args=[held_meeting_a.pk]), {
        "issue": "选民反映代表进社区次数偏少", "owner": deputy_a.pk, "due_on": f"{YEAR}-12-31",
    })
    assert response.status_code == 302
    assert RectificationItem.objects.count() == 1
    waiting = Notification.objects.filter(recipient=deputy_a.user, emailed_at__isnull=True)
    assert waiting.filter(title__startswith="新的整改事项").exists()
    count = waiting.count()
    assert OutboxMessage.objects.filter(published_at__isnull=True).exists()

    redis_down()  # Redis is back
    assert publish_pending() >= 1
    assert run_worker(lambda: not Notification.objects.filter(emailed_at__isnull=True,
                                                              recipient=deputy_a.user).exists())
    assert [m.to for m in mail.outbox] == [["zhang@example.org"]] * count
    assert any(m.subject.endswith("新的整改事项：选民反映代表进社区次数偏少") for m in mail.outbox)
    assert RectificationItem.objects.count() == 1
