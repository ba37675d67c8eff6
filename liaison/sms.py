"""Text messages (短信): short, never personal, at least once, at most N a day per phone.

`text_queue(phones=..., text=..., dedupe_key=...)` writes TextMessage rows in the
caller's transaction and puts one "send pending texts" task in the outbox. The
sender (`send_pending`) claims each row with a lease, hands it to the backend and
marks it sent only after the backend accepted it; a failure waits and is tried
again (backoff), a sender killed mid-way leaves the row to the next one after the
lease. The dedupe key makes the same text to the same phone exist once, however
often a job runs.

Backends, chosen by `LIAISON_SMS_BACKEND`:
- `liaison.sms.ConsoleBackend` (default): prints the text, the phone masked;
- `liaison.sms.FileBackend`: one JSON line per text in `LIAISON_SMS_FILE_PATH`;
- `liaison.sms.LocmemBackend`: kept in `liaison.sms.outbox` (tests);
- `liaison.sms.AliyunBackend`: Alibaba Cloud SMS (dysmsapi 2017-05-25) through its
  official SDK, one approved template with a single variable that carries the text.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import threading
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import TextMessage
from .urls_abs import absolute_url

logger = logging.getLogger(__name__)

MAX_CHARS = 70
MAX_ATTEMPTS = 8
LEASE = dt.timedelta(minutes=2)
MOBILE = re.compile(r"^1[3-9]\d{9}$")
# What must never be in a text: a phone number, an ID card number, an e-mail address.
PERSONAL = re.compile(r"1[3-9]\d{9}|\d{17}[\dXx]|[\w.+-]+@[\w-]+\.[\w.]+")


class SmsError(Exception):
    """The backend did not accept the text."""


def sms_setting(name: str):
    defaults = {
        "LIAISON_SMS_BACKEND": "liaison.sms.ConsoleBackend",
        "LIAISON_SMS_DAILY_CAP": 5,
        "LIAISON_SMS_FILE_PATH": str(Path(settings.BASE_DIR) / "var" / "sms" / "sms.jsonl"),
        "LIAISON_SMS_RETENTION_DAYS": 180,
    }
    return getattr(settings, name, defaults.get(name))


def normalise_phone(phone: str) -> str | None:
    """A mainland mobile number (full-width digits and +86 allowed), or None: landlines get no texts."""
    digits = re.sub(r"\D", "", (phone or "").translate({0xFF10 + i: str(i) for i in range(10)}))
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits if MOBILE.match(digits) else None


def check_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise ValueError("短信内容为空。")
    if len(text) > MAX_CHARS:
        raise ValueError(f"短信最多 {MAX_CHARS} 个字，这条有 {len(text)} 个字。")
    if PERSONAL.search(text):
        raise ValueError("短信中不能含有电话号码、身份证号或电子邮箱等个人信息。")
    return text


def text_queue(*, phones: Iterable[str], text: str, dedupe_key: str) -> int:
    """Queue `text` to each mobile number once per `dedupe_key`; returns how many phones got a row."""
    from .outbox import enqueue

    text = check_text(text)
    numbers = {number for number in map(normalise_phone, phones) if number}
    if not numbers:
        return 0
    TextMessage.objects.bulk_create(
        [TextMessage(phone=number, text=text, dedupe_key=dedupe_key[:200]) for number in sorted(numbers)],
        ignore_conflicts=True,
    )
    enqueue("liaison.tasks.send_pending_text_messages", dedupe_key="liaison.send_pending_text_messages")
    return len(numbers)


def site_link(path: str) -> str:
    return absolute_url(path)


# --- Sending -----------------------------------------------------------------------------------


def get_backend():
    return import_string(sms_setting("LIAISON_SMS_BACKEND"))()


def _local_day_start(now: dt.datetime) -> dt.datetime:
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def send_pending(*, limit: int = 200, now: dt.datetime | None = None) -> int:
    """Send what is due; returns how many the backend accepted."""
    from .outbox import claim

    backend = get_backend()
    cap = int(sms_setting("LIAISON_SMS_DAILY_CAP"))
    sent = 0
    ids = claim(TextMessage.objects.filter(status=TextMessage.Status.PENDING), field="claimed_until",
                lease=LEASE, limit=limit)
    for message in list(TextMessage.objects.filter(pk__in=ids).order_by("pk")):
        now_ = now or timezone.now()
        today = TextMessage.objects.filter(phone=message.phone, status=TextMessage.Status.SENT,
                                           sent_at__gte=_local_day_start(now_)).count()
        if today >= cap:
            TextMessage.objects.filter(pk=message.pk).update(status=TextMessage.Status.CAPPED, claimed_until=None)
            logger.info("SMS #%s not sent: daily cap of %s reached for this phone", message.pk, cap)
            continue
        try:
            provider_id = backend.send(phone=message.phone, text=message.text, message_id=message.pk)
        except Exception as error:  # any failure: try again later, give up after MAX_ATTEMPTS
            attempts = message.attempts + 1
            TextMessage.objects.filter(pk=message.pk).update(
                attempts=F("attempts") + 1, last_error=str(error)[:500],
                claimed_until=timezone.now() + dt.timedelta(minutes=2 ** min(attempts, 6)),
                status=TextMessage.Status.FAILED if attempts >= MAX_ATTEMPTS else TextMessage.Status.PENDING,
            )
            logger.warning("SMS #%s not accepted (attempt %s): %s", message.pk, attempts, error)
            continue
        TextMessage.objects.filter(pk=message.pk).update(
            status=TextMessage.Status.SENT, sent_at=timezone.now(), claimed_until=None,
            provider_id=str(provider_id or "")[:100], attempts=F("attempts") + 1,
        )
        sent += 1
    return sent


def _masked(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}"


class ConsoleBackend:
    def send(self, *, phone: str, text: str, message_id: int) -> str:
        print(f"[短信] {_masked(phone)}：{text}", flush=True)  # noqa: T201 - this backend's job
        return f"console-{message_id}"


class FileBackend:
    _lock = threading.Lock()

    def send(self, *, phone: str, text: str, message_id: int) -> str:
        path = Path(sms_setting("LIAISON_SMS_FILE_PATH"))
        path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"id": message_id, "phone": phone, "text": text,
                           "at": timezone.now().isoformat()}, ensure_ascii=False)
        with self._lock, path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
        return f"file-{message_id}"


outbox: list[dict] = []


class LocmemBackend:
    def send(self, *, phone: str, text: str, message_id: int) -> str:
        outbox.append({"id": message_id, "phone": phone, "text": text})
        return f"locmem-{message_id}"


class AliyunBackend:
    """Alibaba Cloud SMS through `alibabacloud_dysmsapi20170525` (the official SDK).

    Settings: ALIYUN_SMS_ACCESS_KEY_ID, ALIYUN_SMS_ACCESS_KEY_SECRET, ALIYUN_SMS_SIGN_NAME,
    ALIYUN_SMS_TEMPLATE_CODE (an approved template whose one variable is
    ALIYUN_SMS_TEMPLATE_PARAM, default "content"), ALIYUN_SMS_ENDPOINT (default
    dysmsapi.aliyuncs.com) and ALIYUN_SMS_PROTOCOL (default https).
    """

    def __init__(self):
        from alibabacloud_dysmsapi20170525.client import Client
        from alibabacloud_tea_openapi import models as open_api_models

        config = open_api_models.Config(
            access_key_id=settings.ALIYUN_SMS_ACCESS_KEY_ID,
            access_key_secret=settings.ALIYUN_SMS_ACCESS_KEY_SECRET,
            endpoint=getattr(settings, "ALIYUN_SMS_ENDPOINT", "") or "dysmsapi.aliyuncs.com",
            protocol=getattr(settings, "ALIYUN_SMS_PROTOCOL", "") or "https",
            connect_timeout=5000,
            read_timeout=10000,
        )
        self.client = Client(config)

    def send(self, *, phone: str, text: str, message_id: int) -> str:
        from alibabacloud_dysmsapi20170525 import models as sms_models

        request = sms_models.SendSmsRequest(
            phone_numbers=phone,
            sign_name=settings.ALIYUN_SMS_SIGN_NAME,
            template_code=settings.ALIYUN_SMS_TEMPLATE_CODE,
            template_param=json.dumps({getattr(settings, "ALIYUN_SMS_TEMPLATE_PARAM", "content"): text},
                                      ensure_ascii=False),
            out_id=str(message_id),
        )
        try:
            response = self.client.send_sms(request)
        except Exception as error:  # the SDK raises TeaException and network errors
            raise SmsError(f"阿里云短信接口调用失败：{error}") from error
        body = response.body
        if body is None or body.code != "OK":
            raise SmsError(f"阿里云短信未受理：{getattr(body, 'code', '')} {getattr(body, 'message', '')}")
        return body.biz_id or ""


# --- The texts ---------------------------------------------------------------------------------
# Fixed wording, no names, no numbers that identify anyone: a text can be read by whoever holds the phone.


def forwarded_text() -> str:
    return "您单位有一件新转交的群众诉求，请登录代表联络平台签收办理。"


def due_soon_text(days: int) -> str:
    return f"您单位有群众诉求将在{days}个工作日内到期，请登录代表联络平台按期答复。"


def followup_due_text() -> str:
    return "有群众诉求已办结，请登录代表联络平台进行回访。"


def text_messages_prune(*, now=None) -> int:
    """Retention: delete texts (a phone number and its wording) queued longer ago than
    LIAISON_SMS_RETENTION_DAYS, whatever became of them. The audit log is not touched."""
    import datetime as dt

    from django.utils import timezone

    from .models import TextMessage

    cutoff = (now or timezone.now()) - dt.timedelta(days=int(sms_setting("LIAISON_SMS_RETENTION_DAYS")))
    deleted, _ = TextMessage.objects.filter(created_at__lt=cutoff).delete()
    return deleted
