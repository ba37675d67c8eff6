"""At a province's scale (8,000 groups, 100k deputies) the 述职 pages choose a group or a deputy by
searching as you type, and the 提交情况 page shows a page of groups (perf, issue 11)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from deputies.tests.factories import DeputyGroupFactory
from reports import views
from reports.exports import OVERVIEW_HEADERS

from .conftest import YEAR


def _search_urls():
    return {"groups": reverse("autocomplete_groups"), "deputies": reverse("autocomplete_deputies")}


@pytest.mark.parametrize("name", ["reports:plan_list", "reports:meeting_list", "reports:rectification_list",
                                  "reports:written_list", "reports:written_missing", "reports:archive_group"])
def test_group_filters_search_as_you_type(client_of, staff_user, group_a, group_b, name):
    page = client_of(staff_user).get(reverse(name)).content.decode()
    assert '<select name="group"' not in page
    assert f'data-autocomplete-url="{_search_urls()["groups"]}"' in page
    # No group is listed as an option: the page does not grow with the number of groups.
    assert f'<option value="{group_b.pk}"' not in page


def test_plan_draft_and_filter_take_a_searched_group(client_of, staff_user, group_a, group_b, plan_a):
    client = client_of(staff_user)
    page = client.get(reverse("reports:plan_list")).content.decode()
    assert page.count(f'data-autocomplete-url="{_search_urls()["groups"]}"') == 2  # the draft form and the filter
    assert "不选则为全部代表组生成" in page
    # Each search box fills its own form's hidden input.
    assert 'data-autocomplete-target="draft_group"' in page and 'data-autocomplete-target="id_group"' in page
    assert page.count('id="id_group"') == 1
    filtered = client.get(reverse("reports:plan_list"), {"group": group_b.pk}).content.decode()
    assert "乙代表组" in filtered and plan_a.get_absolute_url() not in filtered
    chosen = client.get(reverse("reports:plan_list"), {"group": group_a.pk}).content.decode()
    assert plan_a.get_absolute_url() in chosen and 'value="甲代表组"' in chosen  # the search box shows the choice


@pytest.mark.parametrize("value", ["abc", "999999999999999", "-1"])
def test_a_bad_group_is_a_message_not_an_error(client_of, staff_user, group_a, value):
    client = client_of(staff_user)
    for name in ("reports:plan_list", "reports:meeting_list", "reports:rectification_list",
                 "reports:written_list", "reports:written_missing"):
        response = client.get(reverse(name), {"group": value, "page": "abc"})
        assert response.status_code == 200, name
        assert "选择一个有效的选项" in response.content.decode(), name


def test_a_group_the_liaison_may_not_see_is_refused(client_of, liaison_a, group_a, group_b, plan_a):
    client = client_of(liaison_a)
    page = client.get(reverse("reports:plan_list"), {"group": group_b.pk}).content.decode()
    assert "选择一个有效的选项" in page and "乙代表组" not in page
    missing = client.get(reverse("reports:written_missing"), {"group": group_b.pk, "year": YEAR}).content.decode()
    assert "选择一个有效的选项" in missing and "乙代表组" not in missing and "甲代表组" in missing
    assert client.get(reverse("reports:archive_group"), {"group": group_b.pk}).status_code == 404


def test_written_start_searches_deputies_and_refuses_one_out_of_reach(client_of, liaison_a, deputy_a, deputy_b):
    client = client_of(liaison_a)
    page = client.get(reverse("reports:written_start")).content.decode()
    assert f'data-autocomplete-url="{_search_urls()["deputies"]}"' in page
    assert deputy_b.name not in page and f'<option value="{deputy_a.pk}"' not in page
    response = client.post(reverse("reports:written_start"), {"deputy": deputy_b.pk, "year": YEAR})
    assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()


def test_spot_check_draw_searches_groups(client_of, committee_user, group_a, group_b):
    page = client_of(committee_user).get(reverse("reports:spot_check_new")).content.decode()
    assert f'data-autocomplete-url="{_search_urls()["groups"]}"' in page
    assert f'<option value="{group_b.pk}"' not in page


# --- 提交情况: a page of groups ---------------------------------------------------------------------------


@pytest.fixture
def two_per_page(monkeypatch):
    monkeypatch.setattr(views, "OVERVIEW_GROUPS_PER_PAGE", 2)


def test_overview_pages_groups_and_finds_one(client_of, staff_user, confirmed_plan_a, group_b, two_per_page):
    DeputyGroupFactory(name="丙代表组", sort_order=9)
    client = client_of(staff_user)
    url = reverse("reports:written_missing")
    first = client.get(url, {"year": YEAR}).content.decode()
    assert "甲代表组" in first and "乙代表组" in first and "丙代表组" not in first
    assert "下一页" in first and f"year={YEAR}" in first
    second = client.get(url, {"year": YEAR, "page": 2}).content.decode()
    assert "丙代表组" in second and "甲代表组" not in second
    found = client.get(url, {"year": YEAR, "group": group_b.pk}).content.decode()
    assert "乙代表组" in found and "甲代表组" not in found and "下一页" not in found


def test_overview_export_holds_every_group(client_of, staff_user, confirmed_plan_a, group_b, two_per_page):
    import io

    from openpyxl import load_workbook

    DeputyGroupFactory(name="丙代表组", sort_order=9)
    response = client_of(staff_user).get(reverse("reports:written_missing"), {"year": YEAR, "export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    names = {row[0] for row in sheet.iter_rows(values_only=True)}
    assert {"甲代表组", "乙代表组", "丙代表组"} <= names
    assert any(row[: len(OVERVIEW_HEADERS)] == tuple(OVERVIEW_HEADERS) for row in sheet.iter_rows(values_only=True))


def test_overview_query_count_does_not_grow_with_groups(client_of, staff_user, confirmed_plan_a, group_b,
                                                        assert_flat_queries, two_per_page):
    def grow():
        for n in range(5):
            DeputyGroupFactory(name=f"新代表组{n}", sort_order=99)  # on later pages

    assert_flat_queries(client_of(staff_user), reverse("reports:written_missing"), grow=grow,
                        params={"year": YEAR})


def test_overview_export_over_the_limit_becomes_a_job_without_computing(client_of, staff_user, group_a, group_b,
                                                                       monkeypatch):
    from liaison import exports
    from liaison.models import ExportJob
    from reports import selectors

    def never(*args, **kwargs):
        raise AssertionError("the overview is computed only for a workbook that is written")

    monkeypatch.setattr(exports, "MAX_ROWS", 1)
    monkeypatch.setattr(selectors, "written_overview", never)
    response = client_of(staff_user).get(reverse("reports:written_missing"), {"year": YEAR, "export": "xlsx"})
    job = ExportJob.objects.get()  # a province's 8,000 groups: written by a task, every group in it
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert job.kind == "written_overview" and job.total_rows == 2


def test_overview_sheet_is_ready_for_a_background_export(staff_user, liaison_a, confirmed_plan_a, group_b):
    """What an export job rebuilds (liaison.services_exports): the sheet for the same user and filters."""
    import io

    from django.http import QueryDict
    from openpyxl import load_workbook

    from liaison.exports import Export, ListRequest, write_workbook
    from reports.exports import written_overview_sheet

    sheet = written_overview_sheet(ListRequest(user=liaison_a, GET=QueryDict(f"year={YEAR}")))
    assert sheet.total() == 1  # the liaison's own group only
    target = io.BytesIO()
    assert write_workbook(target, sheet, Export()) == 1
    rows = list(load_workbook(io.BytesIO(target.getvalue())).active.iter_rows(values_only=True))
    assert rows[1][0] == "甲代表组"
