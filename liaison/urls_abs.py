"""Links that leave the site (e-mails, SMS, QR codes) are built from settings.SITE_URL,
never from the request: a poster printed on a laptop must still point at the real site."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register

FALLBACK_SITE_URL = "http://127.0.0.1:8000"


def site_url() -> str:
    return (getattr(settings, "SITE_URL", "") or FALLBACK_SITE_URL).rstrip("/")


def absolute_url(path: str) -> str:
    """`path` ("/mailbox/…") as a full address; an address that is already absolute is kept."""
    if not path or "://" in path:
        return path
    return site_url() + ("" if path.startswith("/") else "/") + path


@register(Tags.security, deploy=True)
def check_site_url(app_configs=None, **kwargs) -> list[Warning]:
    url = getattr(settings, "SITE_URL", "")
    if not url:
        return [Warning(
            "SITE_URL 未设置：邮件、短信中的链接和信箱海报的二维码会指向 " + FALLBACK_SITE_URL + "。",
            hint="设置环境变量 SITE_URL，例如 https://daibiao.example.gov.cn",
            id="liaison.W101",
        )]
    if not url.startswith(("http://", "https://")):
        return [Warning("SITE_URL 应以 http:// 或 https:// 开头。", hint=f"当前为 {url!r}", id="liaison.W102")]
    return []
