"""Walk every page a person can reach, in Debian's chromium through Playwright.

Shared by the phone-layout test, the accessibility test and `python -m
liaison.tests.screens` (screenshots for a person to look at). Pages come from
the navigation, a fixed list, and the first link of each kind on every page
reached that way (so list pages give their first detail page, and detail pages
their step forms); a "kind" is the path with its numbers taken out, so each
template is visited once per role rather than once per row.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
PHONE = {"width": 360, "height": 740}
DEMO_TRACKING_CODE = "HZ26-DEMQ-XJ7K"
PHONE_LARGE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}

# Pages every role starts from besides its navigation: the home page and what
# the navigation does not list (forms reached from buttons are found by the walk).
FIXED_PAGES = {
    "anonymous": ["/accounts/login/", "/mailbox/public/", "/mailbox/public/?q=社区", "/mailbox/public/track/",
                  "/reports/public/"],
    "signed_in": ["/", "/notifications/"],
}
# Not pages of this app's own: Django's admin, files, PDFs, downloads (exports, attachments), the logout.
SKIP = re.compile(r"^/(admin/|media/|static/|accounts/logout/|reports/pdf/)|/photos/\d+/|/export/|/download/"
                  r"|/attachments/\d+/|\.(pdf|xlsx|csv|png|jpe?g)$")
# A list's "导出 Excel" link is the same page with ?export=xlsx: a download, not a page.
SKIP_QUERY = re.compile(r"(^|&)export=")
# Text that only shows up when a template printed a missing or raw value.
LEAKS = re.compile(r"(?<![A-Za-z])(None|nan|NaN)(?![A-Za-z])|\[\]|\{\{|\{%")

# Reads what a person can see: no horizontal scrolling, visible text, links.
PAGE_FACTS = """(width) => {
  const main = document.querySelector('main') || document.body;
  const links = Array.from(document.querySelectorAll('nav a[href], main a[href]'))
    .map(a => a.getAttribute('href'));
  const wide = Array.from(document.querySelectorAll('body *')).filter(el => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.right > width + 1 && getComputedStyle(el).position !== 'fixed'
      && !el.closest('.table-responsive, .overflow-auto, .visually-hidden');
  }).slice(0, 3).map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : ''));
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    text: document.body.innerText,
    links: links,
    wide: wide,
    h1: (main.querySelector('h1') || {}).innerText || '',
  };
}"""


@dataclass
class Visit:
    role: str
    path: str
    status: int
    facts: dict = field(default_factory=dict)
    console: list[str] = field(default_factory=list)


def route_kind(path: str) -> str:
    """`/mailbox/letters/17/reply/` and `/mailbox/letters/18/reply/` are one kind of page."""
    parts = urlsplit(path)
    return re.sub(r"\d+", "N", parts.path) + ("?q" if "q=" in parts.query else "")


def local_path(href: str | None, base_url: str) -> str | None:
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
        return None
    if href.startswith(base_url):
        href = href[len(base_url):]
    if not href.startswith("/") or href.startswith("//"):
        return None
    href = href.split("#")[0]
    parts = urlsplit(href)
    if SKIP.search(parts.path) or SKIP_QUERY.search(parts.query):
        return None
    return href


@contextmanager
def browser_session(playwright) -> Iterator:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


# The house Content-Security-Policy (see the common brief): pages are checked
# under it whether or not the app sends it, so an inline script or an on*=
# attribute shows up as a console error.
CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:"


def _with_csp(route):
    if route.request.resource_type != "document":
        route.continue_()
        return
    response = route.fetch()
    headers = {name: value for name, value in response.headers.items() if name.lower() != "content-security-policy"}
    route.fulfill(response=response, headers={**headers, "content-security-policy": CSP})


def new_context(browser, base_url: str, session_cookie: tuple[str, str] | None, viewport=PHONE, *, csp=True,
                **options):
    phone = viewport["width"] < 768
    context = browser.new_context(viewport=viewport, device_scale_factor=2 if phone else 1, is_mobile=phone,
                                  has_touch=phone, locale="zh-CN", timezone_id="Asia/Shanghai", **options)
    if csp:
        context.route("**/*", _with_csp)
    if session_cookie is not None:
        name, value = session_cookie
        context.add_cookies([{"name": name, "value": value, "url": base_url}])
    return context


# The public pages are the same for everybody: the anonymous visitor covers them.
PUBLIC = re.compile(r"^/(mailbox|reports)/public/")


def walk(context, base_url: str, role: str, *, start: list[str], check: Callable | None = None,
         limit: int = 80) -> list[Visit]:
    """Visit the start pages and, once per kind, every link found on them (two steps deep)."""
    page = context.new_page()
    console: list[str] = []
    # Chromium's own request for /favicon.ico is not the page's (the favicon is
    # added apart, issue 10 §7); every other failed resource is reported with its address.
    page.on("console", lambda message: console.append(message.text)
            if message.type == "error" and not message.text.startswith("Failed to load resource") else None)
    page.on("pageerror", lambda error: console.append(str(error)))
    page.on("response", lambda response: console.append(f"{response.status} {response.url}")
            if response.status >= 400 and response.request.resource_type != "document"
            and not response.url.endswith("/favicon.ico") else None)
    seen_kinds: set[str] = set()
    queue: list[tuple[str, int]] = [(path, 0) for path in start]
    visits: list[Visit] = []
    while queue and len(visits) < limit:
        path, depth = queue.pop(0)
        kind = route_kind(path)
        if kind in seen_kinds or (not role.startswith("anonymous") and PUBLIC.match(path)):
            continue
        seen_kinds.add(kind)
        console.clear()
        response = page.goto(base_url + path, wait_until="load")
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        facts = page.evaluate(PAGE_FACTS, page.viewport_size["width"])
        # A phone browser widens its layout to fit a too-wide page, so the
        # yardstick is the width the page was given, not innerWidth.
        facts["innerWidth"] = page.viewport_size["width"]
        visit = Visit(role=role, path=path, status=response.status, facts=facts, console=list(console))
        if check is not None:
            check(page, visit)
        visits.append(visit)
        if depth < 2:
            for href in facts["links"]:
                found = local_path(href, base_url)
                if found and route_kind(found) not in seen_kinds:
                    queue.append((found, depth + 1))
    if role.startswith("anonymous"):
        visits.append(_tracking_result(page, base_url, role, console, check))
    page.close()
    return visits


def _tracking_result(page, base_url: str, role: str, console: list[str], check: Callable | None) -> Visit:
    """The page a voter sees after typing the demo letter's tracking code (a POST, so no link leads there)."""
    console.clear()
    page.goto(base_url + "/mailbox/public/track/")
    page.get_by_label("查询码").fill(DEMO_TRACKING_CODE)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="查询").click()
    facts = page.evaluate(PAGE_FACTS, page.viewport_size["width"])
    facts["innerWidth"] = page.viewport_size["width"]
    visit = Visit(role=role, path="/mailbox/public/track/（查询结果）", status=navigation.value.status,
                  facts=facts, console=list(console))
    if check is not None:
        check(page, visit)
    return visit


def layout_problems(visit: Visit) -> list[str]:
    """What a person on a phone would notice: sideways scrolling, leaked values, script errors."""
    problems = []
    facts = visit.facts
    if visit.status >= 500:
        problems.append(f"HTTP {visit.status}")
    if facts["scrollWidth"] > facts["innerWidth"]:
        problems.append(f"页面宽 {facts['scrollWidth']}px > {facts['innerWidth']}px：{facts['wide']}")
    for match in LEAKS.finditer(facts["text"]):
        start = max(match.start() - 20, 0)
        problems.append(f"显示了 {match.group(0)!r}：…{facts['text'][start:match.end() + 20]!r}…")
    problems += [f"控制台错误：{message}" for message in visit.console]
    return [f"[{visit.role}] {visit.path} {problem}" for problem in problems]


AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
               "resultTypes": ["violations"]}


def axe_problems(page, visit: Visit) -> list[str]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=AXE_OPTIONS)
    problems = []
    for violation in results.response["violations"]:
        if violation["impact"] not in ("serious", "critical"):
            continue
        targets = ", ".join(str(node["target"][0]) for node in violation["nodes"][:3])
        problems.append(f"[{visit.role}] {visit.path} axe {violation['id']}（{violation['impact']}）：{targets}")
    return problems
