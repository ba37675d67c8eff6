"""Every page on a phone, and accessible: the demo district walked in Debian's chromium.

Each demo role (and any department or administrator account the demo has)
plus an anonymous visitor starts from its navigation and a fixed list, and
follows the first link of each kind two steps deep (crawl.py). At 360 px no
page may scroll sideways, show "None", "[]", "nan" or "{{", or log a console
error; axe-core may find no serious or critical WCAG 2.1 A/AA violation.
"""

from __future__ import annotations

import random

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from playwright.sync_api import sync_playwright

from liaison.management.commands.seed_demo import seed_every_app
from liaison.models import Role, User
from liaison.tests import crawl

DEMO_ROLES = ["staff", "committee", "liaison", "deputy", "deputy2", "admin"]
OTHER_ROLES = [Role.DEPARTMENT, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN]


def seed_demo_district() -> None:
    """What `seed_demo` builds, without its DEBUG guard (each app's `demo.seed`, in app order)."""
    context = {"rng": random.Random(2026), "password": "Demo@2026"}
    with transaction.atomic():
        seed_every_app(context)


@pytest.fixture
def demo_site(transactional_db, live_server):
    """The demo district and a signed-in session per role, made before Playwright starts
    (no database work may run inside its event loop)."""
    seed_demo_district()
    users = {name: User.objects.get(username=name) for name in DEMO_ROLES}
    for role in OTHER_ROLES:
        someone = User.objects.filter(role=role, is_active=True).order_by("pk").first()
        if someone is not None:
            users[f"{role}:{someone.username}"] = someone
    sessions: dict[str, tuple[str, str] | None] = {"anonymous": None}
    for name, user in users.items():
        client = Client()
        client.force_login(user)
        sessions[name] = (settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value)
    return live_server.url, sessions


def start_pages(role: str) -> list[str]:
    return crawl.FIXED_PAGES["anonymous" if role == "anonymous" else "signed_in"]


@pytest.mark.browser
def test_every_page_fits_a_phone_and_shows_no_leaked_values(demo_site):
    base_url, sessions = demo_site
    problems: list[str] = []
    covered: dict[str, int] = {}
    with sync_playwright() as playwright, crawl.browser_session(playwright) as browser:
        for role, session in sessions.items():
            context = crawl.new_context(browser, base_url, session, crawl.PHONE)
            visits = crawl.walk(context, base_url, role, start=start_pages(role))
            context.close()
            covered[role] = len(visits)
            problems += [line for visit in visits for line in crawl.layout_problems(visit)]
            if role == "anonymous":  # the demo letter's tracking code finds it
                assert [visit.status for visit in visits if "查询结果" in visit.path] == [200]
        # The public pages also at 390 px, and with the larger text switched on.
        for viewport, large in ((crawl.PHONE_LARGE, False), (crawl.PHONE, True)):
            context = crawl.new_context(browser, base_url, None, viewport)
            if large:
                context.add_init_script("window.localStorage.setItem('liaison-large-text', '1')")
            visits = crawl.walk(context, base_url, f"anonymous@{viewport['width']}{'+大字' if large else ''}",
                                start=start_pages("anonymous"))
            context.close()
            problems += [line for visit in visits for line in crawl.layout_problems(visit)]
    print(f"\n手机版式检查：{sum(covered.values())} 页次（{covered}）")
    assert problems == [], "\n".join(problems)
    assert covered["anonymous"] >= 5 and all(covered[name] >= 25 for name in DEMO_ROLES), covered


@pytest.mark.browser
def test_every_page_has_no_serious_accessibility_violation(demo_site):
    """axe-core on every page each role reaches (the same walk as above)."""
    base_url, sessions = demo_site
    problems: list[str] = []
    checked: dict[str, int] = {}

    def check(page, visit):
        checked[visit.role] = checked.get(visit.role, 0) + 1
        problems.extend(crawl.axe_problems(page, visit))

    with sync_playwright() as playwright, crawl.browser_session(playwright) as browser:
        for number, (role, session) in enumerate(sessions.items()):
            # Every other role at desktop width, so both layouts are checked.
            viewport = crawl.PHONE if number % 2 == 0 else crawl.DESKTOP
            context = crawl.new_context(browser, base_url, session, viewport)
            crawl.walk(context, base_url, role, start=start_pages(role), check=check)
            context.close()
    print(f"\n无障碍检查：{sum(checked.values())} 页次（{checked}）")
    assert problems == [], "\n".join(problems)
    assert checked["anonymous"] >= 5 and all(checked[name] >= 25 for name in DEMO_ROLES), checked
