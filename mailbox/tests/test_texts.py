"""Texts at the steps that matter: forwarded (department), 回访 due (office), result ready
(the online letter's writer: the tracking link, nothing personal)."""

from __future__ import annotations

import pytest

from constituents import services as services_casework
from constituents.models import Problem
from constituents.services.department_alerts import notify_forwarded
from constituents.tests.casework import D, drive
from deputies.tests.factories import DepartmentFactory
from liaison import sms
from liaison.models import Role, TextMessage
from liaison.tasks import relay_outbox
from liaison.tests.factories import UserFactory
from mailbox import services


@pytest.fixture
def texts(settings):
    settings.LIAISON_SMS_BACKEND = "liaison.sms.LocmemBackend"
    settings.SITE_URL = "https://rd.example.gov.cn"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def online_problem(constituency_a, deputy_a):
    letter, _code = services.online_letter_submit(
        constituency=constituency_a, deputy=deputy_a, category="urban_construction",
        text="我们小区门口的路灯已经坏了三个月，晚上出行很不方便。", sender_name="孙小梅", sender_phone="13912345678",
    )
    # The pipeline helper drives with September dates.
    Problem.objects.filter(pk=letter.problem_id).update(raised_on=D(2026, 9, 1))
    return Problem.objects.get(pk=letter.problem_id)


def test_the_writer_gets_the_tracking_link_when_the_result_is_ready(
    online_problem, staff_user, texts, django_capture_on_commit_callbacks,
):
    staff_user.phone = "13800001111"
    staff_user.save()
    with django_capture_on_commit_callbacks(execute=True):
        drive(online_problem, Problem.State.RESOLVED, staff_user)
    relay_outbox()
    to_writer = [t["text"] for t in texts if t["phone"] == "13912345678"]
    assert to_writer == ["您的来信已有办理结果，请凭查询码查看：https://rd.example.gov.cn/mailbox/public/track/"]
    assert all("孙" not in t["text"] and "路灯" not in t["text"] for t in texts)
    # The office's 回访 is due: one text to staff with a mobile.
    assert [t["text"] for t in texts if t["phone"] == "13800001111"] == [sms.followup_due_text()]
    assert all(len(t["text"]) <= 70 for t in texts)


def test_a_result_recorded_twice_in_a_day_texts_the_office_once(
    constituency_a, deputy_a, staff_user, texts, django_capture_on_commit_callbacks,
):
    from constituents.tests.casework import register

    staff_user.phone = "13800001111"
    staff_user.save()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            drive(register(deputy_a, staff_user), Problem.State.UNSOLVABLE, staff_user)
    relay_outbox()
    assert [t["phone"] for t in texts] == ["13800001111"]


def test_a_paper_letter_or_no_phone_gets_no_text(constituency_a, deputy_a, staff_user, texts,
                                                   django_capture_on_commit_callbacks):
    letter, _ = services.online_letter_submit(
        constituency=constituency_a, deputy=deputy_a, category="other",
        text="希望增设公交站点，方便老人出行看病。", sender_name="", sender_phone="",
    )
    Problem.objects.filter(pk=letter.problem_id).update(raised_on=D(2026, 9, 1))
    with django_capture_on_commit_callbacks(execute=True):
        drive(Problem.objects.get(pk=letter.problem_id), Problem.State.RESOLVED, staff_user)
    assert not TextMessage.objects.exclude(text=sms.followup_due_text()).exists()


def test_the_departments_users_get_a_text_when_a_case_is_forwarded(
    online_problem, staff_user, texts, django_capture_on_commit_callbacks,
):
    clerk = UserFactory(role=Role.DEPARTMENT, phone="13700002222")
    department = DepartmentFactory()
    department.users.add(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        services_casework.problem_forward(problem=online_problem, departments=[department],
                                          forwarded_on=D(2026, 9, 2), acting_user=staff_user)
        forwarding = online_problem.forwardings.get()
        notify_forwarded([forwarding])  # a rerun sends nothing more
    relay_outbox()
    assert [(t["phone"], t["text"]) for t in texts] == [("13700002222", sms.forwarded_text())]
    assert forwarding.deadline >= D(2026, 9, 2)
