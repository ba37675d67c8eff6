"""Phone-first forms, the larger-text switch and keyboard use, in Debian's chromium.

The rows are made before Playwright starts (the browser fixture comes last):
no database work may run inside its event loop.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect, sync_playwright

from constituents.tests.factories import ConstituentFactory
from deputies.tests.factories import CommunityFactory, ConstituencyFactory
from liaison.tests import crawl
from mailbox.tests.factories import MailboxFactory


def session_of(user) -> tuple[str, str]:
    client = Client()
    client.force_login(user)
    return settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value


@contextmanager
def chromium():
    with sync_playwright() as playwright, crawl.browser_session(playwright) as launched:
        yield launched


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.mark.browser
def test_visit_form_on_a_phone_grows_on_demand_and_keeps_input_across_constituencies(
        transactional_db, live_server, deputy_a, group_a, term, community_a):
    ConstituentFactory(community=community_a, name="余建华", phone="13900001234")
    ConstituentFactory(community=community_a, name="余秀兰", phone="13900005678")
    other = ConstituencyFactory(term=term, group=group_a, name="第9选区")
    CommunityFactory(constituency=other, name="南湖社区")
    session = session_of(deputy_a.user)
    with chromium() as browser:
        context = crawl.new_context(browser, live_server.url, session, crawl.PHONE)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{live_server.url}/constituents/activities/new/")

        expect(page.locator("textarea[name$='-text']")).to_have_count(1)
        expect(page.locator("input[name^='new-'][name$='-name']")).to_have_count(0)
        page.get_by_label("活动地点").fill("幸福里社区活动室")
        page.get_by_label("活动情况").fill("听取加装电梯的意见")
        page.get_by_label("反映的问题").fill("三号楼想加装电梯")

        page.get_by_role("button", name="再加一个问题").click()
        expect(page.locator("textarea[name$='-text']")).to_have_count(2)
        expect(page.locator("textarea[name='problem-0-text']")).to_have_value("三号楼想加装电梯")
        page.get_by_role("button", name="新增名册中没有的选民").click()
        expect(page.locator("input[name='new-0-name']")).to_have_count(1)

        search = page.get_by_label("按姓名或电话后四位查找")
        picker = page.locator("#constituent-choices")
        search.fill("余")
        expect(picker.get_by_text("尾号1234")).to_be_visible()
        expect(picker.get_by_text("尾号5678")).to_be_visible()
        expect(page.get_by_text("余建华")).to_have_count(0)
        picker.get_by_text("尾号5678").click()
        search.fill("1234")
        expect(picker.get_by_text("尾号1234")).to_be_visible()
        expect(picker.get_by_label("余** · 幸福里社区 · 尾号5678 · 一般选民")).to_be_checked()  # still picked
        search.press("Enter")  # searches; does not submit the visit
        expect(page).to_have_url(f"{live_server.url}/constituents/activities/new/")

        page.get_by_label("活动所在选区").select_option(label=f"第9选区（{group_a.name}）")
        expect(page.get_by_text("按姓名或电话后四位查找（第9选区）")).to_be_visible()
        expect(page.get_by_label("活动地点")).to_have_value("幸福里社区活动室")
        expect(page.get_by_label("活动情况")).to_have_value("听取加装电梯的意见")
        expect(page.locator("textarea[name='problem-0-text']")).to_have_value("三号楼想加装电梯")
        expect(picker.get_by_text("尾号5678")).to_have_count(0)  # someone from the first constituency is not carried over
        assert fits(page) and errors == []
        context.close()


@pytest.mark.browser
def test_mailbox_opening_on_a_phone_is_one_card_per_letter_without_keyboard_hints(
        transactional_db, live_server, liaison_a, constituency_a):
    mailbox = MailboxFactory(constituency=constituency_a, entrusted_to=liaison_a)
    session = session_of(liaison_a)
    url = f"{live_server.url}/mailbox/{mailbox.pk}/open/"

    with chromium() as browser:
        context = crawl.new_context(browser, live_server.url, session, crawl.PHONE)
        page = context.new_page()
        page.goto(url)
        card = page.locator("tr.letter-row").first
        for field in ("来信内容摘要", "问题类别", "来信人", "联系方式", "交哪位代表"):
            expect(card.get_by_label(field)).to_be_visible()
            assert card.get_by_label(field).bounding_box()["width"] > 250  # the card's full width
        expect(page.get_by_text("按 Ctrl+回车 保存")).to_be_hidden()
        page.get_by_role("button", name="再加一封").click()
        expect(page.locator("tr.letter-row")).to_have_count(2)
        expect(page.locator("tr.letter-row").nth(1).get_by_label("联系方式")).to_be_visible()
        assert fits(page)
        context.close()

        context = crawl.new_context(browser, live_server.url, session, crawl.DESKTOP)
        page = context.new_page()
        page.goto(url)
        expect(page.get_by_text("按 Ctrl+回车 保存")).to_be_visible()
        context.close()


@pytest.mark.browser
def test_larger_text_on_the_public_pages_is_remembered(transactional_db, live_server):
    with chromium() as browser:
        context = crawl.new_context(browser, live_server.url, None, crawl.PHONE)
        page = context.new_page()
        page.goto(f"{live_server.url}/mailbox/public/")
        switch = page.get_by_role("button", name="大字版")
        expect(switch).to_have_attribute("aria-pressed", "false")
        normal = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        switch.click()
        expect(switch).to_have_attribute("aria-pressed", "true")

        page.goto(f"{live_server.url}/mailbox/public/track/")  # another page, later
        expect(page.get_by_role("button", name="大字版")).to_have_attribute("aria-pressed", "true")
        assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= normal * 1.2
        assert fits(page)
        page.get_by_role("button", name="大字版").click()
        page.reload()
        assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") == normal
        context.close()


@pytest.mark.browser
def test_keyboard_only_skip_link_and_folded_menu(transactional_db, live_server, deputy_a):
    session = session_of(deputy_a.user)
    with chromium() as browser:
        context = crawl.new_context(browser, live_server.url, session, crawl.PHONE)
        page = context.new_page()
        page.goto(f"{live_server.url}/constituents/problems/")
        page.keyboard.press("Tab")
        skip = page.get_by_role("link", name="跳到正文")
        expect(skip).to_be_focused()
        expect(skip).to_be_visible()
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        page.keyboard.press("Tab")  # the first link or button of the page itself
        assert page.evaluate("document.activeElement.closest('main') !== null")
        assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"  # focus is visible
        # The folded menu opens from the keyboard.
        page.get_by_role("button", name="展开导航").focus()
        page.keyboard.press("Enter")
        expect(page.locator("#mainNav")).to_be_visible()
        context.close()
