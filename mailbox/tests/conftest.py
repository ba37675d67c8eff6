from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache

from mailbox import services
from mailbox.tests.factories import MailboxFactory
from mailbox.weeks import SHANGHAI


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate-limit counters live in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def box(constituency_a, deputy_a, community_a):
    return MailboxFactory(constituency=constituency_a, kept_by=deputy_a, name="幸福里信箱", community=community_a)


@pytest.fixture
def open_box(box, liaison_a):
    """Register an opening with letters: `open_box(when, ["text", ...])` → the opening."""

    def make(when: dt.datetime | None = None, texts=("小区路灯坏了三个月没人修",), **extra):
        when = when or dt.datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI)
        letters = [services.LetterInput(text=text, **extra) for text in texts]
        return services.opening_record(
            mailbox=box, opened_at=when, opened_by="王联络", letter_count=len(letters), letters=letters,
            acting_user=liaison_a,
        )

    return make
