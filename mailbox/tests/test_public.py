from __future__ import annotations

import re

import pytest
from django.urls import reverse

from constituents.models import Problem
from mailbox import services
from mailbox.models import Letter

TEXT = "我们小区门口的路灯已经坏了三个月，晚上出行很不方便，希望尽快修好。"


@pytest.fixture
def write_url(constituency_a, deputy_a):
    return reverse("mailbox:public_write", args=[constituency_a.pk])


def submit(client, url, **extra):
    data = {"text": TEXT, "category": "urban_construction", "sender_name": "孙小梅", "sender_phone": "13912345678",
            "website": ""}
    data.update(extra)
    return client.post(url, data, REMOTE_ADDR=extra.pop("ip", "203.0.113.7"))


def code_on(page: str) -> str:
    return re.search(r'data-testid="tracking-code">([A-Z0-9-]+)<', page).group(1)


def test_an_online_letter_becomes_a_problem_and_its_code_is_shown_once(client, write_url, deputy_a):
    response = submit(client, write_url, deputy=deputy_a.pk)
    assert response.status_code == 302 and response.url == reverse("mailbox:public_thanks")
    page = client.get(response.url).content.decode()
    code = code_on(page)
    bare = code.replace("-", "")
    assert len(bare) >= 10 and set(bare) <= set("23456789ABCDEFGHJKMNPQRSTUVWXYZ")
    # Shown once: a reload does not show it again.
    assert code not in client.get(reverse("mailbox:public_thanks")).content.decode()
    letter = Letter.objects.select_related("problem").get()
    assert letter.channel == Letter.Channel.ONLINE and letter.problem.source == Problem.Source.ONLINE
    assert letter.problem.deputy == deputy_a and letter.sender_name == "孙小梅"
    # The code is kept nowhere, only its digest.
    assert bare not in str(Letter.objects.values().get())


def test_tracking_shows_the_state_in_plain_words_and_no_personal_data(client, write_url, liaison_a):
    page = client.get(submit(client, write_url).url).content.decode()
    code = code_on(page)
    letter = Letter.objects.get()
    services.letter_deliver(letter=letter, deputy=letter.problem.group.deputies.first(), acting_user=liaison_a)
    services.letter_reply(letter=letter, reply="转交区住建局，联系人王科长 13700000000",
                          public_reply="您反映的路灯问题已转交有关部门办理。", acting_user=liaison_a)
    response = client.post(reverse("mailbox:public_track"), {"code": code.lower().replace("-", " ")})
    page = response.content.decode()
    assert response.status_code == 200
    assert "代表已回复，正在转交有关部门办理" in page
    assert "您反映的路灯问题已转交有关部门办理" in page
    for private in ("孙小梅", "13912345678", "路灯已经坏了三个月", "王科长", "13700000000", "张建国"):
        assert private not in page


def test_unknown_and_malformed_codes_get_the_same_404(client, write_url):
    submit(client, write_url)
    unknown = client.post(reverse("mailbox:public_track"), {"code": "ABCD-EFGH-JKMN"})
    malformed = client.post(reverse("mailbox:public_track"), {"code": "' OR 1=1 --"})
    empty = client.post(reverse("mailbox:public_track"), {"code": ""})
    assert unknown.status_code == malformed.status_code == empty.status_code == 404
    strip = lambda r: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", r.content.decode())  # noqa: E731
    assert strip(unknown) == strip(malformed) == strip(empty)
    assert "没有找到这个查询码" in strip(unknown)


def test_honeypot_saves_nothing(client, write_url):
    response = submit(client, write_url, website="http://spam.example")
    assert response.status_code == 200 and "提交未通过校验" in response.content.decode()
    assert not Letter.objects.exists() and not Problem.objects.exists()


@pytest.mark.parametrize(("text", "message"), [
    ("太短", "来信内容太短"),
    ("长" * 2001, "来信内容太长"),
])
def test_text_limits_keep_what_was_written(client, write_url, text, message):
    response = submit(client, write_url, text=text, sender_name="周先生")
    page = response.content.decode()
    assert response.status_code == 200 and message in page and "周先生" in page
    assert not Letter.objects.exists()


def test_rate_limit_per_address(client, write_url, settings):
    settings.MAILBOX = {"ONLINE_LETTER_RATE": "2/h"}
    assert submit(client, write_url).status_code == 302
    assert submit(client, write_url).status_code == 302
    blocked = submit(client, write_url, text=TEXT + "第三封")
    assert blocked.status_code == 429
    assert "太频繁" in blocked.content.decode() and "第三封" in blocked.content.decode()
    assert Letter.objects.count() == 2
    # Another address still may write.
    assert client.post(write_url, {"text": TEXT, "category": "other"}, REMOTE_ADDR="198.51.100.9").status_code == 302


def test_tracking_lookups_are_rate_limited_too(db, client, settings):
    settings.MAILBOX = {"TRACKING_LOOKUP_RATE": "3/h"}
    for _ in range(3):
        assert client.post(reverse("mailbox:public_track"), {"code": "ABCD-EFGH-JKMN"}).status_code == 404
    assert client.post(reverse("mailbox:public_track"), {"code": "ABCD-EFGH-JKMN"}).status_code == 429


def test_a_constituency_of_another_term_cannot_receive_letters(client, deputy_a):
    from deputies.tests.factories import ConstituencyFactory, TermFactory

    old = ConstituencyFactory(term=TermFactory(number=17, is_current=False, start_date="2019-01-01",
                                               end_date="2023-12-31"))
    assert client.get(reverse("mailbox:public_write", args=[old.pk])).status_code == 404


def test_public_pages_are_in_chinese_and_need_no_login(client, write_url):
    for url in (reverse("mailbox:public_find"), write_url, reverse("mailbox:public_track"),
                reverse("mailbox:public_thanks")):
        response = client.get(url)
        assert response.status_code == 200
        assert "找代表" in response.content.decode()


def test_scripted_online_text_is_stored_as_text_and_shown_escaped(client, write_url, client_of, liaison_a):
    submit(client, write_url, text="<img src=x onerror=alert(1)>我们小区的路灯坏了很久了")
    letter = Letter.objects.select_related("problem").get()
    assert letter.problem.text.startswith("<img")
    page = client_of(liaison_a).get(reverse("mailbox:letter_detail", args=[letter.pk])).content.decode()
    assert "<img src=x" not in page and "&lt;img src=x" in page


def test_a_wrong_phone_is_a_clear_error_and_nothing_is_lost(client, write_url):
    response = submit(client, write_url, sender_phone="12345")
    page = response.content.decode()
    assert response.status_code == 200 and "不是有效的大陆电话号码" in page and "路灯已经坏了三个月" in page
    assert not Letter.objects.exists()
    assert submit(client, write_url, sender_phone="１３９ １２３４ ５６７８").status_code == 302
    assert Letter.objects.get().sender_contact == "13912345678"


def test_the_letter_form_tells_what_is_collected_why_who_sees_it_and_how_long(client, write_url, settings):
    settings.PERSONAL_DATA_RETENTION_YEARS = 5
    page = client.get(write_url).content.decode()
    notice = page[page.index('id="privacy-notice"'):]
    for heading in ("收集哪些信息", "为什么收集", "谁能看到", "保存多久", "您的权利"):
        assert heading in notice
    assert "保存 5 年" in notice and "匿名化" in notice and "承办部门只看到问题内容" in notice
