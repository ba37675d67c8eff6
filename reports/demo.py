"""Demo 述职: plans for term years 2 and 3 (2025, 2026) in every group, meetings held
with ballots, rectification open and closed, written reports in every state, and
published reports. Built through the services, so the history reads as it would."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from deputies.models import Deputy
from liaison import demo_clock as clock
from liaison.models import User

from . import services
from .models import (
    DutyMeeting,
    DutyReportSettings,
    PublishedReport,
    RectificationItem,
    RectificationProgress,
    RotationPlan,
    WrittenReport,
)

TODAY = dt.date(2026, 11, 28)
SESSIONS = {2025: "第二次", 2026: "第三次"}
INSPECTIONS = ["城市道路建设", "老旧小区改造", "义务教育均衡发展", "食品安全", "养老服务体系", "河道综合治理",
               "农贸市场升级", "公共文化服务"]
LAWS = ["《中华人民共和国消防法》", "《中华人民共和国食品安全法》", "《中华人民共和国环境保护法》",
        "《中华人民共和国未成年人保护法》", "《中华人民共和国安全生产法》"]
LAW_WORK = [
    "在单位组织职工学习宪法和民法典，带头依法办事；在社区“12·4”国家宪法日宣传活动中担任宣讲员。",
    "结合本职工作开展普法讲座两场，协助司法所开展人民调解，依法化解邻里纠纷。",
    "带头遵守宪法和法律，参加区人大组织的法律知识培训，在企业推动依法用工、依法纳税。",
    "利用家长会、社区讲堂宣传未成年人保护法和反家庭暴力法，引导群众依法表达诉求。",
]
GOOD_DEEDS = [
    "协调有关部门为小区加装电梯两部，解决高层老人上下楼难问题。",
    "走访慰问辖区特困户和孤寡老人，协调落实临时救助和医疗救助。",
    "推动修复背街小巷路灯和破损路面，方便居民夜间出行。",
    "联系企业为零就业家庭提供就业岗位，帮助三名选民实现再就业。",
    "协调解决农贸市场周边占道经营和交通拥堵问题。",
    "组织志愿者为社区老年人开展义诊和法律咨询服务。",
]
QUESTIONS = [
    ("小区停车位太少，晚上经常没地方停车，代表能不能帮忙反映？",
     "这个问题我已在联系选民活动中记录并转交区住建局和街道，目前正在规划利用闲置地块建设停车场，我会继续跟踪督办。"),
    ("老旧小区改造什么时候轮到我们小区？", "已向区城市更新中心了解，贵小区列入明年改造计划，我会把大家的意见带到方案征求会上。"),
    ("社区食堂价格能不能再优惠一些？", "我会把意见转给街道和民政部门，争取扩大老年助餐补贴范围。"),
    ("代表平时怎么联系？信箱多久开一次？", "代表信箱每周开启一次，也可以通过网上来信，我收到后一定及时回复。"),
    ("学校门口上下学时段交通太乱。", "已与交警和学校沟通，建议增设护学岗和临时停车区，年内落实。"),
]
COMMENTS = [
    "选民普遍认为该代表联系群众比较密切，反映问题比较及时；希望今后多进社区，多听取低收入家庭的意见。",
    "述职内容实在，办实事较多；建议加强对已反映问题的跟踪督办，及时向选民反馈结果。",
    "希望代表多关注老年人和残疾人出行问题，联系选民的方式可以更灵活一些。",
    "代表履职认真，但进选区次数偏少，希望每季度至少开展一次联系选民活动。",
]
ISSUES = [
    "增加进选区联系选民的次数，每季度至少开展一次联系选民活动。",
    "对已转交有关部门的停车难问题加强跟踪督办，并向选民反馈办理结果。",
    "就老旧小区加装电梯问题开展专题调研，形成代表建议。",
    "完善与社区的联系机制，在代表信箱旁公布联系方式。",
    "针对学校周边交通秩序问题，督促有关部门落实护学岗。",
]
PLACES = ["社区党群服务中心", "社区居委会会议室", "街道文化活动中心", "社区新时代文明实践站", "单位职工之家"]
TOPICS = ["当选以来执行代表职务情况", "联系选民、督促解决群众诉求情况", "提出建议及办理情况", "为选民办实事情况"]


def _parts(rng, deputy: Deputy, year: int, constituency_text: str) -> dict[str, str]:
    return {
        "part_session": (
            f"出席区第十八届人民代表大会{SESSIONS[year]}会议，认真审议政府工作报告、计划和预算报告以及“两院”工作报告，"
            f"依法行使表决权、选举权；会上领衔或联名提出建议{rng.randint(1, 4)}件。"
        ),
        "part_recess": (
            f"参加区人大常委会组织的{rng.choice(INSPECTIONS)}视察、{rng.choice(INSPECTIONS)}专题调研和"
            f"{rng.choice(LAWS)}执法检查，参加代表小组活动{rng.randint(3, 8)}次。"
        ),
        "part_constituency": constituency_text,
        "part_law": rng.choice(LAW_WORK),
        "part_good_deeds": rng.choice(GOOD_DEEDS),
    }


def _aware(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


def _meeting(rng, entry, year: int, staff, liaison) -> DutyMeeting | None:
    # The report is drafted in the weeks before the month of the meeting.
    drafted_on = dt.date(year, entry.planned_month, 1) - dt.timedelta(days=clock.spread(("drafted", entry.pk), 3, 20))
    with clock.at(max(drafted_on, dt.date(year, 1, 28)), clock.spread(("drafted-hour", entry.pk), 9, 17)):
        meeting = services.meeting_open(entry=entry, acting_user=staff)
        services.meeting_report_save(
            meeting=meeting, parts=_parts(rng, entry.deputy, year, meeting.part_constituency), acting_user=staff
        )
    held_on = dt.date(year, entry.planned_month, rng.randint(8, 26))
    if held_on >= TODAY:
        return meeting  # still preparing
    attendance = rng.choice([rng.randint(22, 29), *[rng.randint(32, 85)] * 5])
    with clock.at(held_on, 17):
        services.meeting_record(
            meeting=meeting, held_on=held_on, place=entry.place, attendance=attendance,
            video_url="https://video.example.cn/duty/" + str(entry.pk) if rng.random() < 0.3 else "",
            acting_user=liaison,
        )
        for question, answer in rng.sample(QUESTIONS, rng.randint(1, 3)):
            services.meeting_question_save(meeting=meeting, question=question, answer=answer, acting_user=liaison)
    if year == TODAY.year and entry.planned_month >= 7 and rng.random() < 0.4:
        return meeting  # held, ballots not yet entered
    voted = attendance - rng.randint(0, 4)
    dissatisfied = rng.randint(0, 3)
    invalid = rng.randint(0, 2)
    basically = rng.randint(voted // 8, voted // 4)
    satisfied = max(0, voted - dissatisfied - invalid - basically)
    with clock.at(held_on, 18):
        services.meeting_evaluate(
            meeting=meeting, satisfied=satisfied, basically_satisfied=basically, dissatisfied=dissatisfied,
            invalid=invalid, comments=rng.choice(COMMENTS), acting_user=liaison,
        )
    DutyMeeting.objects.filter(pk=meeting.pk).update(evaluated_at=_aware(held_on, 16))
    for issue in rng.sample(ISSUES, rng.randint(1, 2)):
        with clock.at(held_on + dt.timedelta(days=2), 10):
            item = services.rectification_add(
                meeting=meeting, owner=entry.deputy, issue=issue,
                due_on=held_on + dt.timedelta(days=rng.choice([60, 90, 120] if year < TODAY.year else [90, 180, 300])),
                acting_user=liaison,
            )
        with clock.at(held_on + dt.timedelta(days=30), 15):
            progress = services.rectification_progress_add(item=item, note="已制定整改计划，正在落实。",
                                                           acting_user=liaison)
        RectificationItem.objects.filter(pk=item.pk).update(created_at=_aware(held_on + dt.timedelta(days=2)))
        RectificationProgress.objects.filter(pk=progress.pk).update(
            noted_at=_aware(min(held_on + dt.timedelta(days=30), TODAY - dt.timedelta(days=1)))
        )
        # Demo accounts keep their items open, so the deputy's and the group's pages show them.
        if year == 2025 or (rng.random() < 0.3 and entry.deputy.user_id is None):
            with clock.at(min(item.due_on, TODAY - dt.timedelta(days=3)), 16):
                services.rectification_close(item=item, closing_note="已按选民意见完成整改，并在代表组活动中通报。",
                                             acting_user=liaison)
            RectificationItem.objects.filter(pk=item.pk).update(
                closed_on=min(item.due_on, TODAY - dt.timedelta(days=3))
            )
    return meeting


def _written(rng, plan: RotationPlan, deputy: Deputy, target: str, staff, liaison) -> WrittenReport | None:
    if target == "missing":
        return None
    key = (deputy.pk, plan.year)
    # Written over the summer, handed in from September (the deadline set with the plan).
    with clock.at(dt.date(plan.year, 8, clock.spread(("start", key), 1, 28)), clock.spread(key, 9, 21)):
        report = services.written_report_start(deputy=deputy, year=plan.year, acting_user=staff)
        parts = _parts(rng, deputy, plan.year, report.part_constituency)
        if target == "draft":
            parts["part_good_deeds"] = ""
        services.written_report_save(report=report, parts=parts, acting_user=staff)
    if target == "draft":
        return report
    submitted = dt.date(plan.year, rng.randint(9, 11), rng.randint(1, 20))
    submitted = min(submitted, TODAY - dt.timedelta(days=12))
    with clock.at(submitted, clock.spread(("submit", key), 9, 21)):
        report = services.written_report_submit(report=report, acting_user=staff)
    WrittenReport.objects.filter(pk=report.pk).update(submitted_at=_aware(submitted))
    if target == "submitted":
        return report
    with clock.at(submitted + dt.timedelta(days=clock.spread(("review", key), 2, 6)), clock.spread(key, 9, 17)):
        if target == "returned":
            return services.written_report_review(
                report=report, accept=False, comment="第三部分请补充具体事例和办理结果，第五部分过于简略。",
                acting_user=liaison,
            )
        report = services.written_report_review(report=report, accept=True, comment="", acting_user=liaison)
    if target == "accepted":
        return report
    with clock.at(submitted + dt.timedelta(days=10), 10):
        report = services.written_report_file(report=report, acting_user=staff)
    WrittenReport.objects.filter(pk=report.pk).update(filed_at=_aware(submitted + dt.timedelta(days=10)))
    return report


def _plan(rng, group, year: int, staff, liaison, *, want: Deputy | None = None, avoid: Deputy | None = None):
    # Drafted by the new-year job, adjusted and confirmed by the group in January.
    with clock.at(dt.date(year, 1, clock.spread((group.pk, year), 2, 6)), clock.spread(("hour", group.pk, year), 9, 17)):
        return _plan_in_january(rng, group, year, staff, liaison, want=want, avoid=avoid)


def _plan_in_january(rng, group, year: int, staff, liaison, *, want: Deputy | None, avoid: Deputy | None):
    plan = services.rotation_plan_draft(group=group, year=year, acting_user=staff, seed=rng.randrange(1, 2**31))
    entries = list(plan.entries.select_related("deputy"))
    spare = [d for d in group.deputies.filter(term=plan.term, status="serving") if d.pk not in {e.deputy_id for e in entries}]
    if want is not None and want.pk not in {e.deputy_id for e in entries}:
        services.rotation_swap(entry=entries[0], new_deputy=want, reason="本人申请今年向选民当面述职，经代表组研究同意。",
                               acting_user=liaison)
    if avoid is not None:
        entry = next((e for e in entries if e.deputy_id == avoid.pk), None)
        if entry is not None:
            replacement = next(d for d in spare if d.pk != (want.pk if want else None))
            services.rotation_swap(entry=entry, new_deputy=replacement, reason="因工作调动时间冲突，与同组代表调换。",
                                   acting_user=liaison)
    entries = list(plan.entries.order_by("planned_month", "rank"))
    for position, entry in enumerate(entries):
        # In the demo year the last meeting of each group is still ahead, in December.
        month = 12 if year == TODAY.year and position == len(entries) - 1 and len(entries) > 1 else entry.planned_month
        services.rotation_entry_update(
            entry=entry, planned_month=month, place=f"{entry.deputy.constituency.name}{rng.choice(PLACES)}",
            topic=rng.choice(TOPICS), acting_user=liaison,
        )
    confirmed_on = dt.date(year, 1, rng.randint(10, 25))
    with clock.at(confirmed_on, clock.spread(("confirm", plan.pk), 9, 17)):
        services.rotation_plan_confirm(plan=plan, acting_user=liaison)
    RotationPlan.objects.filter(pk=plan.pk).update(confirmed_at=_aware(confirmed_on))
    plan.refresh_from_db()
    return plan


def seed(context: dict) -> None:
    rng = context["rng"]
    groups = context["groups"]
    staff = User.objects.get(username="staff")
    office = DutyReportSettings.load()
    office.min_attendance = 30
    office.save()
    demo_deputy = User.objects.get(username="deputy").current_deputy
    demo_deputy2 = User.objects.get(username="deputy2").current_deputy
    written_states = ["filed", "filed", "filed", "accepted", "submitted", "returned", "draft", "missing"]
    for year in (2025, 2026):
        published_meetings = 0
        for index, group in enumerate(groups):
            liaison = group.liaisons.first()
            plan = _plan(
                rng, group, year, staff, liaison,
                want=demo_deputy if year == 2026 and index == 0 else None,
                avoid={0: demo_deputy if year == 2025 else None, 1: demo_deputy2}.get(index),
            )
            for entry in plan.entries.select_related("deputy__constituency", "plan"):
                meeting = _meeting(rng, entry, year, staff, liaison)
                if meeting and meeting.status == DutyMeeting.Status.EVALUATED and (year == 2025 or rng.random() < 0.4):
                    with clock.at(min(meeting.held_on + dt.timedelta(days=21), TODAY - dt.timedelta(days=1)), 10):
                        publication = services.report_publish(meeting=meeting, acting_user=staff)
                    PublishedReport.objects.filter(pk=publication.pk).update(
                        published_at=_aware(min(meeting.held_on + dt.timedelta(days=21), TODAY - dt.timedelta(days=1)))
                    )
                    published_meetings += 1
            picked = set(plan.entries.values_list("deputy_id", flat=True))
            others = [d for d in group.deputies.filter(term=plan.term, status="serving").order_by("pk")
                      if d.pk not in picked]
            for position, deputy in enumerate(others):
                if year == 2025:
                    target = "filed"
                elif deputy == demo_deputy2:
                    target = "returned"
                else:
                    target = written_states[(position + index) % len(written_states)]
                report = _written(rng, plan, deputy, target, staff, liaison)
                if report is not None and report.status == WrittenReport.Status.FILED and rng.random() < 0.25:
                    filed = WrittenReport.objects.values_list("filed_at", flat=True).get(pk=report.pk)
                    with clock.at(min(filed + dt.timedelta(days=14), _aware(TODAY - dt.timedelta(days=1)))):
                        publication = services.report_publish(written_report=report, acting_user=staff)
                    PublishedReport.objects.filter(pk=publication.pk).update(
                        published_at=min(filed + dt.timedelta(days=14), _aware(TODAY - dt.timedelta(days=1)))
                    )
    seed_spot_checks(context)
    seed_exemplary(context)


def seed_spot_checks(context: dict) -> None:
    """The committee's spot checks: one concluded with findings, one concluded clean, one still open."""
    from .models import SpotCheck
    from .spot_checks import ItemFinding, population, spot_check_conclude, spot_check_draw

    committee = User.objects.get(username="committee")
    groups = context["groups"]
    plans = [
        (groups[0], SpotCheck.Kind.ACTIVITY, "fair", "两份活动记录未附联系的选民名单，一份缺少照片；请联络员督促代表补齐。"),
        (groups[1], SpotCheck.Kind.OPENING, "good", ""),
        (groups[4], SpotCheck.Kind.PROBLEM, None, ""),
    ]
    for index, (group, kind, conclusion, findings) in enumerate(plans):
        if not population(group=group, kind=kind, start=dt.date(2026, 4, 1), end=dt.date(2026, 9, 30)).exists():
            continue  # seeded without the casework and mailbox demos
        with clock.at(dt.date(2026, 10, 12 + 7 * index), 10):
            check = spot_check_draw(group=group, kind=kind, period_start=dt.date(2026, 4, 1),
                                    period_end=dt.date(2026, 9, 30), sample_size=5, acting_user=committee,
                                    seed=2026 + index)
        if conclusion is None:
            continue
        items = list(check.items.all())
        with clock.at(dt.date(2026, 10, 26 + index), 15):
            spot_check_conclude(
                spot_check=check, conclusion=conclusion, findings=findings, acting_user=committee,
                items=[ItemFinding(item.pk, not (conclusion == "fair" and n < 2),
                                   "未附选民名单" if conclusion == "fair" and n < 2 else "")
                       for n, item in enumerate(items)],
            )


def seed_exemplary(context: dict) -> None:
    """Two of this year's candidates for 优秀代表 already held up as 履职典型."""
    from deputies.models import Deputy, DeputyGroup
    from deputies.services import deputy_mark_exemplary

    from .archive import evaluate

    staff = User.objects.get(username="staff")
    _, rows, _ = evaluate(Deputy.objects.filter(term=context["term"]), DeputyGroup.objects.all(), TODAY.year, TODAY)
    for row in [row for row in rows if row.qualifies][:2]:
        with clock.at(dt.date(2026, 11, 20), 10):
            deputy_mark_exemplary(deputy=row, exemplary=True, acting_user=staff)
