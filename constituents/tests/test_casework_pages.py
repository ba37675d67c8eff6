"""Pages: scoping (group B cannot see or change group A's things), committee read-only,
the steps through the browser, and flat query counts on every list."""

from __future__ import annotations

import pytest
from django.urls import reverse

from constituents import services
from constituents.models import Problem, ProblemFeedback, Suggestion
from constituents.tests.casework import D, State, drive, register
from constituents.tests.factories import ConstituentFactory, ContactActivityFactory
from deputies.tests.factories import DepartmentFactory, DeputyFactory


@pytest.fixture
def rows(deputy_a, deputy_b, liaison_a, community_a):
    person = ConstituentFactory(community=community_a)
    problem = drive(register(deputy_a, liaison_a, constituents=[person]), State.HANDLING, liaison_a)
    activity = ContactActivityFactory(constituency=deputy_a.constituency, deputies=[deputy_a])
    suggestion = services.suggestion_draft(kind="suggestion", title="关于增设公交站的建议", content="……",
                                           category="transport", lead_deputy=deputy_a, problems=[problem],
                                           acting_user=liaison_a)
    return {"problem": problem, "activity": activity, "suggestion": suggestion}


def test_group_b_deputy_cannot_see_or_change_group_a(client_of, rows, deputy_b):
    client = client_of(deputy_b.user)
    problem, activity, suggestion = rows["problem"], rows["activity"], rows["suggestion"]
    for url in [
        problem.get_absolute_url(), activity.get_absolute_url(), suggestion.get_absolute_url(),
        reverse("constituents:problem_step", args=[problem.pk, "followup"]),
        reverse("constituents:suggestion_edit", args=[suggestion.pk]),
        reverse("constituents:activity_photo_add", args=[activity.pk]),
    ]:
        assert client.get(url).status_code in (404,), url
    response = client.post(reverse("constituents:problem_step", args=[problem.pk, "followup"]), {
        "followed_on": "2026-09-10", "method": "phone", "department_said": "x",
    })
    assert response.status_code == 404 and not problem.follow_ups.exists()
    for url in [reverse("constituents:problem_list"), reverse("constituents:activity_list"),
                reverse("constituents:suggestion_list")]:
        page = client.get(url).content.decode()
        assert problem.text not in page and "关于增设公交站的建议" not in page and "社区活动室" not in page


def test_group_a_sees_its_own(client_of, rows, deputy_a, liaison_a):
    for user in (deputy_a.user, liaison_a):
        client = client_of(user)
        assert client.get(rows["problem"].get_absolute_url()).status_code == 200
        assert rows["problem"].text in client.get(reverse("constituents:problem_list")).content.decode()


def test_committee_reads_but_cannot_change(client_of, rows, committee_user):
    client = client_of(committee_user)
    problem = rows["problem"]
    assert client.get(problem.get_absolute_url()).status_code == 200
    for url in [reverse("constituents:activity_create"), reverse("constituents:problem_create"),
                reverse("constituents:suggestion_create"),
                reverse("constituents:problem_step", args=[problem.pk, "followup"])]:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url
    assert "记录督办" not in client.get(problem.get_absolute_url()).content.decode()


def test_pipeline_through_the_pages(client_of, deputy_a, liaison_a, community_a):
    person = ConstituentFactory(community=community_a)
    problem = register(deputy_a, liaison_a, constituents=[person])
    department = DepartmentFactory(name="区城市管理局")
    client = client_of(liaison_a)
    step = lambda name: reverse("constituents:problem_step", args=[problem.pk, name])  # noqa: E731
    # A deadline before the forwarding date is refused on the form, nothing saved.
    page = client.post(step("forward"), {"departments": [department.pk], "forwarded_on": "2026-09-28",
                                         "deadline": "2026-09-01"}).content.decode()
    assert "答复期限不能早于转交日期" in page and not problem.forwardings.exists()
    assert client.post(step("forward"), {"departments": [department.pk], "forwarded_on": "2026-09-28",
                                         "deadline_days": "15"}).status_code == 302
    forwarding = problem.forwardings.get()
    assert forwarding.deadline == D(2026, 10, 23)
    # Skipping a state is refused with the reason.
    # The liaison records the department's steps as 代录, naming the department's contact.
    proxy = {"proxy_contact": "李科长"}
    page = client.post(step("resolve"), {"resolved_on": "2026-10-01", "result_summary": "好了", **proxy}
                       ).content.decode()
    assert "不能办结" in page
    client.post(step("accept"), {"forwarding": forwarding.pk, "accepted_on": "2026-09-29", **proxy})
    client.post(step("followup"), {"followed_on": "2026-10-09", "method": "phone", "forwarding": forwarding.pk,
                                   "department_said": "部门称下周施工"})
    client.post(step("reply"), {"forwarding": forwarding.pk, "replied_on": "2026-10-20", "result_class": "A",
                                "reply_text": "已完成维修", **proxy})
    client.post(step("resolve"), {"resolved_on": "2026-10-21", "result_summary": "路灯已修复", **proxy})
    client.post(step("feedback"), {"when": "2026-10-22", "how": "phone"})
    problem.refresh_from_db()
    assert problem.state == State.FED_BACK
    detail = client.get(problem.get_absolute_url()).content.decode()
    for words in ["转交区城市管理局", "区城市管理局签收", "部门称下周施工", "区城市管理局答复", "已向反映人反馈",
                  "代录，部门联系人：李科长", "重新办理"]:
        assert words in detail, words


def test_overdue_and_awaiting_feedback_views(client_of, deputy_a, liaison_a):
    overdue = drive(register(deputy_a, liaison_a), State.HANDLING, liaison_a)
    waiting = drive(register(deputy_a, liaison_a), State.RESOLVED, liaison_a)
    client = client_of(liaison_a)
    overdue.text, waiting.text = "逾期的诉求内容", "待反馈的诉求内容"
    Problem.objects.filter(pk=overdue.pk).update(text=overdue.text)
    Problem.objects.filter(pk=waiting.pk).update(text=waiting.text)
    page = client.get(reverse("constituents:problem_list"), {"view": "overdue"}).content.decode()
    assert "逾期的诉求内容" in page and "待反馈的诉求内容" not in page and "已逾期" in page
    page = client.get(reverse("constituents:problem_list"), {"view": "awaiting_feedback"}).content.decode()
    assert "待反馈的诉求内容" in page and "逾期的诉求内容" not in page


def test_suggestion_reply_through_the_page_fans_out(client_of, deputy_a, liaison_a, community_a):
    people = ConstituentFactory.create_batch(2, community=community_a)
    problems = [register(deputy_a, liaison_a, constituents=[p]) for p in people]
    client = client_of(deputy_a.user)
    response = client.post(reverse("constituents:suggestion_create"), {
        "kind": "suggestion", "title": "关于老旧小区路灯改造的建议", "category": "urban_construction",
        "lead_deputy": deputy_a.pk, "content": "多处路灯损坏", "research_notes": "实地查看",
        "problems": [p.pk for p in problems],
    })
    suggestion = Suggestion.objects.get()
    assert response.status_code == 302 and suggestion.problems.count() == 2
    client.post(reverse("constituents:suggestion_step", args=[suggestion.pk, "submit"]), {"submitted_on": "2026-10-08"})
    # Handing over and recording the reply is the office's and liaisons' work.
    assert client.get(reverse("constituents:suggestion_step", args=[suggestion.pk, "assign"])).status_code == 403
    liaison = client_of(liaison_a)
    department = DepartmentFactory()
    liaison.post(reverse("constituents:suggestion_step", args=[suggestion.pk, "assign"]),
                 {"assigned_on": "2026-10-09", "lead_department": department.pk})
    liaison.post(reverse("constituents:suggestion_step", args=[suggestion.pk, "reply"]),
                 {"replied_on": "2026-11-20", "result_class": "A", "reply_text": "已纳入明年改造计划"})
    assert ProblemFeedback.objects.filter(suggestion=suggestion, status="pending").count() == 2
    assert set(Problem.objects.values_list("state", flat=True)) == {State.RESOLVED}


def test_bill_with_too_few_proposers_is_refused_on_the_page(client_of, deputy_a, liaison_a):
    bill = services.suggestion_draft(kind="bill", title="关于制定养老服务条例的议案", content="……",
                                     category="elderly_care", lead_deputy=deputy_a, research_notes="调研三次",
                                     acting_user=liaison_a)
    page = client_of(liaison_a).post(reverse("constituents:suggestion_step", args=[bill.pk, "submit"]),
                                     {"submitted_on": "2026-10-08"}).content.decode()
    assert "10 名以上代表联名" in page
    assert Suggestion.objects.get(pk=bill.pk).state == Suggestion.State.DRAFT


# --- query counts -------------------------------------------------------------


def test_problem_list_is_flat(client_of, staff_user, deputy_a, liaison_a, community_a, assert_flat_queries):
    drive(register(deputy_a, liaison_a), State.HANDLING, liaison_a)

    def grow():
        for _ in range(6):
            drive(register(deputy_a, liaison_a, constituents=[ConstituentFactory(community=community_a)]),
                  State.HANDLING, liaison_a)
    for view in ("", "overdue"):
        assert_flat_queries(client_of(staff_user), reverse("constituents:problem_list"), grow=grow,
                            params={"view": view} if view else None)


def test_problem_list_with_fed_back_rows_is_flat(client_of, staff_user, deputy_a, liaison_a, community_a,
                                                 assert_flat_queries):
    # A fed-back row offers 发回重办 only after a dissatisfied 回访: its callbacks come with the page, not per row.
    drive(register(deputy_a, liaison_a, constituents=[ConstituentFactory(community=community_a)]),
          State.FED_BACK, liaison_a)

    def grow():
        for _ in range(4):
            drive(register(deputy_a, liaison_a, constituents=[ConstituentFactory(community=community_a)]),
                  State.FED_BACK, liaison_a)
    assert_flat_queries(client_of(staff_user), reverse("constituents:problem_list"), grow=grow)


def test_activity_list_and_stats_are_flat(client_of, liaison_a, deputy_a, assert_flat_queries):
    ContactActivityFactory(constituency=deputy_a.constituency, deputies=[deputy_a])

    def grow():
        for _ in range(5):
            colleague = DeputyFactory(term=deputy_a.term, constituency=deputy_a.constituency)
            ContactActivityFactory(constituency=deputy_a.constituency, deputies=[deputy_a, colleague])
    for name in ("constituents:activity_list", "constituents:activity_stats"):
        assert_flat_queries(client_of(liaison_a), reverse(name), grow=grow)


def test_suggestion_and_common_lists_are_flat(client_of, liaison_a, deputy_a, assert_flat_queries):
    def grow():
        for index in range(4):
            problem = register(deputy_a, liaison_a)
            services.suggestion_draft(kind="suggestion", title=f"建议{index}", content="……", category="transport",
                                      lead_deputy=deputy_a, problems=[problem], acting_user=liaison_a)
    grow()
    for name in ("constituents:suggestion_list", "constituents:common_problems"):
        assert_flat_queries(client_of(liaison_a), reverse(name), grow=grow)


def test_panels_and_detail_pages_are_flat(client_of, liaison_a, deputy_a, group_a, assert_flat_queries):
    problem = drive(register(deputy_a, liaison_a), State.HANDLING, liaison_a)

    def grow():
        for _ in range(3):
            services.followup_add(problem=problem, followed_on=D(2026, 9, 10), method="phone",
                                  department_said="在办", acting_user=liaison_a)
            drive(register(deputy_a, liaison_a), State.RESOLVED, liaison_a)
            ContactActivityFactory(constituency=deputy_a.constituency, deputies=[deputy_a])
    client = client_of(liaison_a)
    for url in [reverse("home"), reverse("deputies:group_detail", args=[group_a.pk]),
                reverse("deputies:deputy_detail", args=[deputy_a.pk]), problem.get_absolute_url()]:
        assert_flat_queries(client, url, grow=grow)
    assert_flat_queries(client_of(deputy_a.user), reverse("home"), grow=grow)
