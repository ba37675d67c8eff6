"""承办单位 on the platform: what they see, sign for, return, answer (with files), ask more time for,
and what they are told."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from constituents import services
from constituents.models import Constituent, ExtensionRequest, Forwarding, Problem, ResultClass
from constituents.services.department_alerts import department_deadline_alerts
from constituents.tests.casework import D, State, drive, register
from constituents.tests.factories import ConstituentFactory
from deputies.tests.factories import DepartmentFactory
from liaison.models import AccessLog, Notification, Role
from liaison.tests.factories import UserFactory

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def housing(db):
    return DepartmentFactory(name="区住房和城乡建设局", contact_person="郑科长")


@pytest.fixture
def dept_user(housing):
    user = UserFactory(username="dept", role=Role.DEPARTMENT)
    housing.users.add(user)
    return user


@pytest.fixture
def other_dept_user(db):
    user = UserFactory(username="dept2", role=Role.DEPARTMENT)
    DepartmentFactory(name="区民政局").users.add(user)
    return user


def forwarded_to(department, deputy, liaison, **extra):
    person = ConstituentFactory(community=deputy.constituency.communities.first()) \
        if deputy.constituency.communities.exists() else None
    problem = register(deputy, liaison, constituents=[person] if person else [])
    services.problem_forward(problem=problem, departments=[department], forwarded_on=D(2026, 9, 2),
                             acting_user=liaison, **extra)
    return problem, problem.forwardings.get()


def step_url(problem, step, forwarding=None):
    url = reverse("constituents:problem_step", args=[problem.pk, step])
    return f"{url}?forwarding={forwarding.pk}" if forwarding else url


def test_a_department_sees_only_what_was_forwarded_to_it(deputy_a, liaison_a, housing, dept_user, other_dept_user,
                                                         community_a):
    ours, _ = forwarded_to(housing, deputy_a, liaison_a)
    register(deputy_a, liaison_a)  # never forwarded
    assert list(Problem.objects.visible_to(dept_user)) == [ours]
    assert Forwarding.objects.visible_to(dept_user).count() == 1
    assert not Problem.objects.visible_to(other_dept_user).exists()
    assert not Constituent.objects.visible_to(dept_user).exists()


def test_workspace_is_home_and_groups_the_cases(client_of, deputy_a, liaison_a, housing, dept_user, community_a,
                                                 staff_user):
    signed, signed_forwarding = forwarded_to(housing, deputy_a, liaison_a)
    services.problem_start_handling(problem=signed, forwarding=signed_forwarding, accepted_on=D(2026, 9, 3),
                                    acting_user=dept_user)
    returned, returned_forwarding = forwarded_to(housing, deputy_a, liaison_a)
    services.problem_return(problem=returned, forwarding=returned_forwarding, reason="不属于本单位职责",
                            returned_on=D(2026, 9, 4), acting_user=dept_user)
    client = client_of(dept_user)
    response = client.get(reverse("home"), follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("constituents:department_workspace")
    for title in ["新转交", "已签收", "3个工作日内到期", "已超期", "已退办", "已答复"]:
        assert title in page
    assert "承办单位工作台" in page and "联系选民" not in page  # the navigation is the workspace only
    # The signed-for case is long overdue by now (deadline 2026-09-23): it is listed as 已超期.
    overdue_section = page.split('id="overdue"')[1].split('id="due_soon"')[0]
    assert reverse("constituents:forwarding_detail", args=[signed_forwarding.pk]) in overdue_section
    returned_section = page.split('id="returned"')[1].split('id="answered"')[0]
    assert reverse("constituents:forwarding_detail", args=[returned_forwarding.pk]) in returned_section
    assert client_of(staff_user).get(reverse("constituents:department_workspace")).status_code == 404


def test_department_signs_for_and_the_liaison_records_on_its_behalf(client_of, deputy_a, liaison_a, housing,
                                                                      dept_user, community_a):
    problem, forwarding = forwarded_to(housing, deputy_a, liaison_a)
    assert client_of(dept_user).post(step_url(problem, "accept", forwarding),
                                     {"forwarding": forwarding.pk, "accepted_on": "2026-09-02"}).status_code == 302
    forwarding.refresh_from_db()
    assert forwarding.accepted_by == dept_user and forwarding.accept_proxy_contact == ""
    # A liaison's record of a department's step is 代录 and must name the department's contact.
    second, second_forwarding = forwarded_to(housing, deputy_a, liaison_a)
    page = client_of(liaison_a).post(step_url(second, "accept", second_forwarding),
                                     {"forwarding": second_forwarding.pk, "accepted_on": "2026-09-03",
                                      "proxy_contact": ""}).content.decode()
    assert "请写明该部门的联系人" in page
    second_forwarding.refresh_from_db()
    assert second_forwarding.accepted_on is None
    client_of(liaison_a).post(step_url(second, "accept", second_forwarding),
                              {"forwarding": second_forwarding.pk, "accepted_on": "2026-09-03",
                               "proxy_contact": "郑科长"})
    second_forwarding.refresh_from_db()
    assert second_forwarding.accept_proxy_contact == "郑科长"
    assert "代录，部门联系人：郑科长" in client_of(liaison_a).get(second.get_absolute_url()).content.decode()


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (200, 10, 10)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_reply_with_files_checked_by_content_and_downloaded_in_scope(client_of, deputy_a, liaison_a, housing,
                                                                     dept_user, other_dept_user, community_a,
                                                                     deputy_b):
    problem, forwarding = forwarded_to(housing, deputy_a, liaison_a)
    services.problem_start_handling(problem=problem, forwarding=forwarding, accepted_on=D(2026, 9, 2),
                                    acting_user=dept_user)
    client = client_of(dept_user)
    data = {"forwarding": forwarding.pk, "replied_on": "2026-09-10", "result_class": "A", "reply_text": "已维修"}
    fake = SimpleUploadedFile("现场照片.png", b"MZ\x90\x00 not an image", content_type="image/png")
    page = client.post(step_url(problem, "reply", forwarding), {**data, "attachments": [fake]}).content.decode()
    assert "“现场照片.png”不是可以识别的PDF 文件或图片" in page
    forwarding.refresh_from_db()
    assert forwarding.status == Forwarding.Status.HANDLING and not forwarding.attachments.exists()
    files = [SimpleUploadedFile("答复函.pdf", PDF, content_type="application/pdf"),
             SimpleUploadedFile("现场.png", _png(), content_type="image/png")]
    assert client.post(step_url(problem, "reply", forwarding), {**data, "attachments": files}).status_code == 302
    forwarding.refresh_from_db()
    assert forwarding.status == Forwarding.Status.REPLIED and forwarding.replied_by == dept_user
    assert forwarding.reply_working_days == 6
    letter = forwarding.attachments.get(original_name="答复函.pdf")
    assert letter.content_type == "application/pdf"
    url = reverse("constituents:attachment_download", args=[letter.pk])
    download = client.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert client_of(liaison_a).get(url).status_code == 200
    assert client_of(other_dept_user).get(url).status_code == 404
    assert client_of(deputy_b.user).get(url).status_code == 404


def test_extension_moves_the_deadline_only_on_approval(client_of, deputy_a, liaison_a, housing, dept_user,
                                                       staff_user, community_a):
    problem, forwarding = forwarded_to(housing, deputy_a, liaison_a)
    old = forwarding.deadline
    assert client_of(dept_user).post(step_url(problem, "extend", forwarding), {
        "forwarding": forwarding.pk, "new_deadline": (old + dt.timedelta(days=20)).isoformat(), "reason": "需协调资金",
    }).status_code == 302
    forwarding.refresh_from_db()
    assert forwarding.deadline == old
    extension = ExtensionRequest.objects.get()
    # The liaison cannot decide; the office can.
    decide = step_url(problem, "decide_extension")
    assert client_of(liaison_a).post(decide, {"extension": extension.pk, "decision": "approve"}).status_code == 403
    page = client_of(staff_user).post(decide, {"extension": extension.pk, "decision": "refuse"}).content.decode()
    assert "请写明理由" in page
    client_of(staff_user).post(decide, {"extension": extension.pk, "decision": "approve", "note": "同意"})
    forwarding.refresh_from_db()
    extension.refresh_from_db()
    assert forwarding.deadline == old + dt.timedelta(days=20)
    assert extension.status == ExtensionRequest.Status.APPROVED and extension.decided_by == staff_user
    assert forwarding.history.first().history_change_reason == "constituents.forwarding.deadline_extended"
    assert extension.history.first().history_user == staff_user


def test_constituent_contact_only_when_the_office_allows_it_and_logged(client_of, deputy_a, liaison_a, housing,
                                                                       dept_user, community_a):
    hidden, hidden_forwarding = forwarded_to(housing, deputy_a, liaison_a)
    page = client_of(dept_user).get(reverse("constituents:forwarding_detail", args=[hidden_forwarding.pk]))
    person = hidden.constituents.get()
    assert person.name not in page.content.decode() and person.phone not in page.content.decode()
    assert not AccessLog.objects.exists()
    shown, shown_forwarding = forwarded_to(housing, deputy_a, liaison_a, needs_contact=True)
    page = client_of(dept_user).get(reverse("constituents:forwarding_detail", args=[shown_forwarding.pk]))
    person = shown.constituents.get()
    assert person.name in page.content.decode() and person.phone in page.content.decode()
    assert AccessLog.objects.filter(user=dept_user, object_id=str(person.pk)).count() == 1
    # A department user opening the problem lands on its own forwarding, never the problem page.
    response = client_of(dept_user).get(shown.get_absolute_url())
    assert response.url == reverse("constituents:forwarding_detail", args=[shown_forwarding.pk])


def test_department_users_are_told_once_forwarded_due_soon_and_overdue(deputy_a, liaison_a, housing, dept_user,
                                                                       community_a):
    colleague = UserFactory(username="dept_b", role=Role.DEPARTMENT)
    housing.users.add(colleague)
    problem, forwarding = forwarded_to(housing, deputy_a, liaison_a)  # deadline 2026-09-23
    assert Notification.objects.filter(dedupe_key=f"dept.forwarded:{forwarding.pk}").count() == 2
    # 2026-09-18 (Fri): the deadline is 3 working days away.
    for _ in range(2):
        department_deadline_alerts(today=D(2026, 9, 18))
    assert Notification.objects.filter(dedupe_key__startswith="dept.due_soon").count() == 2
    assert not Notification.objects.filter(dedupe_key__startswith="dept.overdue").exists()
    for _ in range(2):
        department_deadline_alerts(today=D(2026, 9, 24))
    red = Notification.objects.filter(dedupe_key__startswith="dept.overdue", recipient=dept_user)
    assert red.count() == 1 and "红色预警" in red.get().title
    # A replied case is not warned about.
    services.problem_start_handling(problem=problem, forwarding=forwarding, accepted_on=D(2026, 9, 3),
                                    acting_user=dept_user)
    services.problem_record_reply(problem=problem, forwarding=forwarding, reply_text="已办", result_class="A",
                                  replied_on=D(2026, 9, 20), acting_user=dept_user)
    assert department_deadline_alerts(today=D(2026, 9, 28)) == 0


def test_livelihood_count_ignores_results_a_deputy_entered(deputy_a, liaison_a, housing, dept_user, community_a):
    from constituents.selectors import deputy_casework_summary

    problem = register(deputy_a, liaison_a, is_livelihood=True)
    drive(problem, State.RESOLVED, liaison_a, department=housing)
    problem.refresh_from_db()
    assert problem.result_source == Problem.ResultSource.PROXY
    counted = Problem.objects.livelihood_solved()
    assert list(counted) == [problem]
    # A result from before the rule, entered by the deputy, is not the department's: not counted.
    Problem.objects.filter(pk=problem.pk).update(result_source="")
    assert not Problem.objects.livelihood_solved().exists()
    assert deputy_casework_summary(Problem.objects.filter(deputy=deputy_a), D(2026, 11, 28))["livelihood_solved"] == 0
    # Resolved by the department itself on the platform: counted as the department's.
    second = register(deputy_a, liaison_a, is_livelihood=True)
    services.problem_forward(problem=second, departments=[housing], forwarded_on=D(2026, 9, 2), acting_user=liaison_a)
    forwarding = second.forwardings.get()
    services.problem_start_handling(problem=second, forwarding=forwarding, accepted_on=D(2026, 9, 3),
                                    acting_user=dept_user)
    services.problem_record_reply(problem=second, forwarding=forwarding, reply_text="已办", result_class=ResultClass.A,
                                  replied_on=D(2026, 9, 9), acting_user=dept_user)
    services.problem_resolve(problem=second, result_summary="已解决", resolved_on=D(2026, 9, 10), acting_user=dept_user)
    second.refresh_from_db()
    assert second.result_source == Problem.ResultSource.DEPARTMENT
    assert list(Problem.objects.livelihood_solved()) == [second]


def test_workspace_queries_do_not_grow(client_of, deputy_a, liaison_a, housing, dept_user, community_a,
                                       assert_flat_queries):
    forwarded_to(housing, deputy_a, liaison_a)

    def grow():
        for _ in range(4):
            problem, forwarding = forwarded_to(housing, deputy_a, liaison_a)
            services.problem_start_handling(problem=problem, forwarding=forwarding, accepted_on=D(2026, 9, 3),
                                            acting_user=dept_user)

    assert_flat_queries(client_of(dept_user), reverse("constituents:department_workspace"), grow=grow)


def test_each_list_shows_its_first_rows_and_pages_through_all_of_them(client_of, deputy_a, liaison_a, housing,
                                                                      dept_user, community_a, monkeypatch):
    from constituents import views_department

    monkeypatch.setattr(views_department, "SHOWN_PER_GROUP", 1)
    monkeypatch.setattr(views_department, "SECTION_PAGE", 2)
    forwardings = [forwarded_to(housing, deputy_a, liaison_a)[1] for _ in range(3)]  # all overdue by now
    client = client_of(dept_user)
    url = reverse("constituents:department_workspace")
    page = client.get(url).content.decode()
    assert "只列出前 1 件" in page and "查看全部 3 件" in page
    first = client.get(url, {"section": "overdue"}).content.decode()
    assert "返回工作台" in first and 'id="due_soon"' not in first  # that list alone
    links = [reverse("constituents:forwarding_detail", args=[f.pk]) for f in forwardings]
    assert sum(link in first for link in links) == 2 and "下一页" in first
    rest = client.get(url, {"section": "overdue", "page": "2"}).content.decode()
    assert sum(link in rest for link in links) == 1
    # An unknown list is the workspace itself, not an error.
    assert client.get(url, {"section": "nonsense"}).status_code == 200
