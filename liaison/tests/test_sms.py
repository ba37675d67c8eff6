"""SMS (短信): at most 70 characters, never personal data, a daily cap per phone, at least
once through the outbox, and the Alibaba Cloud adapter against a local stub of its API."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from liaison import sms
from liaison.models import TextMessage
from liaison.notifications import notify
from liaison.tasks import relay_outbox


@pytest.fixture
def texts(settings):
    settings.LIAISON_SMS_BACKEND = "liaison.sms.LocmemBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_a_text_is_sent_once_per_key_and_marked_after_acceptance(db, texts, committed):
    with committed():
        assert sms.text_queue(phones=["139 1234 5678"], text=sms.forwarded_text(), dedupe_key="fwd:1") == 1
    with committed():
        sms.text_queue(phones=["13912345678"], text=sms.forwarded_text(), dedupe_key="fwd:1")
    relay_outbox()
    assert [t["phone"] for t in texts] == ["13912345678"]
    message = TextMessage.objects.get()
    assert message.status == TextMessage.Status.SENT and message.sent_at and message.provider_id


@pytest.mark.parametrize("text, reason", [
    ("这" * 71, "最多 70 个字"),
    ("反映人13912345678的诉求已办结", "个人信息"),
    ("身份证11010519491231002X", "个人信息"),
])
def test_long_or_personal_texts_are_refused(db, text, reason):
    with pytest.raises(ValueError, match=reason):
        sms.text_queue(phones=["13912345678"], text=text, dedupe_key="x")
    assert not TextMessage.objects.exists()


def test_landlines_and_junk_get_no_texts(db, texts):
    assert sms.text_queue(phones=["010-12345678", "abc", ""], text="测试", dedupe_key="y") == 0
    assert sms.normalise_phone("+86 139１２３４５６７８") == "13912345678"


def test_a_phone_gets_at_most_the_daily_cap(db, texts, settings, committed):
    settings.LIAISON_SMS_DAILY_CAP = 2
    with committed():
        for index in range(4):
            sms.text_queue(phones=["13912345678", "13800001111"], text=f"提醒{index}", dedupe_key=f"k{index}")
    relay_outbox()
    by_phone = {phone: sum(1 for t in texts if t["phone"] == phone) for phone in ("13912345678", "13800001111")}
    assert by_phone == {"13912345678": 2, "13800001111": 2}
    assert TextMessage.objects.filter(status=TextMessage.Status.CAPPED).count() == 4
    # Tomorrow (Asia/Shanghai) the count starts again.
    TextMessage.objects.filter(status=TextMessage.Status.SENT).update(sent_at=timezone.now() - dt.timedelta(days=1))
    with committed():
        sms.text_queue(phones=["13912345678"], text="明天的提醒", dedupe_key="tomorrow")
    assert texts[-1]["text"] == "明天的提醒"


class FlakyBackend:
    calls = 0

    def send(self, *, phone, text, message_id):
        FlakyBackend.calls += 1
        if FlakyBackend.calls == 1:
            raise sms.SmsError("服务商超时")
        return sms.LocmemBackend().send(phone=phone, text=text, message_id=message_id)


def test_a_text_the_provider_did_not_accept_is_retried_not_lost(db, texts, settings, committed):
    settings.LIAISON_SMS_BACKEND = "liaison.tests.test_sms.FlakyBackend"
    FlakyBackend.calls = 0
    with committed():
        sms.text_queue(phones=["13912345678"], text=sms.followup_due_text(), dedupe_key="followup:2026-11-30")
    message = TextMessage.objects.get()
    assert message.status == TextMessage.Status.PENDING and message.attempts == 1 and "超时" in message.last_error
    TextMessage.objects.update(claimed_until=timezone.now() - dt.timedelta(seconds=1))
    assert relay_outbox()["texts"] == 1
    assert relay_outbox()["texts"] == 0
    assert len(texts) == 1 and TextMessage.objects.get().status == TextMessage.Status.SENT


def test_notify_sends_a_text_only_when_asked_and_only_to_users_with_a_mobile(
    deputy_a, deputy_b, texts, committed,
):
    deputy_a.user.phone = "13912345678"
    deputy_a.user.save()
    with committed():
        notify([deputy_a.user, deputy_b.user], title="信箱未开启", dedupe_key="m:1")
    assert TextMessage.objects.count() == 0
    with committed():
        notify([deputy_a.user, deputy_b.user], title="转交", dedupe_key="m:2", sms_text=sms.forwarded_text())
        notify([deputy_a.user], title="转交", dedupe_key="m:2", sms_text=sms.forwarded_text())
    relay_outbox()
    assert [(t["phone"], t["text"]) for t in texts] == [("13912345678", sms.forwarded_text())]


# --- Alibaba Cloud adapter against a local stub of dysmsapi ------------------------------------


class DysmsapiStub(BaseHTTPRequestHandler):
    """Answers SendSms as dysmsapi.aliyuncs.com does; records what it was sent."""

    received: list[dict] = []
    answer_code = "OK"

    def do_POST(self):  # noqa: N802 - http.server's name
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode())
        query = parse_qs(urlsplit(self.path).query)
        params = {key: values[0] for key, values in {**query, **form}.items()}
        params["headers"] = {key.lower(): value for key, value in self.headers.items()}
        DysmsapiStub.received.append(params)
        body = {"Code": DysmsapiStub.answer_code, "Message": "OK" if DysmsapiStub.answer_code == "OK" else "触发流控",
                "BizId": "900619746936498440^0", "RequestId": "F655A8D5-B967-440B-8683-DAD6FF8DE990"}
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST

    def log_message(self, *args):
        pass


@pytest.fixture
def dysmsapi(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), DysmsapiStub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    DysmsapiStub.received, DysmsapiStub.answer_code = [], "OK"
    settings.LIAISON_SMS_BACKEND = "liaison.sms.AliyunBackend"
    settings.ALIYUN_SMS_ENDPOINT = f"127.0.0.1:{server.server_address[1]}"
    settings.ALIYUN_SMS_PROTOCOL = "http"
    settings.ALIYUN_SMS_ACCESS_KEY_ID = "test-key-id"
    settings.ALIYUN_SMS_ACCESS_KEY_SECRET = "test-key-secret"
    settings.ALIYUN_SMS_SIGN_NAME = "示范区人大"
    settings.ALIYUN_SMS_TEMPLATE_CODE = "SMS_000000001"
    yield DysmsapiStub
    server.shutdown()
    server.server_close()


def test_the_aliyun_adapter_calls_sendsms_through_the_official_sdk(db, dysmsapi, committed):
    with committed():
        sms.text_queue(phones=["13912345678"], text=sms.forwarded_text(), dedupe_key="aliyun:1")
    message = TextMessage.objects.get()
    assert message.status == TextMessage.Status.SENT and message.provider_id == "900619746936498440^0"
    [call] = dysmsapi.received
    headers = call.pop("headers")
    assert headers["x-acs-action"] == "SendSms" and headers["x-acs-version"] == "2017-05-25"
    assert "Credential=test-key-id" in headers["authorization"]  # signed by the SDK (ACS3-HMAC-SHA256)
    assert call["PhoneNumbers"] == "13912345678" and call["SignName"] == "示范区人大"
    assert call["TemplateCode"] == "SMS_000000001"
    assert json.loads(call["TemplateParam"]) == {"content": sms.forwarded_text()}
    assert call["OutId"] == str(message.pk)


def test_a_refusal_from_aliyun_is_retried_later(db, dysmsapi, committed):
    dysmsapi.answer_code = "isv.BUSINESS_LIMIT_CONTROL"
    with committed():
        sms.text_queue(phones=["13912345678"], text=sms.forwarded_text(), dedupe_key="aliyun:2")
    message = TextMessage.objects.get()
    assert message.status == TextMessage.Status.PENDING and "BUSINESS_LIMIT_CONTROL" in message.last_error
    dysmsapi.answer_code = "OK"
    TextMessage.objects.update(claimed_until=timezone.now() - dt.timedelta(seconds=1))
    relay_outbox()
    assert TextMessage.objects.get().status == TextMessage.Status.SENT
    assert len(dysmsapi.received) == 2
