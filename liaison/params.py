"""Query-string numbers, read one way: a malformed or out-of-range value is a
400 (Bad Request), never a server error (issue 9 §5)."""

from __future__ import annotations

from django.core.exceptions import BadRequest

MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_ID = 2**63 - 1  # a BIGINT primary key


def _digits(value: str | None) -> str:
    return (value or "").strip()


def year_param(request, name: str = "year", *, default: int | None = None) -> int | None:
    """?year=2026 → 2026; blank → `default`; anything else → 400."""
    value = _digits(request.GET.get(name))
    if not value:
        return default
    if not (value.isascii() and value.isdigit()) or not MIN_YEAR <= int(value) <= MAX_YEAR:
        raise BadRequest(f"年度“{value[:20]}”不正确，应为 {MIN_YEAR}—{MAX_YEAR} 之间的年份。")
    return int(value)


def id_param(request, name: str) -> int | None:
    """?group=12 → 12; blank → None; anything else → 400."""
    value = _digits(request.GET.get(name))
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or not 0 < int(value) <= MAX_ID:
        raise BadRequest(f"参数“{name}”不正确。")
    return int(value)


def text_param(request, name: str = "q", *, limit: int = 40) -> str:
    """?q=… as a search reads it: stripped, at most `limit` characters, with no NUL character (PostgreSQL
    refuses them in text, so a "\x00" in the query is dropped, not a server error)."""
    return request.GET.get(name, "").replace("\x00", "").strip()[:limit]


def id_list_param(query, name: str) -> list[int]:
    """?ids=3&ids=5 (a QueryDict: request.GET or request.POST) → [3, 5] in order, repeats dropped;
    a malformed id → 400. How many are allowed is the caller's rule."""
    ids: list[int] = []
    for raw in query.getlist(name):
        value = _digits(raw)
        if not (value.isascii() and value.isdigit()) or not 0 < int(value) <= MAX_ID:
            raise BadRequest(f"参数“{name}”不正确。")
        ids.append(int(value))
    return list(dict.fromkeys(ids))
