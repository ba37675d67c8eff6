"""Links that leave the site start with SITE_URL; production without it is a deploy warning."""

from __future__ import annotations

from django.core import mail
from django.core.management import call_command

from liaison.notifications import notify
from liaison.urls_abs import absolute_url, check_site_url


def test_an_emailed_link_can_be_clicked_from_a_mail_client(
    deputy_a, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://daibiao.example.gov.cn"
    with django_capture_on_commit_callbacks(execute=True):
        notify(deputy_a.user, title="信箱未开启", body="请尽快开启。", url="/mailbox/boxes/7/")
    assert "https://daibiao.example.gov.cn/mailbox/boxes/7/" in mail.outbox[0].body
    # In the app the link stays relative: it follows whatever host the user is on.
    assert deputy_a.user.notifications.get().url == "/mailbox/boxes/7/"


def test_absolute_url_keeps_full_addresses_and_falls_back_for_development(settings):
    settings.SITE_URL = "https://daibiao.example.gov.cn/"
    assert absolute_url("/reports/public/") == "https://daibiao.example.gov.cn/reports/public/"
    assert absolute_url("https://video.example.cn/1") == "https://video.example.cn/1"
    settings.SITE_URL = ""
    assert absolute_url("/reports/public/") == "http://127.0.0.1:8000/reports/public/"


def test_missing_site_url_is_a_deploy_warning(settings):
    settings.SITE_URL = ""
    assert [warning.id for warning in check_site_url()] == ["liaison.W101"]
    settings.SITE_URL = "daibiao.example.gov.cn"
    assert [warning.id for warning in check_site_url()] == ["liaison.W102"]
    settings.SITE_URL = "https://daibiao.example.gov.cn"
    assert check_site_url() == []


def test_the_deploy_check_reports_it(settings, capsys):
    settings.SITE_URL = ""
    call_command("check", "--deploy", "--fail-level", "CRITICAL")
    assert "liaison.W101" in capsys.readouterr().err
