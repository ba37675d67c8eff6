"""Part three of a report is prefilled from the deputy's casework, without personal data."""

from __future__ import annotations

import datetime as dt

from constituents.models import (
    ActivityForm,
    ActivityOrganizer,
    AskType,
    FollowUp,
    FollowUpMethod,
    Problem,
    ProblemCategory,
    Suggestion,
)
from constituents.tests.factories import ConstituentFactory, ContactActivityFactory, ProblemFactory
from reports import services
from reports.prefill import constituency_part

from .conftest import YEAR

START, END = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)


def _casework(deputy, staff_user, community):
    voter = ConstituentFactory(community=community, name="赵桂芳", phone="13912345678")
    visit = ContactActivityFactory(constituency=deputy.constituency, deputies=[deputy], held_on=dt.date(YEAR, 3, 2),
                                   ask_type=AskType.DIFFICULTY, form=ActivityForm.VISIT, summary="看望赵桂芳老人")
    visit.constituents.add(voter)
    ContactActivityFactory(constituency=deputy.constituency, deputies=[deputy], held_on=dt.date(YEAR, 6, 2),
                           organizer=ActivityOrganizer.GROUP, ask_type=AskType.ADVICE, form=ActivityForm.SURVEY)
    ContactActivityFactory(constituency=deputy.constituency, deputies=[deputy], held_on=dt.date(YEAR - 1, 6, 2))
    solved = ProblemFactory(deputy=deputy, raised_on=dt.date(YEAR, 3, 2), is_livelihood=True,
                            text="赵桂芳家门口路灯不亮", category=ProblemCategory.URBAN_CONSTRUCTION,
                            state=Problem.State.FED_BACK, outcome=Problem.Outcome.RESOLVED,
                            result_on=dt.date(YEAR, 4, 1), fed_back_on=dt.date(YEAR, 4, 3),
                            result_source=Problem.ResultSource.DEPARTMENT)  # the department's result: it counts
    solved.constituents.add(voter)
    ProblemFactory(deputy=deputy, raised_on=dt.date(YEAR, 5, 2), state=Problem.State.HANDLING)
    ProblemFactory(deputy=deputy, raised_on=dt.date(YEAR - 1, 5, 2))
    FollowUp.objects.create(problem=solved, followed_on=dt.date(YEAR, 3, 20), method=FollowUpMethod.values[0],
                            department_said="月底修好", recorded_by=staff_user)
    suggestion = Suggestion.objects.create(
        term=deputy.term, group=deputy.group, kind=Suggestion.Kind.SUGGESTION, title="关于老旧小区加装电梯的建议",
        content="……", category=ProblemCategory.URBAN_CONSTRUCTION, lead_deputy=deputy,
        state=Suggestion.State.REPLIED, submitted_on=dt.date(YEAR, 2, 1), created_by=staff_user,
    )
    suggestion.proposers.add(deputy)
    return voter


def test_part_three_counts_the_deputys_casework_of_the_year(deputy_a, staff_user, community_a):
    _casework(deputy_a, staff_user, community_a)
    text = constituency_part(deputy_a, START, END)
    assert f"{YEAR}年" in text
    assert "联系选民活动2次（代表组统一组织1次、个人开展1次）" in text and "问难1次" in text and "问计1次" in text
    assert "反映群众意见2件（其中民生问题1件）" in text and "已办结1件" in text and "正在办理1件" in text
    assert "跟踪督办1次" in text and "推动1个民生问题得到解决" in text and "0件" not in text
    assert "建议1件（其中领衔1件）" in text and "《关于老旧小区加装电梯的建议》" in text and "已答复1件" in text


def test_part_three_carries_no_personal_data(deputy_a, staff_user, community_a):
    voter = _casework(deputy_a, staff_user, community_a)
    text = constituency_part(deputy_a, START, END)
    assert voter.name not in text and voter.phone not in text and "路灯不亮" not in text


def test_part_three_says_what_is_missing(deputy_a):
    text = constituency_part(deputy_a, START, END)
    assert "未登记进选区联系选民活动" in text and "未登记反映的群众意见" in text and "未提出议案、建议" in text


def test_part_three_holds_content_only_and_the_form_holds_the_hint(deputy_a, deputy_b, staff_user, community_a):
    from reports.forms import ReportPartsForm

    _casework(deputy_a, staff_user, community_a)
    for text in (constituency_part(deputy_a, START, END), constituency_part(deputy_b, START, END)):
        assert "请核对" not in text and "请补充" not in text and "系统根据" not in text
    assert "请核对补充" in ReportPartsForm().fields["part_constituency"].help_text


def test_meeting_covers_the_time_since_election_and_written_report_the_year(
    deputy_a, staff_user, community_a, confirmed_plan_a, entry_a, colleagues_a, liaison_a
):
    _casework(deputy_a, staff_user, community_a)
    meeting = services.meeting_open(entry=entry_a, acting_user=deputy_a.user)
    assert "2024年1月以来" in meeting.part_constituency
    assert "联系选民活动3次" in meeting.part_constituency  # the earlier year's visit too
    other = next(c for c in colleagues_a if not confirmed_plan_a.entries.filter(deputy=c).exists())
    ProblemFactory(deputy=other, raised_on=dt.date(YEAR, 7, 1))
    report = services.written_report_start(deputy=other, year=YEAR, acting_user=liaison_a)
    assert report.part_constituency.startswith(f"{YEAR}年") and "反映群众意见1件" in report.part_constituency


def test_prefill_queries_do_not_grow_with_casework(deputy_a, staff_user, community_a, django_assert_num_queries):
    _casework(deputy_a, staff_user, community_a)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        constituency_part(deputy_a, START, END)
    for _ in range(10):
        ProblemFactory(deputy=deputy_a, raised_on=dt.date(YEAR, 8, 1))
        ContactActivityFactory(constituency=deputy_a.constituency, deputies=[deputy_a], held_on=dt.date(YEAR, 8, 2))
    with django_assert_num_queries(len(before)):
        constituency_part(deputy_a, START, END)
