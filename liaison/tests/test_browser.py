"""A deputy on a phone: Debian's chromium driven through Playwright against a live server.

Chromium comes from Debian (`make setup` installs the `chromium` package);
Playwright never downloads a browser here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


@pytest.fixture
def phone_page():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                      locale="zh-CN")
        page = context.new_page()
        yield page
        context.close()
        browser.close()


@pytest.mark.browser
def test_deputy_on_a_phone_logs_in_and_reaches_the_deputy_list(transactional_db, live_server, deputy_a, deputy_b,
                                                               phone_page):
    # The rows are made before Playwright starts (`phone_page` comes last), so
    # no database work runs inside its event loop: there Django would refuse
    # it as async-unsafe, and a connection opened there is never closed
    # (PostgreSQL then cannot drop the test database). No need for
    # DJANGO_ALLOW_ASYNC_UNSAFE.
    page = phone_page
    offline = []
    page.on("request", lambda request: offline.append(request.url)
            if not request.url.startswith(live_server.url) else None)

    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="登录代表联络系统")).to_be_visible()
    page.get_by_label("用户名").fill(deputy_a.user.username)
    page.get_by_label("密码").fill("Test@2026")
    page.get_by_role("button", name="登录").click()

    expect(page.get_by_text("张建国 代表，您好")).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "zh-hans"
    # Bootstrap's CSS and JS came from the app itself: the menu is folded on a phone.
    assert page.evaluate("typeof window.bootstrap") == "object"
    menu = page.locator("#mainNav")
    expect(menu).to_be_hidden()
    toggler = page.get_by_role("button", name="展开导航")
    expect(toggler).to_be_visible()

    toggler.click()
    expect(menu).to_have_class("navbar-collapse collapse show")  # the unfolding has finished
    page.get_by_role("button", name="代表名册").click()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "home-menu-phone.png"))
    page.get_by_role("link", name="代表", exact=True).click()

    expect(page.get_by_role("heading", name="本届代表")).to_be_visible()
    expect(page.get_by_role("link", name=deputy_a.name)).to_be_visible()
    expect(page.get_by_text(deputy_b.name)).to_have_count(0)  # group B's deputy is not a colleague
    # Nothing wider than the phone: the table scrolls inside its own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert offline == [], offline

    page.screenshot(path=str(SCREENSHOTS / "deputy-list-phone.png"), full_page=True)
