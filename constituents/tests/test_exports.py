"""Excel export of the casework lists with their filters (issue 12 §2)."""

from __future__ import annotations

import io

import openpyxl
from django.urls import reverse

from constituents.models import Problem, ProblemCategory
from constituents.tests.casework import D, drive, register
from constituents.tests.factories import ConstituentFactory, ProblemFactory
from deputies.tests.factories import DepartmentFactory
from liaison.models import AccessLog, AuditEvent


def _sheet(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    return rows[0], [dict(zip(rows[0], values, strict=True)) for values in rows[1:]]


def test_the_problem_export_carries_the_lifecycle_of_each_case(client_of, liaison_a, deputy_a, community_a):
    person = ConstituentFactory(community=community_a, name="赵桂芳")
    department = DepartmentFactory(name="区城市管理局")
    fed_back = drive(register(deputy_a, liaison_a, constituents=[person]), Problem.State.FED_BACK, liaison_a,
                     department=department)

    response = client_of(liaison_a).get(reverse("constituents:problem_list"), {"export": "xlsx"})
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert "%E7%BE%A4%E4%BC%97%E8%AF%89%E6%B1%82" in response["Content-Disposition"]  # 群众诉求
    headers, rows = _sheet(response)
    assert "答复用时（工作日）" in headers
    (row,) = rows
    assert row["编号"] == fed_back.pk and row["承办部门"] == "区城市管理局" and row["状态"] == "已反馈"
    assert row["转交日期"].date() == D(2026, 9, 2) and row["签收日期"].date() == D(2026, 9, 3)
    assert row["答复日期"].date() == D(2026, 9, 10) and row["办结日期"].date() == D(2026, 9, 11)
    assert row["反馈日期"].date() == D(2026, 9, 12) and row["答复类别"] and row["答复用时（工作日）"] >= 1
    # The group's liaison may see the person whole: the name goes out in full and is logged.
    assert row["反映人"] == "赵桂芳"
    log = AccessLog.objects.get()
    assert log.user == liaison_a and log.action == AccessLog.Action.EXPORTED and log.object_id == str(person.pk)
    event = AuditEvent.objects.get(action="liaison.list.exported")
    assert event.user == liaison_a and "群众诉求：1 条" in event.detail


def test_the_problem_export_keeps_the_filters_and_the_scope(client_of, staff_user, deputy_a, deputy_b):
    lights = ProblemFactory(deputy=deputy_a, category=ProblemCategory.URBAN_CONSTRUCTION)
    ProblemFactory(deputy=deputy_a, category=ProblemCategory.EDUCATION, text="学校门口拥堵")
    theirs = ProblemFactory(deputy=deputy_b, text="乙组的问题", category=ProblemCategory.EDUCATION)

    url = reverse("constituents:problem_list")
    _, rows = _sheet(client_of(staff_user).get(url, {"export": "xlsx", "category": ProblemCategory.URBAN_CONSTRUCTION}))
    assert [row["编号"] for row in rows] == [lights.pk]
    # The page links to the same filters.
    page = client_of(staff_user).get(url, {"category": ProblemCategory.URBAN_CONSTRUCTION}).content.decode()
    assert f"category={ProblemCategory.URBAN_CONSTRUCTION}&amp;export=xlsx" in page and "导出 Excel" in page

    _, rows = _sheet(client_of(deputy_b.user).get(url, {"export": "xlsx"}))
    assert [row["编号"] for row in rows] == [theirs.pk]


def test_a_deputy_exports_the_rest_of_the_group_masked(client_of, deputy_a, term, group_a, community_a):
    from deputies.tests.factories import CommunityFactory, ConstituencyFactory

    elsewhere = ConstituencyFactory(term=term, group=group_a, name="第3选区")
    neighbour = ConstituentFactory(community=CommunityFactory(constituency=elsewhere), name="钱学文")
    own = ConstituentFactory(community=community_a, name="赵桂芳")
    ProblemFactory(deputy=deputy_a).constituents.add(neighbour, own)
    _, rows = _sheet(client_of(deputy_a.user).get(reverse("constituents:problem_list"), {"export": "xlsx"}))
    assert [row["反映人"] for row in rows] == ["钱**、赵桂芳"]
    assert list(AccessLog.objects.values_list("object_id", flat=True)) == [str(own.pk)]


def test_the_problem_export_query_count_does_not_grow_with_rows(client_of, liaison_a, deputy_a, community_a,
                                                              assert_flat_queries):
    grow_by = 12

    def case():
        problem = ProblemFactory(deputy=deputy_a)
        problem.constituents.add(ConstituentFactory(community=community_a))
        return problem

    case()
    response = assert_flat_queries(
        client_of(liaison_a), reverse("constituents:problem_list"), params={"export": "xlsx"},
        grow=lambda: [case() for _ in range(grow_by)],
    )
    _, rows = _sheet(response)
    assert len(rows) == 1 + grow_by


# --- the other lists --------------------------------------------------------------


def test_the_activity_export_keeps_the_filters_and_the_scope(client_of, staff_user, deputy_a, deputy_b,
                                                             assert_flat_queries):
    from constituents.models import ActivityForm
    from constituents.tests.factories import ContactActivityFactory

    visit = ContactActivityFactory(constituency=deputy_a.constituency, form=ActivityForm.VISIT, deputies=[deputy_a],
                                   place="幸福里活动室")
    ContactActivityFactory(constituency=deputy_a.constituency, form=ActivityForm.SURVEY, deputies=[deputy_a])
    theirs = ContactActivityFactory(constituency=deputy_b.constituency, form=ActivityForm.SURVEY, deputies=[deputy_b])
    url = reverse("constituents:activity_list")

    _, rows = _sheet(client_of(staff_user).get(url, {"export": "xlsx", "form": ActivityForm.VISIT}))
    assert [(row["编号"], row["活动地点"], row["参加代表"]) for row in rows] == [(visit.pk, "幸福里活动室", "张建国")]
    assert "导出 Excel" in client_of(staff_user).get(url).content.decode()
    _, rows = _sheet(client_of(deputy_b.user).get(url, {"export": "xlsx"}))
    assert [row["编号"] for row in rows] == [theirs.pk]
    assert_flat_queries(
        client_of(staff_user), url, params={"export": "xlsx"},
        grow=lambda: ContactActivityFactory.create_batch(8, constituency=deputy_a.constituency, deputies=[deputy_a]),
    )


def test_the_suggestion_export_keeps_the_filters_and_the_scope(client_of, liaison_a, deputy_a, deputy_b):
    from constituents import services
    from constituents.models import Suggestion

    def draft(deputy, title, kind=Suggestion.Kind.SUGGESTION):
        return services.suggestion_draft(
            kind=kind, title=title, content="多个社区反映路灯损坏……", category=ProblemCategory.URBAN_CONSTRUCTION,
            lead_deputy=deputy, proposers=(), problems=(), research_notes="走访", acting_user=deputy.user,
        )

    ours = draft(deputy_a, "关于改造老旧小区照明设施的建议")
    draft(deputy_a, "关于增设公交站点的议案", kind=Suggestion.Kind.BILL)
    draft(deputy_b, "乙组的建议")
    url = reverse("constituents:suggestion_list")

    _, rows = _sheet(client_of(liaison_a).get(url, {"export": "xlsx", "kind": Suggestion.Kind.SUGGESTION}))
    assert [(row["编号"], row["标题（案由）"], row["领衔代表"]) for row in rows] == [
        (ours.pk, "关于改造老旧小区照明设施的建议", "张建国")]
    assert "导出 Excel" in client_of(liaison_a).get(url).content.decode()


def test_the_department_figures_export_has_the_pages_numbers(client_of, staff_user, liaison_a, deputy_a,
                                                             community_a):
    department = DepartmentFactory(name="区城市管理局")
    drive(register(deputy_a, liaison_a, constituents=[ConstituentFactory(community=community_a)]),
          Problem.State.FED_BACK, liaison_a, department=department)
    client = client_of(staff_user)
    url = reverse("constituents:department_stats")
    page = client.get(url, {"year": 2026}).content.decode()
    assert "year=2026&amp;export=xlsx" in page

    response = client.get(url, {"year": 2026, "export": "xlsx"})
    assert "filename*=utf-8''" in response["Content-Disposition"]
    _, rows = _sheet(response)
    names = [row["名称"] for row in rows]
    assert names == ["全区合计", "区城市管理局", "代表组：甲代表组"]
    assert rows[1]["转交"] == 1 and rows[1]["按期答复率"] == 100.0
    _, empty = _sheet(client.get(url, {"year": 2025, "export": "xlsx"}))
    assert [row["转交"] for row in empty] == [0]


# --- the constituent roster ---------------------------------------------------------


def test_the_constituent_roster_is_whole_only_where_the_user_may_see_it(client_of, deputy_a, liaison_a, term,
                                                                       group_a, community_a, deputy_b,
                                                                       constituency_b):
    from deputies.tests.factories import CommunityFactory, ConstituencyFactory

    own = ConstituentFactory(community=community_a, name="赵桂芳", phone="13812345678", address="幸福里3号楼2单元")
    neighbour = ConstituentFactory(community=CommunityFactory(
        constituency=ConstituencyFactory(term=term, group=group_a, name="第3选区")), name="钱学文",
        phone="13900001111")
    ConstituentFactory(community=CommunityFactory(constituency=constituency_b), name="孙立新")
    url = reverse("constituents:constituent_list")
    assert "导出 Excel" in client_of(deputy_a.user).get(url).content.decode()

    # Deputy A: their own constituency whole (and logged), the rest of the group masked, group B absent.
    headers, rows = _sheet(client_of(deputy_a.user).get(url, {"export": "xlsx"}))
    assert headers[:4] == ("编号", "姓名", "联系电话", "住址") and "选区" in headers and "登记日期" in headers
    by_id = {row["编号"]: row for row in rows}
    assert set(by_id) == {own.pk, neighbour.pk}
    assert (by_id[own.pk]["姓名"], by_id[own.pk]["联系电话"], by_id[own.pk]["住址"]) == (
        "赵桂芳", "13812345678", "幸福里3号楼2单元")
    assert (by_id[neighbour.pk]["姓名"], by_id[neighbour.pk]["联系电话"]) == ("钱**", "139****1111")
    assert by_id[own.pk]["登记日期"].year >= 2026  # an Excel date
    assert list(AccessLog.objects.values_list("object_id", "action")) == [(str(own.pk), AccessLog.Action.EXPORTED)]
    assert AuditEvent.objects.get(action="liaison.list.exported").detail.startswith("选民名册：2 条")

    # The filters of the page apply; deputy B sees none of group A.
    _, rows = _sheet(client_of(liaison_a).get(url, {"export": "xlsx", "name": "钱"}))
    assert [row["姓名"] for row in rows] == ["钱学文"]
    _, rows = _sheet(client_of(deputy_b.user).get(url, {"export": "xlsx"}))
    assert [row["姓名"] for row in rows] == ["孙立新"]


def test_the_committee_exports_the_roster_masked_and_nothing_is_logged(client_of, committee_user, community_a):
    ConstituentFactory(community=community_a, name="赵桂芳", phone="13812345678")
    _, rows = _sheet(client_of(committee_user).get(reverse("constituents:constituent_list"), {"export": "xlsx"}))
    assert [(row["姓名"], row["联系电话"]) for row in rows] == [("赵**", "138****5678")]
    assert not AccessLog.objects.exists()


def test_the_roster_export_query_count_does_not_grow_with_rows(client_of, deputy_a, community_a,
                                                               assert_flat_queries):
    ConstituentFactory(community=community_a)
    response = assert_flat_queries(
        client_of(deputy_a.user), reverse("constituents:constituent_list"), params={"export": "xlsx"},
        grow=lambda: ConstituentFactory.create_batch(10, community=community_a),
    )
    _, rows = _sheet(response)
    assert len(rows) == 11
