"""The demo district's mailboxes: one box per constituency, a year of weekly
openings with a few missed weeks, letters in every state of the pipeline,
online letters with tracking codes, submitted and draft quarterly summaries,
and two issues under the committee's supervision.

Everything past the openings goes through the services, so the demo is built
the way the office would build it. Demo "today" is 2026-11-28.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from constituents import services as casework
from constituents.models import FeedbackMethod, Problem, ProblemCategory, ResultClass
from deputies.models import Constituency, Department, Deputy, DeputyStatus
from liaison import demo_clock as clock
from liaison.demo_names import mobile, person_name
from liaison.models import User

from . import services
from .models import Letter, Mailbox, Opening, QuarterlySummary
from .weeks import SHANGHAI, Quarter, Week

# The first online letter's code, printed in the README so the public tracking page can be tried.
DEMO_TRACKING_CODE = "HZ26DEMQXJ7K"

LETTERS = {
    ProblemCategory.URBAN_CONSTRUCTION: ["小区门口的路灯坏了两个多月，晚上老人出门很不方便。",
                                         "老旧小区改造后雨水管接错，一下雨单元门口就积水。",
                                         "人行道砖块松动翘起，已经有老人绊倒。"],
    ProblemCategory.TRANSPORT: ["希望在小区北门增设公交站点，现在最近的站要走二十分钟。",
                                "学校门口上下学时段车辆乱停，孩子过马路很危险。",
                                "十字路口红绿灯时间太短，老年人过不去。"],
    ProblemCategory.SANITATION: ["菜市场后面的垃圾站清运不及时，夏天气味很大。",
                                 "河道里有人倾倒建筑垃圾，希望有关部门查处。"],
    ProblemCategory.HEALTH: ["社区卫生服务站周末不开门，老人看病要跑很远。",
                             "希望社区卫生服务中心增加慢病药品的种类。"],
    ProblemCategory.EDUCATION: ["小区附近没有公办幼儿园，入园难。", "学校放学太早，双职工家庭接孩子困难，希望开展课后服务。"],
    ProblemCategory.ELDERLY_CARE: ["社区老年食堂只有中午供餐，希望增加晚餐。", "高龄老人补贴申请手续太复杂。"],
    ProblemCategory.HOUSING: ["物业公司不作为，电梯经常停运。", "小区业委会选举一直拖着没有进行。"],
    ProblemCategory.SOCIAL_SECURITY: ["低保复核时间太长，家里实在困难。"],
    ProblemCategory.EMPLOYMENT: ["希望街道多组织一些适合大龄下岗职工的技能培训。"],
    ProblemCategory.PUBLIC_SECURITY: ["小区周边夜间有人飙车，噪音扰民也不安全。"],
}
REPLIES = ["已了解情况，转交有关部门办理，我会跟踪督办。", "已到现场察看，情况属实，转交主管部门。",
           "已与社区沟通，转交有关部门并请其限期答复。"]
RESULTS = ["有关部门已完成维修，经现场查看已恢复正常。", "已列入明年改造计划，届时统一解决。",
           "已协调增设，下月起执行。"]


def _at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


def seed(context: dict) -> None:
    rng = context["rng"]
    term = context["term"]
    today = timezone.localdate()
    committee = User.objects.get(username="committee")
    departments = list(Department.objects.filter(is_active=True))

    boxes = _mailboxes(rng, term)
    openings = _openings(rng, boxes, today)
    _letters(rng, openings, departments, today)
    _online_letters(rng, term, today)
    _summaries(rng, today)
    _issues(committee)


def _mailboxes(rng, term) -> list[Mailbox]:
    boxes = []
    constituencies = Constituency.objects.filter(term=term).select_related("group").prefetch_related(
        "communities", "group__liaisons"
    )
    serving = {}
    for deputy in Deputy.objects.filter(term=term, status=DeputyStatus.SERVING).order_by("pk"):
        serving.setdefault(deputy.constituency_id, []).append(deputy)
    for index, constituency in enumerate(constituencies):
        deputies = serving.get(constituency.pk, [])
        community = constituency.communities.all()[0]
        liaison = constituency.group.liaisons.all()[0]
        entrusted = index % 9 == 4 or not deputies
        # Recorded when set up, or (for a box entrusted later) when it was entrusted.
        with clock.at(dt.date(2025, 3, 1) if entrusted else dt.date(2024, 1, 15), 10):
            box = services.mailbox_create(
                constituency=constituency, community=community, name=f"{community.name}代表信箱",
                location=f"{community.name}党群服务中心门口", set_up_on=dt.date(2024, 1, 15), deputies=deputies,
                keeping=Mailbox.Keeping.ENTRUSTED if entrusted else Mailbox.Keeping.DEPUTY,
                keeper_deputy=None if entrusted else deputies[0], entrusted_to=liaison if entrusted else None,
                entrusted_reason="保管代表长期在外地工作，经代表组研究委托联络员管理" if entrusted else "",
                entrusted_on=dt.date(2025, 3, 1) if entrusted else None, acting_user=liaison,
            )
        boxes.append(box)
    # One box that was taken down when its community moved into a new building.
    first = constituencies[0]
    with clock.at(dt.date(2024, 1, 15), 10):
        old = services.mailbox_create(
            constituency=first, name="旧址代表信箱", location="原社区办公楼（已搬迁）", set_up_on=dt.date(2024, 1, 15),
            keeping=Mailbox.Keeping.ENTRUSTED, entrusted_to=first.group.liaisons.all()[0],
            entrusted_reason="社区搬迁过渡期", entrusted_on=dt.date(2024, 1, 15), acting_user=first.group.liaisons.all()[0],
        )
    with clock.at(dt.date(2025, 6, 30), 16):
        services.mailbox_retire(mailbox=old, retired_on=dt.date(2025, 6, 30), acting_user=first.group.liaisons.all()[0])
    return boxes


def _openings(rng, boxes: list[Mailbox], today: dt.date) -> list[Opening]:
    """A year of weekly openings; about one week in thirty missed, and this week still in progress."""
    this_week = Week.of(today)
    weeks = []
    week = this_week
    for _ in range(53):
        weeks.append(week)
        week = week.previous()
    liaisons = {box.pk: box.constituency.group.liaisons.all()[0] for box in boxes}
    keepers = {box.pk: (box.keeper_deputy.name if box.keeper_deputy_id else liaisons[box.pk].display_name)
               for box in boxes}
    rows = []
    for box in boxes:
        for week in weeks:
            if week == this_week and rng.random() < 0.35:
                continue  # not opened yet this week
            if week != this_week and rng.random() < 0.035:
                continue  # a missed week: the Monday job alerted for it
            last_day = min(week.end, today)
            day = week.start + dt.timedelta(days=rng.randint(0, (last_day - week.start).days))
            moment = _at(day, rng.randint(8, 17), rng.choice([0, 15, 30, 45]))
            if moment > timezone.now():
                moment = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(hours=1)
            rows.append(Opening(
                mailbox=box, opened_at=moment, opened_by=keepers[box.pk],
                witness=person_name(rng) if rng.random() < 0.6 else "", letter_count=0,
                recorded_by=liaisons[box.pk],
            ))
    for row in rows:
        row._history_user = row.recorded_by
        row._change_reason = "mailbox.opening.recorded"
        row._history_date = row.opened_at  # recorded when the box was opened, not when the demo was built
    return bulk_create_with_history(rows, Opening, batch_size=500, default_change_reason="mailbox.opening.recorded")


def _letters(rng, openings: list[Opening], departments, today: dt.date) -> None:
    """About 160 paper letters, in every state from 待送交 to 已反馈."""
    with_letters = rng.sample(openings, 110)
    with_letters.sort(key=lambda opening: opening.opened_at)
    categories = list(LETTERS)
    for opening in with_letters:
        count = rng.choice([1, 1, 1, 2, 2, 3])
        Opening.objects.filter(pk=opening.pk).update(letter_count=count)
        opening.letter_count = count
        opening.mailbox = Mailbox.objects.select_related("constituency__group", "keeper_deputy", "community").get(
            pk=opening.mailbox_id
        )
        liaison = opening.recorded_by
        served = list(opening.mailbox.deputies.filter(status=DeputyStatus.SERVING))
        for _ in range(count):
            category = rng.choice(categories)
            anonymous = rng.random() < 0.4
            with clock.at(opening.opened_at + dt.timedelta(minutes=20), 0):
                letter = services.letter_register(
                    opening=opening, acting_user=liaison,
                    letter=services.LetterInput(
                        text=rng.choice(LETTERS[category]), category=category,
                        sender_name="" if anonymous else person_name(rng),
                        sender_contact="" if anonymous or rng.random() < 0.3 else mobile(rng),
                        deputy=rng.choice(served) if served else None,
                        is_livelihood=rng.random() < 0.5,
                    ),
                )
            _advance(rng, letter, liaison, departments, today)


def _advance(rng, letter: Letter, liaison, departments, today: dt.date) -> None:
    """Move a letter along the pipeline as far as its age allows (with some stragglers)."""
    received = letter.received_at.astimezone(SHANGHAI).date()
    age = (today - received).days
    problem = letter.problem
    deputy_user = problem.deputy.user if problem.deputy and problem.deputy.user_id else liaison
    if age < 2 or (age < 12 and rng.random() < 0.25):
        return  # still waiting to be delivered (some of them late: the daily job reminds)
    if problem.deputy is None:
        return
    latest = timezone.now() - dt.timedelta(hours=1)
    delivered_at = min(letter.received_at + dt.timedelta(days=rng.choice([0, 1, 1, 2]), hours=2), latest)
    with clock.at(delivered_at, 0):
        services.letter_deliver(letter=letter, delivered_at=delivered_at, acting_user=liaison)
    if age < 6 or (age < 20 and rng.random() < 0.25):
        return  # delivered, the deputy has not replied yet
    replied_at = max(min(delivered_at + dt.timedelta(days=rng.randint(1, 3), hours=3), latest), delivered_at)
    with clock.at(replied_at, 0):
        services.letter_reply(letter=letter, reply=rng.choice(REPLIES), replied_at=replied_at,
                              public_reply="您反映的问题代表已收到，已转交有关部门办理。", acting_user=deputy_user)
    if age < 8:
        return
    replied = replied_at.astimezone(SHANGHAI).date()
    forwarded = replied + dt.timedelta(days=1)
    with clock.at(forwarded, 10):
        [forwarding] = casework.problem_forward(
            problem=problem, departments=[rng.choice(departments)], forwarded_on=forwarded, acting_user=deputy_user,
        )
    if age < 14 or rng.random() < 0.1:
        return  # 已转交, waiting for the department (some past their deadline)
    # The department's own steps: its account when it has one, else the liaison records them (代录).
    # A deputy never does them (代表不直接处理问题).
    department_user = forwarding.department.users.order_by("pk").first() or liaison
    with clock.at(forwarded + dt.timedelta(days=2), 11):
        casework.problem_start_handling(problem=problem, forwarding=forwarding,
                                        accepted_on=forwarded + dt.timedelta(days=2), acting_user=department_user)
    if age < 30:
        if rng.random() < 0.5:
            with clock.at(forwarded + dt.timedelta(days=5), 15):
                casework.followup_add(problem=problem, forwarding=forwarding, followed_on=forwarded + dt.timedelta(days=5),
                                      method="phone", department_said="正在现场核实，近期给出方案。",
                                      acting_user=deputy_user)
        return  # 办理中
    answered = forwarded + dt.timedelta(days=rng.randint(10, 20))
    solvable = rng.random() < 0.8
    with clock.at(answered, 16):
        casework.problem_record_reply(
            problem=problem, forwarding=forwarding, reply_text=rng.choice(RESULTS) if solvable else "受资金所限，暂不能实施。",
            result_class=ResultClass.A if solvable else ResultClass.C, replied_on=answered, acting_user=department_user,
        )
    decided = answered + dt.timedelta(days=2)
    with clock.at(decided, 10):
        if solvable:
            casework.problem_resolve(problem=problem, result_summary=rng.choice(RESULTS), resolved_on=decided,
                                     acting_user=department_user)
        else:
            casework.problem_mark_unsolvable(problem=problem, reason="需纳入明年财政预算，今年暂不能实施。",
                                             result_summary="该问题已纳入明年计划，今年暂不能解决。", decided_on=decided,
                                             acting_user=department_user)
    if age > 45 and rng.random() < 0.85:
        with clock.at(decided + dt.timedelta(days=3), 14):
            casework.problem_feedback(problem=problem, how=rng.choice([FeedbackMethod.PHONE, FeedbackMethod.IN_PERSON]),
                                      when=decided + dt.timedelta(days=3), acting_user=deputy_user)


def _online_letters(rng, term, today: dt.date) -> None:
    """Twenty online letters, with tracking codes; the first one's code is DEMO_TRACKING_CODE."""
    constituencies = list(Constituency.objects.filter(term=term).select_related("group")[:12])
    for index in range(20):
        constituency = constituencies[index % len(constituencies)]
        category = rng.choice(list(LETTERS))
        letter, _code = services.online_letter_submit(
            constituency=constituency, category=category, text=rng.choice(LETTERS[category]) + "（网上来信）",
            sender_name=person_name(rng) if index % 3 else "", sender_phone=mobile(rng) if index % 2 else "",
        )
        if index == 0:
            letter.tracking_digest = services.tracking_digest(DEMO_TRACKING_CODE)
        received = today - dt.timedelta(days=index * 4 + 1)
        letter.received_at = _at(received, 21)
        letter.save(update_fields=["tracking_digest", "received_at"])
        Problem.objects.filter(pk=letter.problem_id).update(raised_on=received, state_since=received)
        letter.refresh_from_db()
        if index == 0 or index % 5 == 1:
            continue  # waiting to be delivered
        liaison = constituency.group.liaisons.all()[0]
        deputy = Deputy.objects.filter(constituency=constituency, status=DeputyStatus.SERVING).first()
        if deputy is None:
            continue
        services.letter_deliver(letter=letter, deputy=deputy, delivered_at=_at(received + dt.timedelta(days=1), 10),
                                acting_user=liaison)
        letter.refresh_from_db()
        if index % 5 == 2:
            continue
        services.letter_reply(letter=letter, reply=rng.choice(REPLIES),
                              public_reply="您的来信已收到，代表已转交有关部门办理，请耐心等待。",
                              replied_at=_at(received + dt.timedelta(days=2), 19), acting_user=liaison)


def _summaries(rng, today: dt.date) -> None:
    """The last four quarters: drafts opened by the job, most of them reported, a few groups still late."""
    current = Quarter.of(today)
    quarter = current.previous()
    last_four = []
    for _ in range(4):
        last_four.append(quarter)
        quarter = quarter.previous()
    for quarter in reversed(last_four):
        closing = quarter.next().first_day  # the job opens the drafts at 07:00 on the quarter's next day
        with clock.at(closing, 7):
            services.summaries_open(quarter=quarter)
        for summary in QuarterlySummary.objects.filter(year=quarter.year, quarter=quarter.number).select_related(
            "group"
        ):
            if quarter == last_four[0] and summary.group.sort_order % 4 == 0:
                late_on = closing + dt.timedelta(days=clock.spread(("late", summary.pk), 10, 20))
                with clock.at(late_on, clock.spread(("late-hour", summary.pk), 9, 17)):
                    services.summary_save_remarks(summary=summary, remarks="清单正在核对中。",
                                                  acting_user=summary.group.liaisons.all()[0])
                continue  # still a draft: the roll-up shows who has not reported
            # Reported within the first ten days after the quarter ends, in office hours.
            submitted_on = closing + dt.timedelta(days=clock.spread(("submitted", summary.pk), 0, 9))
            with clock.at(submitted_on, clock.spread(("hour", summary.pk), 9, 17), clock.spread(summary.pk, 0, 59)):
                services.summary_submit(
                    summary=summary, acting_user=summary.group.liaisons.all()[0],
                    remarks=rng.choice(["本季度信箱每周按时开启，来信均已送交代表。", "个别问题涉及多个部门，已请代表持续督办。",
                                        "群众反映集中在城市建设和交通出行方面。"]),
                )


def _issues(committee) -> None:
    """Two hot issues the committee put under supervision: the most frequent category-and-place cells."""
    from django.db.models import Count

    cells = (
        Problem.objects.filter(constituency__isnull=False)
        .values("category", "constituency").annotate(total=Count("pk")).order_by("-total")[:2]
    )
    labels = dict(ProblemCategory.choices)
    for cell in cells:
        constituency = Constituency.objects.get(pk=cell["constituency"])
        with clock.at(dt.date(2026, 10, 20), 15):  # after reading the third quarter's roll-up
            services.issue_mark(
                category=cell["category"], constituency=constituency,
                title=f"{constituency.name}{labels[cell['category']]}问题",
                note="群众来信反映集中，列为常委会重点监督内容，请有关部门年底前报告办理情况。",
                problems=list(Problem.objects.filter(category=cell["category"], constituency=constituency)),
                acting_user=committee,
            )

