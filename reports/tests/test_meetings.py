"""The face-to-face meeting: record, questions, evaluation, rectification."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reports import services
from reports.models import DutyMeeting, DutyReportSettings, RectificationItem

from .conftest import YEAR, pick


def test_no_meeting_before_the_plan_is_confirmed(plan_a, deputy_a, liaison_a):
    entry = pick(plan_a, deputy_a, liaison_a)
    with pytest.raises(ValidationError, match="尚未落实"):
        services.meeting_open(entry=entry, acting_user=deputy_a.user)
    assert not DutyMeeting.objects.exists()


def test_meeting_page_before_confirmation_says_why(client_of, plan_a, deputy_a, liaison_a):
    entry = pick(plan_a, deputy_a, liaison_a)
    response = client_of(deputy_a.user).post(reverse("reports:meeting_start", args=[entry.pk]), follow=True)
    assert "述职安排尚未落实" in response.content.decode()


def test_deputy_writes_the_five_parts(client_of, entry_a, deputy_a):
    client = client_of(deputy_a.user)
    response = client.post(reverse("reports:meeting_start", args=[entry_a.pk]))
    meeting = DutyMeeting.objects.get()
    assert response.url == meeting.get_absolute_url()
    assert meeting.part_constituency  # prefilled from casework, to be edited
    page = client.get(reverse("reports:meeting_report_edit", args=[meeting.pk])).content.decode()
    for title in ["一、出席人民代表大会会议情况", "二、闭会期间活动情况", "三、联系原选区选民情况",
                  "四、宣传、遵守宪法和法律情况", "五、为选民做好事办实事情况"]:
        assert title in page
    client.post(reverse("reports:meeting_report_edit", args=[meeting.pk]), {
        "part_session": "审议政府工作报告", "part_recess": "参加执法检查", "part_constituency": "走访选民",
        "part_law": "宣讲民法典", "part_good_deeds": "协调加装电梯",
    })
    meeting.refresh_from_db()
    assert meeting.part_good_deeds == "协调加装电梯" and not meeting.missing_parts


def test_record_meeting_and_warn_below_minimum(client_of, entry_a, liaison_a):
    DutyReportSettings.objects.update_or_create(pk=1, defaults={"min_attendance": 50})
    meeting = services.meeting_open(entry=entry_a, acting_user=liaison_a)
    response = client_of(liaison_a).post(reverse("reports:meeting_record", args=[meeting.pk]), {
        "held_on": f"{YEAR}-06-18", "place": "幸福里社区活动中心", "attendance": 35, "video_url": "",
    }, follow=True)
    page = response.content.decode()
    assert "少于联络工委规定的50人" in page
    meeting.refresh_from_db()
    assert meeting.status == DutyMeeting.Status.HELD and meeting.attendance == 35
    assert meeting.held_on == dt.date(YEAR, 6, 18)


def test_meeting_date_must_follow_confirmation_and_not_be_in_the_future(entry_a, liaison_a):
    meeting = services.meeting_open(entry=entry_a, acting_user=liaison_a)
    with pytest.raises(ValidationError, match="早于述职安排落实日期"):
        services.meeting_record(meeting=meeting, held_on=dt.date(YEAR, 1, 2), place="社区", attendance=30,
                                acting_user=liaison_a)
    with pytest.raises(ValidationError, match=f"应在{YEAR}年内"):
        services.meeting_record(meeting=meeting, held_on=dt.date(YEAR + 1, 3, 2), place="社区", attendance=30,
                                acting_user=liaison_a)
    meeting.refresh_from_db()
    assert meeting.status == DutyMeeting.Status.PREPARING and meeting.held_on is None


def test_ballots_cannot_exceed_attendance_and_nothing_is_lost(client_of, held_meeting_a, liaison_a):
    url = reverse("reports:meeting_evaluation", args=[held_meeting_a.pk])
    client = client_of(liaison_a)
    client.post(url, {"satisfied": 30, "basically_satisfied": 6, "dissatisfied": 1, "invalid": 1,
                      "comments": "希望多进社区"})
    response = client.post(url, {"satisfied": 35, "basically_satisfied": 6, "dissatisfied": 1, "invalid": 0,
                                 "comments": "改后的意见"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "评议票数合计42张，超过到会选民人数40人" in page
    assert 'value="35"' in page and "改后的意见" in page  # the form keeps what was typed
    held_meeting_a.refresh_from_db()
    assert (held_meeting_a.ballots_satisfied, held_meeting_a.voter_comments) == (30, "希望多进社区")
    assert held_meeting_a.status == DutyMeeting.Status.EVALUATED
    assert held_meeting_a.approval_share == "97.3%"


def test_attendance_cannot_drop_below_ballots_already_counted(held_meeting_a, liaison_a):
    services.meeting_evaluate(meeting=held_meeting_a, satisfied=30, basically_satisfied=5, dissatisfied=0, invalid=0,
                              acting_user=liaison_a)
    with pytest.raises(ValidationError, match="不能少于已录入的评议票数（35张）"):
        services.meeting_record(meeting=held_meeting_a, held_on=held_meeting_a.held_on, place="社区",
                                attendance=20, acting_user=liaison_a)


def test_no_ballots_before_the_meeting_is_recorded(entry_a, liaison_a):
    meeting = services.meeting_open(entry=entry_a, acting_user=liaison_a)
    with pytest.raises(ValidationError, match="请先登记述职会"):
        services.meeting_evaluate(meeting=meeting, satisfied=1, basically_satisfied=0, dissatisfied=0, invalid=0,
                                  acting_user=liaison_a)


def test_deputy_cannot_enter_own_ballots(client_of, held_meeting_a, deputy_a):
    response = client_of(deputy_a.user).post(reverse("reports:meeting_evaluation", args=[held_meeting_a.pk]), {
        "satisfied": 40, "basically_satisfied": 0, "dissatisfied": 0, "invalid": 0,
    })
    assert response.status_code == 403
    held_meeting_a.refresh_from_db()
    assert held_meeting_a.ballots_satisfied is None


def test_questions_and_answers(client_of, held_meeting_a, deputy_a):
    client = client_of(deputy_a.user)
    client.post(reverse("reports:meeting_question_add", args=[held_meeting_a.pk]),
                {"question": "小区停车难怎么解决？", "answer": "已向区住建局反映，正在规划。"})
    page = client.get(held_meeting_a.get_absolute_url()).content.decode()
    assert "小区停车难怎么解决？" in page and "已向区住建局反映" in page


def test_rectification_followed_to_its_end(client_of, held_meeting_a, liaison_a, deputy_a, group_a):
    client = client_of(liaison_a)
    client.post(reverse("reports:rectification_add", args=[held_meeting_a.pk]), {
        "issue": "选民反映代表进社区次数偏少，每季度至少进社区一次", "owner": deputy_a.pk, "due_on": f"{YEAR}-12-31",
    })
    item = RectificationItem.objects.get()
    assert item.is_open and item.owner == deputy_a
    # Open items show on the deputy's page, the deputy's home and the group's page.
    for url in [deputy_a.get_absolute_url(), group_a.get_absolute_url(), reverse("reports:group_briefing",
                                                                                   args=[group_a.pk])]:
        assert "每季度至少进社区一次" in client.get(url).content.decode(), url
    deputy_client = client_of(deputy_a.user)
    deputy_client.post(reverse("reports:rectification_progress", args=[item.pk]), {"note": "十月已进社区两次"})
    assert item.progress_notes.get().note == "十月已进社区两次"
    # Only the liaison or staff close an item.
    assert deputy_client.post(reverse("reports:rectification_close", args=[item.pk]),
                              {"closing_note": "完成"}).status_code == 403
    client = client_of(liaison_a)
    client.post(reverse("reports:rectification_close", args=[item.pk]), {"closing_note": "已按要求整改"})
    item.refresh_from_db()
    assert not item.is_open and item.closing_note == "已按要求整改"
    assert "每季度至少进社区一次" not in client.get(group_a.get_absolute_url()).content.decode()
    with pytest.raises(ValidationError, match="不能重复办结"):
        services.rectification_close(item=item, closing_note="再次", acting_user=liaison_a)
    with pytest.raises(ValidationError, match="已完成"):
        services.rectification_progress_add(item=item, note="补充", acting_user=liaison_a)


def test_rectification_due_date_not_before_the_meeting(held_meeting_a, liaison_a, deputy_a):
    with pytest.raises(ValidationError) as error:
        services.rectification_add(meeting=held_meeting_a, owner=deputy_a, issue="整改", due_on=dt.date(YEAR, 1, 1),
                                   acting_user=liaison_a)
    assert "不能早于述职日期" in str(error.value)


def test_deputy_home_shows_the_month_and_open_items(client_of, deputy_a, liaison_a, staff_user, colleagues_a):
    from django.utils import timezone

    from reports.tests.conftest import confirm

    this_year = timezone.localdate().year
    plan = services.rotation_plan_draft(group=deputy_a.group, year=this_year, acting_user=staff_user, seed=9)
    entry = pick(plan, deputy_a, liaison_a)
    confirm(plan, liaison_a, on=dt.datetime(this_year, 1, 5, tzinfo=dt.UTC))
    page = client_of(deputy_a.user).get(reverse("home")).content.decode()
    assert f"{this_year}年{entry.planned_month}月" in page and "开始撰写述职报告" in page
