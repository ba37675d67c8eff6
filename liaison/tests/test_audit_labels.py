"""Every audited action a service writes has a Chinese name for the history tables."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

from liaison.audit import ACTION_LABELS, action_label

APPS = ["liaison", "deputies", "constituents", "mailbox", "reports"]
ACTION = re.compile(r'''(?:action|audit_action)\s*=\s*"([a-z_]+\.[a-z_]+\.[a-z_]+)"''')


def test_every_action_in_the_code_has_a_label():
    found = set()
    for app in APPS:
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
            if "tests" in path.parts:
                continue
            found |= set(ACTION.findall(path.read_text(encoding="utf-8")))
    assert found, "no audited actions found: the pattern is wrong"
    assert found - set(ACTION_LABELS) == set()


def test_history_table_shows_the_chinese_name(client_of, staff_user, deputy_a):
    import datetime as dt

    from django.urls import reverse

    from deputies.services import deputy_leave

    deputy_leave(deputy=deputy_a, status="resigned", left_on=dt.date(2026, 3, 1), acting_user=staff_user)
    page = client_of(staff_user).get(reverse("deputies:deputy_detail", args=[deputy_a.pk])).content.decode()
    assert "代表离任" in page and "deputies.deputy.left" not in page
    assert action_label("unknown.thing.done") == "其他操作"
