from __future__ import annotations

import re

from django.core.exceptions import ValidationError

FULL_WIDTH = str.maketrans("０１２３４５６７８９－（）　＋", "0123456789-() +")
MOBILE = re.compile(r"^1[3-9]\d{9}$")
# A landline needs its area code: 010, 02X, or four digits from 03XX to 09XX;
# a local number never starts with 0 (and 0138… is a mobile miswritten, not a landline).
LANDLINE = re.compile(r"^(?:010|02\d|0[3-9]\d{2})-?[1-9]\d{6,7}(?:-\d{1,6})?$")


def normalize_phone(value: str | None) -> str:
    """Full-width digits, spaces and a +86 prefix are what rosters come with."""
    if value is None:
        return ""
    text = str(value).translate(FULL_WIDTH).strip()
    text = re.sub(r"[\s()]", "", text)
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    elif text.startswith("86") and len(text) == 13:
        text = text[2:]
    if text.endswith(".0") and text[:-2].isdigit():  # a number cell read as float
        text = text[:-2]
    if MOBILE.match(text.replace("-", "")):  # 138-1234-5678
        text = text.replace("-", "")
    return text


def validate_mainland_phone(value: str) -> None:
    if not value:
        return
    if not (MOBILE.match(value) or LANDLINE.match(value)):
        raise ValidationError(
            "“%(value)s”不是有效的大陆电话号码：手机为 1 开头的 11 位数字，固定电话须带区号，如 010-12345678、0571-8765432。",
            code="invalid_phone",
            params={"value": value},
        )
