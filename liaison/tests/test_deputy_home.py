"""The deputy's home panels are kept rendered (liaison.home): the page must still show what is
true after any change, and its forms must carry the visitor's own CSRF token."""

from __future__ import annotations

import re
import uuid

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from constituents.tests.factories import ProblemFactory
from reports.models import WrittenReport
from reports.tests.factories import RotationPlanFactory


def open_count(page: str) -> str:
    return re.search(r'<div class="stat-number">(\d+)</div><div class="small text-body">未办结诉求', page).group(1)


def test_a_new_problem_shows_on_the_deputy_home_at_once(client_of, deputy_a, community_a):
    client = client_of(deputy_a.user)
    first = client.get(reverse("home")).content.decode()
    assert open_count(first) == "0" and "以下数据更新于" in first
    assert open_count(client.get(reverse("home")).content.decode()) == "0"  # the kept panels
    ProblemFactory(deputy=deputy_a)
    assert open_count(client.get(reverse("home")).content.decode()) == "1"


def test_the_kept_panels_carry_each_visitors_csrf_token(deputy_a, term, group_a):
    RotationPlanFactory(term=term, group=group_a, year=timezone.localdate().year)
    phone, desk = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    phone.force_login(deputy_a.user)
    desk.force_login(deputy_a.user)  # two sessions, two CSRF tokens
    phone.get(reverse("home"))  # draws the panels
    page = desk.get(reverse("home")).content.decode()  # the kept panels, with the desk's token
    assert "撰写书面履职情况报告" in page and "csrf-token-of-the-visitor" not in page
    form = page[page.index(reverse("reports:written_start")):]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = desk.post(reverse("reports:written_start"),
                         {"year": timezone.localdate().year, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert WrittenReport.objects.filter(deputy=deputy_a).count() == 1
    assert "我的书面报告（草稿）" in phone.get(reverse("home")).content.decode()


def test_deputy_home_queries_do_not_grow(client_of, deputy_a, community_a, django_assert_max_num_queries):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from liaison.home import GENERATION_KEY

    client = client_of(deputy_a.user)

    def drawn() -> int:  # the panels drawn anew (a new generation); session and unread count kept
        cache.set(GENERATION_KEY, uuid.uuid4().hex, None)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("home")).status_code == 200
        return len(queries)

    client.get(reverse("home"))
    before = drawn()
    ProblemFactory.create_batch(5, deputy=deputy_a)
    client.get(reverse("home"))
    assert drawn() == before <= 25
    # Kept: the account, the deputy record, colleagues and communities.
    with django_assert_max_num_queries(4):
        client.get(reverse("home"))
