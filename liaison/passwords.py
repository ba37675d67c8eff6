"""Passwords are checked by what they contain (等保 2.0 level 3)."""

from __future__ import annotations

import re

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError

# Words anyone guessing at this system tries first, besides the common list.
SITE_WORDS = frozenset({
    "liaison", "lianluo", "daibiao", "renda", "rendaichang", "zhengfu", "admin", "administrator",
    "password", "passw0rd", "qwerty", "welcome", "demo", "test", "user", "root", "system",
})


class ContentPasswordValidator:
    """At least `min_length` characters, three of the four classes (upper and
    lower case letters, digits, symbols), not the username, and not a common
    password or a common word with digits and symbols around it."""

    def __init__(self, min_length: int = 10, min_classes: int = 3):
        self.min_length = min_length
        self.min_classes = min_classes
        self._common = None

    def common_passwords(self) -> set[str]:
        if self._common is None:
            self._common = CommonPasswordValidator().passwords
        return self._common

    def validate(self, password: str, user=None) -> None:
        errors = []
        if len(password) < self.min_length:
            errors.append(ValidationError(f"密码至少 {self.min_length} 个字符。", code="password_too_short"))
        classes = sum(bool(re.search(pattern, password)) for pattern in (r"[A-Z]", r"[a-z]", r"\d", r"[^A-Za-z0-9]"))
        if classes < self.min_classes:
            errors.append(ValidationError(
                "密码须包含大写字母、小写字母、数字、符号四类中的至少三类。", code="password_too_simple"))
        lowered = password.lower()
        username = (getattr(user, "username", "") or "").lower() if user is not None else ""
        if username and (username in lowered or lowered in username):
            errors.append(ValidationError("密码不能包含用户名。", code="password_contains_username"))
        base = re.sub(r"^[\d\W_]+|[\d\W_]+$", "", lowered)
        common = self.common_passwords()
        if lowered in common or base in common or base in SITE_WORDS or (base and base == username):
            errors.append(ValidationError("密码过于常见，容易被猜中，请换一个。", code="password_too_common"))
        if errors:
            raise ValidationError(errors)

    def get_help_text(self) -> str:
        return (f"至少 {self.min_length} 个字符，包含大写字母、小写字母、数字、符号中的至少三类，"
                "不能包含用户名，不能是常见密码。")
