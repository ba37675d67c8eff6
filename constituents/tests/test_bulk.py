"""Bulk steps on the problem list (issue 12 §4): forward, 催办, 反馈 and 回访 for many problems at once,
every item through its own service and audit, and the whole batch saved or none of it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from constituents.models import Callback, CallbackResult, FeedbackMethod, Forwarding
from constituents.tests.casework import State, drive, register
from constituents.tests.factories import ConstituentFactory
from constituents.views_bulk import BULK_LIMIT
from deputies.tests.factories import DepartmentFactory
from liaison.models import AuditEvent, Notification, Role
from liaison.tests.factories import UserFactory

BULK = "constituents:problem_bulk"


@pytest.fixture
def housing(db):
    return DepartmentFactory(name="区住房和城乡建设局", contact_person="郑科长")


@pytest.fixture
def dept_user(housing):
    user = UserFactory(username="dept", role=Role.DEPARTMENT)
    housing.users.add(user)
    return user


def problems_in(state, deputy, user, n, *, department=None, with_raiser=True):
    community = deputy.constituency.communities.first()
    return [
        drive(register(deputy, user, constituents=[ConstituentFactory(community=community)] if with_raiser else []),
              state, user, department=department)
        for _ in range(n)
    ]


def today() -> str:
    return timezone.localdate().isoformat()


def post(client, step, problems_or_ids, **fields):
    ids = [getattr(p, "pk", p) for p in problems_or_ids]
    return client.post(reverse(BULK), {"step": step, "ids": ids, **fields})


def forwarded_history(problem):
    return problem.history.filter(history_change_reason="constituents.problem.forwarded")


# --- each step succeeds for N rows, each audited as its single step -----------------------------


def test_bulk_forward_forwards_every_row_each_audited_and_tells_the_department(
        client_of, liaison_a, deputy_a, community_a, housing, dept_user):
    chosen = problems_in(State.REGISTERED, deputy_a, liaison_a, 3)
    response = post(client_of(liaison_a), "forward", chosen, department=housing.pk, forwarded_on=today(),
                    deadline_days=15)
    assert response.status_code == 302
    for problem in chosen:
        problem.refresh_from_db()
        assert problem.state == State.FORWARDED
        assert problem.forwardings.get().department == housing
        assert forwarded_history(problem).get().history_user == liaison_a
    assert Notification.objects.filter(recipient=dept_user, title__startswith="新转交").count() == 3
    batch = AuditEvent.objects.get(action="constituents.problem.bulk_done")
    assert batch.user == liaison_a and all(str(p.pk) in batch.detail for p in chosen)
    page = client_of(liaison_a).get(response.url).content.decode()
    assert f"已批量转交（区住房和城乡建设局） 3 件：{chosen[0].pk}号" in page


def test_bulk_remind_presses_each_open_department_once_a_day(client_of, staff_user, liaison_a, deputy_a,
                                                             community_a, housing, dept_user):
    chosen = problems_in(State.FORWARDED, deputy_a, liaison_a, 2, department=housing)
    response = post(client_of(staff_user), "remind", chosen)
    assert response.status_code == 302
    for problem in chosen:
        forwarding = problem.forwardings.get()
        assert forwarding.reminded_on == timezone.localdate()
        row = forwarding.history.get(history_change_reason="constituents.forwarding.reminded")
        assert row.history_user == staff_user
    assert Notification.objects.filter(recipient=dept_user, title__startswith="催办").count() == 2
    day = timezone.localdate()
    detail = client_of(staff_user).get(chosen[0].get_absolute_url()).content.decode()
    assert "催办区住房和城乡建设局" in detail
    seen = client_of(dept_user).get(reverse("constituents:forwarding_detail", args=[chosen[0].forwardings.get().pk]))
    assert f"最近催办</dt><dd class=\"col-8 col-md-9\">{day.year}年{day.month}月{day.day}日" in seen.content.decode()
    # Again the same day: refused row by row, nothing new.
    again = post(client_of(staff_user), "remind", chosen).content.decode()
    assert "今天已催办过区住房和城乡建设局" in again
    assert Notification.objects.filter(recipient=dept_user, title__startswith="催办").count() == 2


def test_bulk_feedback_marks_every_row_fed_back(client_of, liaison_a, deputy_a, community_a):
    chosen = problems_in(State.RESOLVED, deputy_a, liaison_a, 3)
    response = post(client_of(liaison_a), "feedback", chosen, when=today(), how=FeedbackMethod.PHONE, note="电话告知")
    assert response.status_code == 302
    for problem in chosen:
        problem.refresh_from_db()
        assert problem.state == State.FED_BACK
        assert problem.history.filter(history_change_reason="constituents.problem.fed_back",
                                      history_user=liaison_a).exists()


def test_bulk_callback_records_each_raiser_of_each_row(client_of, staff_user, liaison_a, deputy_a, community_a):
    chosen = problems_in(State.FED_BACK, deputy_a, liaison_a, 2)
    anonymous = drive(register(deputy_a, liaison_a), State.RESOLVED, liaison_a)
    response = post(client_of(staff_user), "callback", [*chosen, anonymous], called_on=today(),
                    result=CallbackResult.SATISFIED)
    assert response.status_code == 302
    for problem in chosen:
        callback = Callback.objects.get(problem=problem)
        assert callback.constituent == problem.constituents.get() and callback.recorded_by == staff_user
        assert callback.history.filter(history_change_reason="constituents.callback.recorded").exists()
    assert Callback.objects.get(problem=anonymous).constituent is None


# --- one bad row rolls the whole batch back and is reported ------------------------------------


def test_a_row_in_the_wrong_state_rolls_back_the_batch_and_is_named(client_of, liaison_a, deputy_a, community_a,
                                                                   housing, dept_user):
    good = problems_in(State.REGISTERED, deputy_a, liaison_a, 2)
    late = drive(register(deputy_a, liaison_a), State.HANDLING, liaison_a)
    response = post(client_of(liaison_a), "forward", [*good, late], department=housing.pk, forwarded_on=today())
    page = response.content.decode()
    assert response.status_code == 200
    assert "没有保存任何一件" in page
    assert f"{late.pk}号“小区门口路灯坏了三个月” — 该诉求当前为“办理中”" in page
    for problem in good:
        problem.refresh_from_db()
        assert problem.state == State.REGISTERED and not problem.forwardings.exists()
        assert not forwarded_history(problem).exists()
    assert not Notification.objects.filter(recipient=dept_user).exists()
    assert not AuditEvent.objects.filter(action="constituents.problem.bulk_done").exists()


def test_another_groups_row_is_not_found_and_nothing_is_saved(client_of, liaison_a, deputy_a, deputy_b,
                                                             community_a, community_b, staff_user):
    mine = problems_in(State.RESOLVED, deputy_a, liaison_a, 2)
    theirs = drive(register(deputy_b, staff_user), State.RESOLVED, staff_user)
    missing = 987654
    page = post(client_of(liaison_a), "feedback", [*mine, theirs, missing], when=today(),
                how=FeedbackMethod.PHONE).content.decode()
    assert f"{theirs.pk}号 — 无权操作或不存在" in page
    assert f"{missing}号 — 无权操作或不存在" in page
    assert "小区门口路灯坏了三个月" not in page.split("没有保存任何一件")[1].split(f"{theirs.pk}号")[0]
    for problem in [*mine, theirs]:
        problem.refresh_from_db()
        assert problem.state == State.RESOLVED


def test_a_validation_failure_of_the_service_rolls_back_every_row(client_of, staff_user, liaison_a, deputy_a,
                                                                  community_a):
    chosen = problems_in(State.FED_BACK, deputy_a, liaison_a, 2)
    page = post(client_of(staff_user), "callback", chosen, called_on=today(),
                result=CallbackResult.DISSATISFIED).content.decode()
    assert page.count("选民不满意时，请记录不满意的原因。") >= 2
    assert not Callback.objects.exists()


def test_a_batch_whose_later_row_fails_keeps_not_even_the_first(client_of, liaison_a, deputy_a, community_a,
                                                                 housing):
    first = drive(register(deputy_a, liaison_a), State.FORWARDED, liaison_a, department=housing)
    done = drive(register(deputy_a, liaison_a), State.RESOLVED, liaison_a)
    page = post(client_of(liaison_a), "remind", [first, done]).content.decode()
    assert "该诉求当前为“已办结”，不能催办" in page
    assert first.forwardings.get().reminded_on is None


# --- who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["committee", "deputy", "department"])
def test_roles_without_bulk_steps_are_refused_and_nothing_changes(who, client_of, committee_user, deputy_a,
                                                                  liaison_a, community_a, housing, dept_user):
    chosen = problems_in(State.REGISTERED, deputy_a, liaison_a, 2)
    user = {"committee": committee_user, "deputy": deputy_a.user, "department": dept_user}[who]
    client = client_of(user)
    response = post(client, "forward", chosen, department=housing.pk, forwarded_on=today())
    assert response.status_code == 403
    assert client.get(reverse(BULK), {"step": "forward", "ids": [chosen[0].pk]}).status_code == 403
    assert not Forwarding.objects.exists()
    listed = client.get(reverse("constituents:problem_list")).content.decode()
    assert 'form="problem-bulk"' not in listed and "全选本页" not in listed


def test_each_row_is_asked_about_its_own_step(monkeypatch, client_of, liaison_a, deputy_a, community_a, housing):
    """The bulk rule lets liaisons in; the single step's rule still decides each row."""
    from constituents import permissions

    monkeypatch.setitem(permissions.STEPS, "forward", permissions._step("转交有关部门", permissions.STAFF))
    chosen = problems_in(State.REGISTERED, deputy_a, liaison_a, 2)
    page = post(client_of(liaison_a), "forward", chosen, department=housing.pk, forwarded_on=today()).content.decode()
    assert page.count("“转交有关部门”由联络工委办理，您的角色不能操作。") >= 2
    assert not Forwarding.objects.exists()


def test_a_deputy_is_told_why(client_of, deputy_a, liaison_a, community_a):
    chosen = problems_in(State.RESOLVED, deputy_a, liaison_a, 1)
    page = post(client_of(deputy_a.user), "feedback", chosen, when=today(), how=FeedbackMethod.PHONE)
    assert "“批量办理”由联络员、联络工委办理" in page.content.decode()


def test_the_list_offers_the_bulk_bar_to_staff_and_liaisons(client_of, staff_user, liaison_a, deputy_a, community_a):
    chosen = problems_in(State.REGISTERED, deputy_a, liaison_a, 2)
    for user in (staff_user, liaison_a):
        page = client_of(user).get(reverse("constituents:problem_list")).content.decode()
        assert "全选本页" in page and "js/bulk.js" in page
        assert all(f'name="ids" value="{p.pk}" form="problem-bulk"' in page for p in chosen)


def test_the_step_page_lists_the_chosen_rows_and_asks_for_the_department(client_of, liaison_a, deputy_a,
                                                                         community_a):
    chosen = problems_in(State.REGISTERED, deputy_a, liaison_a, 2)
    page = client_of(liaison_a).get(reverse(BULK), {"step": "forward", "ids": [p.pk for p in chosen]})
    html = page.content.decode()
    assert page.status_code == 200
    assert "批量转交有关部门" in html and "确认转交 2 件" in html
    assert reverse("autocomplete_departments") in html and "<select name=\"department\"" not in html


# --- malformed input ---------------------------------------------------------------------------


@pytest.mark.parametrize("ids", [["12a"], ["-3"], ["1", "x"], ["99999999999999999999999"]])
def test_malformed_ids_are_a_bad_request(ids, client_of, liaison_a):
    client = client_of(liaison_a)
    assert client.get(reverse(BULK), {"step": "remind", "ids": ids}).status_code == 400
    assert client.post(reverse(BULK), {"step": "remind", "ids": ids}).status_code == 400


def test_an_unknown_step_is_a_bad_request_and_no_ids_go_back_to_the_list(client_of, liaison_a):
    client = client_of(liaison_a)
    assert client.get(reverse(BULK), {"step": "delete", "ids": [1]}).status_code == 400
    response = client.get(reverse(BULK), {"step": "remind"})
    assert response.status_code == 302 and response.url == reverse("constituents:problem_list")


def test_a_batch_above_the_cap_is_refused_whole(client_of, liaison_a, deputy_a, community_a):
    chosen = problems_in(State.RESOLVED, deputy_a, liaison_a, 1)
    ids = [chosen[0].pk, *range(10_000, 10_000 + BULK_LIMIT)]
    response = post(client_of(liaison_a), "feedback", ids, when=today(), how=FeedbackMethod.PHONE)
    assert response.status_code == 400
    assert f"一次最多批量办理 {BULK_LIMIT} 件，您选了 {BULK_LIMIT + 1} 件" in response.content.decode()
    chosen[0].refresh_from_db()
    assert chosen[0].state == State.RESOLVED


def test_the_department_search_finds_active_departments_only(client_of, liaison_a, housing):
    DepartmentFactory(name="区住房保障中心", is_active=False)
    found = client_of(liaison_a).get(reverse("autocomplete_departments"), {"q": "住房"}).json()["results"]
    assert [row["text"] for row in found] == ["区住房和城乡建设局"]


# --- queries -----------------------------------------------------------------------------------


STEP_SETUP = {  # the state a row must be in, and what the step's form asks for
    "forward": (State.REGISTERED, lambda housing: {"department": housing.pk, "forwarded_on": today()}),
    "remind": (State.FORWARDED, lambda housing: {}),
    "feedback": (State.RESOLVED, lambda housing: {"when": today(), "how": FeedbackMethod.PHONE}),
    "callback": (State.FED_BACK, lambda housing: {"called_on": today(), "result": CallbackResult.SATISFIED}),
}
# Measured: queries of one POST = fixed + per_row × rows (SQLite and PostgreSQL alike).
# forward: 23 with the stored earliest open deadline of each problem (one UPDATE).
MAX_PER_ROW = {"forward": 23, "remind": 14, "feedback": 14, "callback": 12}
MAX_FIXED = 8


@pytest.mark.parametrize("step", list(STEP_SETUP))
def test_the_bulk_post_costs_a_bounded_number_of_queries_per_row(step, client_of, liaison_a, deputy_a,
                                                                 community_a, housing, dept_user):
    """A write per row is unavoidable (each row through its own service); the fixed part must not grow."""
    client = client_of(liaison_a)
    state, fields = STEP_SETUP[step]
    counts = {}
    for n in (2, 6):
        chosen = problems_in(state, deputy_a, liaison_a, n, department=housing)
        with CaptureQueriesContext(connection) as queries:
            assert post(client, step, chosen, **fields(housing)).status_code == 302
        counts[n] = len(queries)
    per_row = (counts[6] - counts[2]) / 4
    print("bulk", step, "queries", counts, "per row", per_row, "fixed", counts[2] - 2 * per_row)
    assert per_row <= MAX_PER_ROW[step], counts
    assert counts[2] - 2 * per_row <= MAX_FIXED, counts
