"""The phone-layout check itself: what it reports as a problem a person would see."""

from __future__ import annotations

from liaison.tests.crawl import Visit, layout_problems, local_path, route_kind


def visit(**facts) -> Visit:
    base = {"scrollWidth": 360, "innerWidth": 360, "text": "到会选民人数（32人）", "links": [], "wide": []}
    base.update(facts)
    return Visit(role="deputy", path="/reports/meetings/1/", status=200, facts=base)


def test_a_clean_page_has_no_problem():
    assert layout_problems(visit()) == []


def test_sideways_scrolling_leaked_values_and_console_errors_are_reported():
    assert "页面宽 442px > 360px" in layout_problems(visit(scrollWidth=442))[0]
    for leak in ("到会选民人数（None人）", "代表：[]", "比例 nan%", "{{ deputy.name }}"):
        assert layout_problems(visit(text=leak)), leak
    page = visit()
    page.console.append("Refused to execute inline script")
    assert "控制台错误" in layout_problems(page)[0]


def test_words_that_merely_contain_the_letters_are_not_leaks():
    assert layout_problems(visit(text="Nonetheless · Financial · nano")) == []


def test_one_page_per_kind_and_no_files_or_admin():
    assert route_kind("/mailbox/letters/17/reply/") == route_kind("/mailbox/letters/18/reply/")
    assert local_path("/reports/pdf/summaries/3/", "http://x") is None
    assert local_path("/admin/", "http://x") is None
    assert local_path("http://x/mailbox/?page=2#top", "http://x") == "/mailbox/?page=2"
