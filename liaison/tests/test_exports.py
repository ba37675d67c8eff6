"""The shared Excel writer (liaison/exports.py): the link keeps the filters but not the page."""

from __future__ import annotations

from django.test import RequestFactory

from liaison.exports import export_url, wants_xlsx


def test_the_export_link_keeps_the_filters_and_drops_the_page_number():
    request = RequestFactory().get("/constituents/problems/", {"state": "registered", "q": "路灯", "page": "3",
                                                               "after": "2026-03-01~15"})
    url = export_url(request)
    assert url.startswith("/constituents/problems/?") and "page=" not in url and "after=" not in url
    assert "state=registered" in url and "q=%E8%B7%AF%E7%81%AF" in url and url.endswith("export=xlsx")
    assert not wants_xlsx(request)
    assert wants_xlsx(RequestFactory().get(url))
