"""Hostile input (issue 9 §5): malformed ids, years, pages and query parameters
never make a server error, for any persona; hostile form data neither.

This file lives in reports/ because reports is the one app allowed to import
every other app: the sweep walks every route of the project.

Counted per run: the route sweep sends every route 3 hostile ids as 3
personas and every list page 25 hostile query strings (all parameters at
once) as staff; the property tests draw 150 random query strings and 60
random online letters. See HOSTILE_VALUES / PARAMETERS below.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from constituents.tests.casework import drive, register
from constituents.tests.factories import ConstituentFactory, ContactActivityFactory
from mailbox import services as mailbox_services
from mailbox.tests.factories import MailboxFactory

# Values a fuzzer (or a careless link) puts where a number, a date or a choice belongs.
HOSTILE_VALUES = [
    "abc", "-1", "0", "99999", "13", "9", "1e9", "2026-13-45", "garbage", " ", "%", "'; DROP TABLE x;--",
    "9" * 30, "-9" * 10, "1.5", "0x1F", "２０２６", "null", "[]", "2026W99", "2026-Q5", "<script>", "\u0000",
    "term", "1" * 19,
]
# Query parameters the pages read (grep request.GET and the filters).
PARAMETERS = [
    "year", "page", "month", "quarter", "q", "week", "date", "group", "constituency", "community", "deputy",
    "state", "status", "stage", "view", "category", "by", "kind", "download", "channel", "office", "source",
    "is_livelihood", "ask_type", "form", "organizer", "name", "code",
]
HOSTILE_IDS = ["0", "99999999", "9" * 25]
SERVER_ERROR = 500


def _routes() -> list[str]:
    """Every route outside the admin, as its pattern text."""
    found = []

    def walk(resolver, prefix=""):
        for entry in resolver.url_patterns:
            if str(entry.pattern) == "health/":
                continue  # a 500 there means "a service is down": liaison/tests/test_health.py
            if isinstance(entry, URLResolver):
                if not str(entry.pattern).startswith("admin/"):
                    walk(entry, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                found.append(prefix + str(entry.pattern))

    walk(get_resolver())
    return found


def _fill(route: str, value: str) -> str:
    path = re.sub(r"<slug:[a-z_]+>", "x", route)
    return "/" + re.sub(r"<[a-z]+:[a-z_]+>", value, path)


@pytest.fixture
def world(staff_user, committee_user, liaison_a, deputy_a, deputy_b, community_a, constituency_a):
    """A little of everything, so pages have rows to draw."""
    cache.clear()  # the public pages' rate limits
    constituent = ConstituentFactory(community=community_a)
    register(deputy_a, staff_user, constituents=[constituent])
    drive(register(deputy_a, staff_user), "fed_back", staff_user)
    ContactActivityFactory(group=deputy_a.group, constituency=constituency_a, recorded_by=staff_user)
    box = MailboxFactory(constituency=constituency_a, kept_by=deputy_a, community=community_a)
    mailbox_services.opening_record(
        mailbox=box, opened_at=dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC), opened_by="王联络", letter_count=1,
        letters=[mailbox_services.LetterInput(text="路灯坏了", sender_name="张三")], acting_user=liaison_a,
    )
    return {
        "staff": staff_user, "constituency": constituency_a,
        "personas": [None, staff_user, committee_user, liaison_a, deputy_a.user, deputy_b.user],
    }


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize(("path", "params"), [
    ("/constituents/activities/stats/", {"year": "abc"}),
    ("/constituents/activities/stats/", {"year": "99999"}),
    ("/constituents/activities/stats/", {"group": "9" * 30}),
    ("/constituents/departments/", {"year": "-1"}),
    ("/constituents/departments/", {"year": "0"}),
    ("/constituents/problems/common/", {"year": "99999"}),
    ("/mailbox/", {"group": "9" * 30}),
    ("/mailbox/letters/", {"group": "9" * 30}),
    ("/reports/archive/", {"group": "abc"}),
    ("/reports/groups/{group}/briefing/", {"year": "abc"}),
])
def test_a_malformed_year_or_id_is_a_bad_request(world, deputy_a, path, params):
    response = _client(world["staff"]).get(path.format(group=deputy_a.group_id), params)
    assert response.status_code == 400


def test_a_huge_id_in_a_filter_is_ignored_not_a_server_error(world):
    response = _client(world["staff"]).get("/constituents/problems/", {"constituency": "9" * 30})
    assert response.status_code == 200


def test_every_route_survives_hostile_ids_and_query_strings(world):
    failures, tried = [], 0
    staff, deputy_b = world["personas"][1], world["personas"][5]
    every_query = [dict.fromkeys(PARAMETERS, value) for value in HOSTILE_VALUES]
    for user in (None, staff, deputy_b):
        client = _client(user)
        for route in _routes():
            if "<" in route:
                requests = [(_fill(route, ident), {}) for ident in HOSTILE_IDS]
            elif user is staff:
                requests = [(_fill(route, ""), query) for query in every_query]
            else:
                requests = [(_fill(route, ""), every_query[0])]
            for path, query in requests:
                tried += 1
                if client.get(path, query).status_code >= SERVER_ERROR:
                    failures.append(f"{getattr(user, 'username', 'anonymous')} GET {path} {str(query)[:60]}")
    assert tried > 500
    assert not failures, f"{len(failures)} of {tried} requests failed:\n" + "\n".join(failures[:40])


LIST_PAGES = [
    "/", "/constituents/", "/constituents/activities/", "/constituents/activities/stats/", "/constituents/problems/",
    "/constituents/problems/common/", "/constituents/suggestions/", "/constituents/departments/", "/deputies/",
    "/deputies/groups/", "/mailbox/", "/mailbox/weeks/", "/mailbox/letters/", "/mailbox/summaries/",
    "/mailbox/issues/", "/mailbox/public/", "/reports/plans/", "/reports/meetings/", "/reports/written/",
    "/reports/written/missing/", "/reports/archive/", "/reports/evaluation/", "/reports/spot-checks/",
    "/reports/public/", "/reports/rectifications/", "/notifications/", "/search/",
]
hostile_text = st.one_of(st.sampled_from(HOSTILE_VALUES), st.text(max_size=30), st.integers().map(str))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(persona=st.integers(0, 5), path=st.sampled_from(LIST_PAGES),
       query=st.dictionaries(st.sampled_from(PARAMETERS), hostile_text, max_size=5))
def test_random_query_strings_never_make_a_server_error(world, persona, path, query):
    query = {name: value.replace("\x00", "") for name, value in query.items()}
    response = _client(world["personas"][persona]).get(path, query)
    assert response.status_code < SERVER_ERROR, (path, query)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(text=st.one_of(st.text(max_size=60), st.text(min_size=4000, max_size=6000)),
       name=hostile_text, phone=hostile_text, category=hostile_text, deputy=hostile_text)
def test_random_online_letters_never_make_a_server_error(world, text, name, phone, category, deputy):
    cache.clear()
    response = _client(None).post(f"/mailbox/public/write/{world['constituency'].pk}/", {
        "text": text, "sender_name": name, "sender_phone": phone, "category": category, "deputy": deputy,
    })
    assert response.status_code in (200, 302, 400, 429)
