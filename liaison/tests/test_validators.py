from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from liaison.validators import normalize_phone, validate_mainland_phone


@pytest.mark.parametrize("raw,expected", [
    ("１３８１２３４５６７８", "13812345678"), (" 138 1234 5678 ", "13812345678"), ("+8613812345678", "13812345678"),
    ("13812345678.0", "13812345678"), ("010-12345678", "010-12345678"),
])
def test_phone_normalisation(raw, expected):
    assert normalize_phone(raw) == expected
    validate_mainland_phone(normalize_phone(raw))


@pytest.mark.parametrize("bad", ["12345", "23812345678", "1381234567", "abc"])
def test_bad_phones_are_refused(bad):
    with pytest.raises(ValidationError):
        validate_mainland_phone(bad)
