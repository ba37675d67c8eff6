"""Shared personas (STYLE §10): office staff, a committee member, the liaison of
group A, a deputy of group A, and a deputy of group B who must get 404 on
group A's things."""

from __future__ import annotations

import datetime as dt

import pytest

from deputies.tests.factories import (
    CommunityFactory,
    ConstituencyFactory,
    DeputyFactory,
    DeputyGroupFactory,
    TermFactory,
)
from liaison.models import Role
from liaison.tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: sessions, unread counts and cached figures are
    kept there, and the test database's ids start again at 1 on every run."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def term(db):
    return TermFactory(start_date=dt.date(2024, 1, 1), end_date=dt.date(2028, 12, 31), is_current=True)


@pytest.fixture
def group_a(term):
    return DeputyGroupFactory(name="甲代表组")


@pytest.fixture
def group_b(term):
    return DeputyGroupFactory(name="乙代表组")


@pytest.fixture
def constituency_a(term, group_a):
    return ConstituencyFactory(term=term, group=group_a, name="第1选区")


@pytest.fixture
def constituency_b(term, group_b):
    return ConstituencyFactory(term=term, group=group_b, name="第2选区")


@pytest.fixture
def community_a(constituency_a):
    return CommunityFactory(constituency=constituency_a, name="幸福里社区")


@pytest.fixture
def community_b(constituency_b):
    return CommunityFactory(constituency=constituency_b, name="光明社区")


@pytest.fixture
def staff_user(db):
    return UserFactory(username="staff", role=Role.STAFF)


@pytest.fixture
def committee_user(db):
    return UserFactory(username="committee", role=Role.COMMITTEE)


@pytest.fixture
def liaison_a(group_a):
    user = UserFactory(username="liaison_a", role=Role.LIAISON)
    group_a.liaisons.add(user)
    return user


@pytest.fixture
def deputy_a(term, group_a, constituency_a):
    user = UserFactory(username="deputy_a", role=Role.DEPUTY)
    return DeputyFactory(term=term, group=group_a, constituency=constituency_a, user=user, name="张建国")


@pytest.fixture
def deputy_b(term, group_b, constituency_b):
    user = UserFactory(username="deputy_b", role=Role.DEPUTY)
    return DeputyFactory(term=term, group=group_b, constituency=constituency_b, user=user, name="李秀英")


@pytest.fixture
def client_of(client):
    """Log a user in: `client_of(deputy_a.user).get(...)`."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def assert_flat_queries(django_assert_max_num_queries):
    """A page's query count must not grow with its rows (SPEC §5).

    `assert_flat_queries(client, url, grow=lambda: make_more_rows(), cap=20)`
    requests the page, grows the data, requests again, and asserts the two
    counts are equal and under the cap.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def check(client, url, *, grow, cap: int = 25, params=None):
        from django.core.cache import cache

        client.get(url, params or {})  # warm caches (content types, sessions)
        # Both requests with the cache empty: what a page keeps there (session, unread count,
        # panels) is counted the same in both, however many rows grow() adds or whom it notifies.
        cache.clear()
        with CaptureQueriesContext(connection) as before:
            first = client.get(url, params or {})
        assert first.status_code == 200, first.status_code
        grow()
        cache.clear()
        with django_assert_max_num_queries(cap), CaptureQueriesContext(connection) as after:
            second = client.get(url, params or {})
        assert second.status_code == 200
        assert len(after) == len(before), (
            f"{url}: {len(before)} queries before, {len(after)} after adding rows:\n"
            + "\n".join(q["sql"][:200] for q in after.captured_queries)
        )
        return second

    return check
