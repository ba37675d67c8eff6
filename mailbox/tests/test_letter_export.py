"""The letter list as Excel, with its filters (issue 12 §2)."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
from django.urls import reverse

from liaison.models import AccessLog, AuditEvent
from mailbox import services
from mailbox.weeks import SHANGHAI


def _rows(response):
    assert response.status_code == 200, response.status_code
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], values, strict=True)) for values in rows[1:]]


def test_the_letter_export_masks_the_sender_unless_the_user_may_see_it(open_box, client_of, liaison_a,
                                                                       committee_user):
    letter = open_box(sender_name="赵秀兰", sender_contact="13800001111").letters.get()
    url = reverse("mailbox:letter_list")

    (masked,) = _rows(client_of(committee_user).get(url, {"export": "xlsx"}))
    assert masked["编号"] == letter.pk and masked["来信人"] == "赵**" and masked["联系方式"] == "已留（隐藏）"
    assert masked["进展"] == "待送交代表" and masked["来信内容"] == "小区路灯坏了三个月没人修"
    assert masked["收信时间"] == dt.datetime(2026, 11, 2, 9, 0)  # the office's local time
    assert not AccessLog.objects.exists()

    (whole,) = _rows(client_of(liaison_a).get(url, {"export": "xlsx"}))
    assert whole["来信人"] == "赵秀兰" and whole["联系方式"] == "13800001111"
    log = AccessLog.objects.get()
    assert log.user == liaison_a and log.action == AccessLog.Action.EXPORTED and log.object_id == str(letter.pk)
    assert AuditEvent.objects.filter(action="liaison.list.exported").count() == 2


def test_the_letter_export_keeps_the_filters_and_the_scope(open_box, client_of, liaison_a, deputy_b):
    delivered = open_box(texts=["已送交的来信"]).letters.get()
    services.letter_deliver(letter=delivered, acting_user=liaison_a)
    waiting = open_box(dt.datetime(2026, 11, 9, 9, 0, tzinfo=SHANGHAI), texts=["待送交的来信"]).letters.get()
    url = reverse("mailbox:letter_list")

    rows = _rows(client_of(liaison_a).get(url, {"export": "xlsx", "stage": "undelivered"}))
    page = client_of(liaison_a).get(url, {"stage": "undelivered"})
    assert [row["编号"] for row in rows] == [row["pk"] for row in page.context["page"]] == [waiting.pk]
    assert "stage=undelivered&amp;export=xlsx" in page.content.decode()

    assert _rows(client_of(deputy_b.user).get(url, {"export": "xlsx"})) == []


def test_the_letter_export_query_count_does_not_grow(open_box, client_of, liaison_a, assert_flat_queries):
    open_box(sender_name="赵秀兰")  # one access-log insert from the start, however many senders follow
    moments = iter(range(10, 50))

    def grow():
        open_box(dt.datetime(2026, 11, 10, 9, next(moments), tzinfo=SHANGHAI), texts=[f"来信{i}" for i in range(6)],
                 sender_name="钱学文")

    response = assert_flat_queries(client_of(liaison_a), reverse("mailbox:letter_list"), params={"export": "xlsx"},
                                   grow=grow)
    assert len(_rows(response)) == 7
