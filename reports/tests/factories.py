from __future__ import annotations

import datetime as dt

import factory

from deputies.tests.factories import DeputyFactory, DeputyGroupFactory, TermFactory
from reports.models import (
    DutyMeeting,
    PublishedReport,
    RectificationItem,
    RotationEntry,
    RotationPlan,
    WrittenReport,
)

FULL_TEXT = {
    "part_session": "出席区人民代表大会第三次会议，认真审议各项报告，依法行使表决权。",
    "part_recess": "参加常委会组织的视察和执法检查两次。",
    "part_constituency": "参加联系选民活动三次，反映群众意见五件。",
    "part_law": "在单位开展宪法宣传活动。",
    "part_good_deeds": "协调解决小区路灯维修问题。",
}


class RotationPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RotationPlan

    term = factory.SubFactory(TermFactory)
    group = factory.SubFactory(DeputyGroupFactory)
    year = 2026
    status = RotationPlan.Status.CONFIRMED
    seed = 12345
    serving_count = 10
    base_count = 2
    explanation = "本组在任代表10名，按20%向上取整安排2名当面述职（占20%），在20%—30%之内。"
    written_deadline = factory.LazyAttribute(lambda p: dt.date(p.year, 11, 30))
    confirmed_at = factory.LazyFunction(lambda: dt.datetime(2026, 1, 10, 9, tzinfo=dt.UTC))


class RotationEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RotationEntry

    plan = factory.SubFactory(RotationPlanFactory)
    deputy = factory.SubFactory(
        DeputyFactory, constituency__group=factory.SelfAttribute("...plan.group"),
        constituency__term=factory.SelfAttribute("...plan.term"),
    )
    planned_month = 6
    place = "社区活动中心"


class DutyMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DutyMeeting

    entry = factory.SubFactory(RotationEntryFactory)
    status = DutyMeeting.Status.EVALUATED
    held_on = dt.date(2026, 6, 18)
    place = "社区活动中心"
    attendance = 45
    ballots_satisfied = 30
    ballots_basically_satisfied = 10
    ballots_dissatisfied = 2
    ballots_invalid = 1
    part_session = FULL_TEXT["part_session"]
    part_recess = FULL_TEXT["part_recess"]
    part_constituency = FULL_TEXT["part_constituency"]
    part_law = FULL_TEXT["part_law"]
    part_good_deeds = FULL_TEXT["part_good_deeds"]


class RectificationItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RectificationItem

    meeting = factory.SubFactory(DutyMeetingFactory)
    owner = factory.SelfAttribute("meeting.entry.deputy")
    issue = factory.Sequence(lambda n: f"增加进社区联系选民次数（{n}）")
    due_on = dt.date(2026, 12, 31)


class WrittenReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WrittenReport

    plan = factory.SubFactory(RotationPlanFactory)
    deputy = factory.SubFactory(
        DeputyFactory, constituency__group=factory.SelfAttribute("...plan.group"),
        constituency__term=factory.SelfAttribute("...plan.term"),
    )
    year = factory.SelfAttribute("plan.year")
    status = WrittenReport.Status.DRAFT
    part_session = FULL_TEXT["part_session"]
    part_recess = FULL_TEXT["part_recess"]
    part_constituency = FULL_TEXT["part_constituency"]
    part_law = FULL_TEXT["part_law"]
    part_good_deeds = FULL_TEXT["part_good_deeds"]


class PublishedReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PublishedReport

    kind = PublishedReport.Kind.WRITTEN
    written_report = factory.SubFactory(WrittenReportFactory, status=WrittenReport.Status.FILED)
    term = factory.SelfAttribute("written_report.plan.term")
    group = factory.SelfAttribute("written_report.plan.group")
    year = factory.SelfAttribute("written_report.year")
    deputy = factory.SelfAttribute("written_report.deputy")
    deputy_name = factory.SelfAttribute("deputy.name")
    part_session = FULL_TEXT["part_session"]
    part_recess = FULL_TEXT["part_recess"]
    part_constituency = FULL_TEXT["part_constituency"]
    part_law = FULL_TEXT["part_law"]
    part_good_deeds = FULL_TEXT["part_good_deeds"]
