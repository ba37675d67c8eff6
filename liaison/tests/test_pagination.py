"""Long lists: a count that stops at a cap, and "下一页"/"上一页" links that seek from the sort key of
the page's edge row instead of skipping rows by OFFSET (keyset pagination, issue 11)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from constituents.models import Problem
from constituents.tests.factories import ProblemFactory
from liaison.pagination import CappedPaginator, capped_page


@pytest.fixture
def problems(deputy_a):
    # Eleven problems on three days: several share a day, so the order's tie-breaker (id) matters.
    return [ProblemFactory(deputy=deputy_a, raised_on=dt.date(2026, 3, 1 + n % 3), text=f"第{n}件")
            for n in range(11)]


def walk(queryset, per_page: int, direction: str = "next", start: QueryDict | None = None):
    """Follow a list's links from its first page (or from `start`) to its end; each page's rows and query."""
    params, pages = start or QueryDict(""), []
    while True:
        page = capped_page(queryset, per_page, params)
        pages.append((page.number, [row.pk for row in page], params.urlencode()))
        more = page.has_next() if direction == "next" else page.has_previous()
        if not more:
            return pages
        params = QueryDict(getattr(page, f"{direction}_query"))


def test_next_links_visit_every_row_once_in_the_lists_order(problems):
    queryset = Problem.objects.all()  # -raised_on, -id
    pages = walk(queryset, 3)
    assert [number for number, _, _ in pages] == [1, 2, 3, 4]
    assert [pk for _, rows, _ in pages for pk in rows] == list(queryset.values_list("pk", flat=True))
    # From page 2 on, the link carries the last row's key, and the page number is only its label.
    assert "after" not in pages[0][2] and all("after" in query for _, _, query in pages[1:])


def test_previous_links_come_back_through_the_same_pages(problems):
    queryset = Problem.objects.all()
    forward = walk(queryset, 3)
    last = QueryDict(forward[-1][2])
    backward = walk(queryset, 3, "previous", start=last)
    assert [(number, rows) for number, rows, _ in backward] == [(number, rows) for number, rows, _ in forward[::-1]]


def test_an_ascending_order_on_a_filtered_nullable_date_seeks_too(deputy_a):
    # The overdue list: longest overdue first, by the stored earliest open deadline.
    for _ in range(7):
        ProblemFactory(deputy=deputy_a)
    Problem.objects.filter(pk__in=Problem.objects.order_by("pk").values("pk")[:5]).update(
        open_deadline=dt.date(2026, 3, 10))
    overdue = Problem.objects.filter(open_deadline__lt=dt.date(2026, 4, 1)).order_by("open_deadline", "pk")
    pages = walk(overdue, 2)
    assert [pk for _, rows, _ in pages for pk in rows] == list(overdue.values_list("pk", flat=True))
    assert "after" in pages[1][2]


def test_an_order_that_runs_both_ways_seeks_too(problems):
    # Newest day first, and within a day the earliest registered first: no row comparison fits this.
    queryset = Problem.objects.order_by("-raised_on", "id")
    pages = walk(queryset, 4)
    assert "after" in pages[1][2]
    assert [pk for _, rows, _ in pages for pk in rows] == list(queryset.values_list("pk", flat=True))
    backward = walk(queryset, 4, "previous", start=QueryDict(pages[-1][2]))
    assert [rows for _, rows, _ in backward] == [rows for _, rows, _ in pages[::-1]]


def test_an_order_on_a_column_that_may_be_empty_keeps_page_numbers(problems):
    # Seeking past a key would drop the rows without one: such a list pages by number.
    queryset = Problem.objects.order_by("open_deadline", "pk")
    pages = walk(queryset, 4)
    assert all("after" not in query for _, _, query in pages)
    assert [pk for _, rows, _ in pages for pk in rows] == list(queryset.values_list("pk", flat=True))


def test_a_seek_reads_from_the_key_without_offset(problems):
    queryset = Problem.objects.all()
    second = QueryDict(capped_page(queryset, 3, QueryDict("")).next_query)
    third = QueryDict(capped_page(queryset, 3, second).next_query)
    with CaptureQueriesContext(connection) as captured:
        page = capped_page(queryset, 3, third)
    assert page.number == 3 and len(page) == 3
    ids_query = next(query["sql"] for query in captured.captured_queries
                     if "COUNT(" not in query["sql"] and "LIMIT" in query["sql"])
    assert "OFFSET" not in ids_query


def test_links_keep_the_filters_and_replace_the_old_key(problems, deputy_a):
    params = QueryDict(mutable=True)
    params.setlist("state", ["registered"])
    params.setlist("tag", ["甲", "乙"])
    params["page"], params["after"] = "2", "2026-03-03~999999"
    page = capped_page(Problem.objects.all(), 3, params)
    following = parse_qs(page.next_query)
    assert following["tag"] == ["甲", "乙"] and following["state"] == ["registered"]
    assert following["page"] == ["3"] and len(following["after"]) == 1 and following["after"] != ["2026-03-03~999999"]


@pytest.mark.parametrize("key", ["garbage", "2026-13-40~5", "2026-03-01", "2026-03-01~5~6",
                                 "2026-03-01~" + "9" * 30, "", "~"])
def test_a_broken_key_falls_back_to_the_page_number(problems, key):
    page = capped_page(Problem.objects.all(), 3, QueryDict(f"page=2&after={key}"))
    assert page.number == 2
    assert [row.pk for row in page] == list(Problem.objects.values_list("pk", flat=True)[3:6])


def test_a_page_reached_by_its_link_says_the_count_stops_at_the_cap(problems):
    # Such a page reads its rows before anything counts them: the count is made when the page shows it.
    from django.template.loader import render_to_string

    html = render_to_string("_pagination.html", {"page": capped_page(Problem.objects.all(), 2, QueryDict(
        f"page=2&after=2026-03-03~{problems[-1].pk + 1}"))})
    assert "第 2 / 6 页，共 11 条" in html
    capped = CappedPaginator(Problem.objects.all(), 2, cap=5, params=QueryDict(f"page=3&after=2026-03-03~{problems[-1].pk + 1}"))
    html = render_to_string("_pagination.html", {"page": capped.get_page("3")})
    assert "第 3 页，共 5+ 条（仅统计到此）" in html and "下一页" in html


def test_a_list_of_nothing_is_one_empty_page(problems):
    # Someone who may see none of the rows gets Problem.objects.none(): no SQL to count, no error.
    page = capped_page(Problem.objects.none(), 3, QueryDict("page=4&after=2026-03-03~5"))
    assert page.number == 1 and list(page) == [] and not page.has_other_pages()
    assert page.paginator.count_label == "0"


def test_counts_stop_at_the_cap_and_say_so(problems):
    paginator = CappedPaginator(Problem.objects.order_by("pk"), 2, cap=5)
    page = paginator.get_page("1")
    assert paginator.count == 5 and paginator.count_label == "5+" and paginator.is_capped
    assert page.has_next()
    # A typed page past the pages counted is still there, and says whether another follows.
    deep = CappedPaginator(Problem.objects.order_by("pk"), 2, cap=5).get_page("6")
    assert deep.number == 6 and len(deep) == 1 and not deep.has_next() and deep.has_previous()
    # A page past the end is the last page, as Django's get_page gives.
    past = CappedPaginator(Problem.objects.order_by("pk"), 2, cap=5).get_page("40")
    assert past.number == 6 and [row.pk for row in past] == [problems[-1].pk]
    exact = CappedPaginator(Problem.objects.order_by("pk"), 2).get_page("99")
    assert exact.paginator.count_label == "11" and exact.number == 6


def test_a_page_of_values_keeps_the_order_of_its_ids(deputy_a):
    made = [ProblemFactory(deputy=deputy_a, text=f"第{n}件") for n in range(5)]
    problems = Problem.objects.order_by("-pk")
    paginator = CappedPaginator(problems, 2, rows=problems.values("pk", "text", "group__name"))
    assert list(paginator.get_page("2")) == [
        {"pk": made[2].pk, "text": "第2件", "group__name": deputy_a.group.name},
        {"pk": made[1].pk, "text": "第1件", "group__name": deputy_a.group.name},
    ]
    # The count does not make the rows' join.
    assert "JOIN" not in str(paginator.object_list.order_by()[:10].query)


def test_the_case_list_pages_by_its_links(client_of, staff_user, deputy_a):
    for n in range(33):
        ProblemFactory(deputy=deputy_a, raised_on=dt.date(2026, 3, 1 + n % 4), text=f"路灯第{n}处")
    client = client_of(staff_user)
    url = reverse("constituents:problem_list")
    first = client.get(url, {"category": "urban_construction"}).content.decode()
    assert "第 1 / 2 页，共 33 条" in first
    link = first.split('<a class="page-link" href="?')[1].split('"')[0].replace("&amp;", "&")
    assert "category=urban_construction" in link and "after=" in link
    second = client.get(f"{url}?{link}").content.decode()
    assert "第 2 / 2 页，共 33 条" in second and "下一页" not in second
    shown = [pk for pk in Problem.objects.values_list("pk", flat=True)[30:]]
    for pk in shown:
        assert reverse("constituents:problem_detail", args=[pk]) in second
    assert reverse("constituents:problem_detail", args=[Problem.objects.first().pk]) not in second


def counts_run(paginator) -> int:
    with CaptureQueriesContext(connection) as captured:
        paginator.get_page("1")
    return sum("COUNT(" in query["sql"] for query in captured.captured_queries)


def test_a_list_past_the_cap_is_counted_once_then_remembered(problems, deputy_a):
    everything = Problem.objects.order_by("pk")
    assert counts_run(CappedPaginator(everything, 2, cap=5)) == 1
    again = CappedPaginator(everything, 2, cap=5)
    assert counts_run(again) == 0 and again.count_label == "5+"
    # Another filter is another list; a list under the cap is counted on every view, so a new case shows at once.
    few = Problem.objects.filter(text__in=["第1件", "第2件"]).order_by("pk")
    assert counts_run(CappedPaginator(few, 2, cap=5)) == 1
    ProblemFactory(deputy=deputy_a, text="第1件")
    later = CappedPaginator(few, 2, cap=5)
    assert counts_run(later) == 1 and later.count_label == "3"
