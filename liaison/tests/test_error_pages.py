"""No debug page reaches a user: with DEBUG off, 400/403/404/500 and CSRF failures are
Chinese pages in the site's style that say what happened and where to go next."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from constituents.tests.factories import ContactActivityFactory

# What Django's debug and default pages show.
DEBUG_MARKS = ["Traceback", "URLconf", "urlpatterns", "Django tried", "Page not found", "Forbidden",
               "Server Error", "Bad Request", "DEBUG = True", "CSRF verification failed", "secret internals"]


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


def assert_chinese_error_page(response, status: int, heading: str) -> str:
    assert response.status_code == status
    page = response.content.decode()
    assert heading in page
    assert "您可以：" in page and reverse("home") in page and reverse("mailbox:public_find") in page
    leaked = [mark for mark in DEBUG_MARKS if mark in page]
    assert not leaked, leaked
    return page


def test_a_mistyped_address_is_a_chinese_404_without_url_patterns(client):
    page = assert_chinese_error_page(client.get("/deputies/no-such-page/"), 404, "页面不存在")
    assert "admin/" not in page and "mailbox/" not in page.replace(reverse("mailbox:public_find"), "")


def test_a_404_keeps_only_a_chinese_explanation(client_of, staff_user):
    # get_object_or_404 says "No Deputy matches the given query." in English: not shown.
    page = assert_chinese_error_page(client_of(staff_user).get("/deputies/999999/"), 404, "页面不存在")
    assert "matches" not in page


def test_the_committee_is_told_why_a_write_is_refused(client_of, committee_user, constituency_a):
    activity = ContactActivityFactory(constituency=constituency_a)
    response = client_of(committee_user).post(reverse("constituents:activity_photo_add", args=[activity.pk]))
    page = assert_chinese_error_page(response, 403, "无权进行此操作")
    assert "常委会账号只能查看，不能修改。" in page


def test_a_server_error_is_a_chinese_500_without_traceback(settings, staff_user):
    settings.ROOT_URLCONF = "liaison.tests.urls_boom"
    client = Client(raise_request_exception=False)
    client.force_login(staff_user)
    assert_chinese_error_page(client.get("/boom/"), 500, "系统暂时出错")


def test_a_bad_host_is_a_chinese_400(client):
    assert_chinese_error_page(client.get("/", HTTP_HOST="evil.example.com"), 400, "请求有误")


def test_an_expired_form_is_a_chinese_csrf_page(staff_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    page = assert_chinese_error_page(client.post(reverse("notifications_mark_read")), 403, "页面已过期")
    assert "刷新页面" in page


def test_error_pages_carry_the_favicon(client):
    assert "favicon.svg" in client.get("/no-such-page/").content.decode()
    assert client.get("/favicon.ico").status_code == 302


def test_media_is_never_served_directly(client_of, staff_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "activities").mkdir()
    (tmp_path / "activities" / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    settings.DEBUG = True  # not even in development
    assert client_of(staff_user).get("/media/activities/photo.jpg").status_code == 404
