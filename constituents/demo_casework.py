"""The demo district's contact work: a year of activities of every 三问 type and form,
problems in every state of the pipeline (some overdue, one deadline estimated into 2027),
and suggestions whose replies are fanned out to the constituents who raised the problems.
Everything goes through the services, so the history and the audit look real."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from deputies.models import Department, Deputy, DeputyStatus
from liaison import demo_clock as clock

from . import services
from .models import (
    CATEGORY_ASK_TYPE,
    ActivityForm,
    ActivityOrganizer,
    AskType,
    CallbackResult,
    Constituent,
    FeedbackMethod,
    FollowUpMethod,
    Problem,
    ProblemCategory,
    ResultClass,
    Satisfaction,
    Suggestion,
)

D = dt.date

PROBLEMS: dict[str, tuple[list[str], list[str]]] = {
    # category: (texts, departments that handle it)
    ProblemCategory.URBAN_CONSTRUCTION: (
        ["小区门口道路坑洼，雨天积水严重", "老旧小区路灯损坏多处，夜间出行不便", "背街小巷路面破损，希望纳入改造计划",
         "小区雨污管网老化，经常返味"],
        ["区住房和城乡建设局", "区城市更新中心", "区水务局"],
    ),
    ProblemCategory.TRANSPORT: (
        ["希望在学校门口增设公交站点", "早晚高峰路口拥堵，建议优化信号灯配时", "小区周边停车位不足，乱停车现象严重"],
        ["区交通运输局", "区公交公司", "区公安分局"],
    ),
    ProblemCategory.SANITATION: (
        ["垃圾分类收集点清运不及时，夏天异味大", "农贸市场周边卫生脏乱", "河道有生活垃圾漂浮，希望定期清理"],
        ["区城市管理局", "区生态环境分局", "区水务局"],
    ),
    ProblemCategory.EDUCATION: (
        ["小学放学时间早，双职工家庭接送困难，希望开展课后服务", "片区学位紧张，希望扩建幼儿园"],
        ["区教育局"],
    ),
    ProblemCategory.HEALTH: (
        ["社区卫生服务中心药品种类少，慢性病取药不便", "希望社区开展老年人免费体检"],
        ["区卫生健康委员会", "区医疗保障局"],
    ),
    ProblemCategory.SOCIAL_SECURITY: (
        ["低保申请材料多、办理慢，希望简化流程", "残疾人两项补贴发放不及时", "高龄津贴申领需要多次跑腿"],
        ["区民政局", "区残疾人联合会"],
    ),
    ProblemCategory.EMPLOYMENT: (
        ["零就业家庭希望得到就业岗位推荐", "希望社区开展技能培训，帮助下岗职工再就业"],
        ["区人力资源和社会保障局"],
    ),
    ProblemCategory.HOUSING: (
        ["老旧小区加装电梯审批难，希望给予指导", "物业服务差，小区大门门禁长期损坏", "楼顶漏水，维修基金使用难"],
        ["区住房和城乡建设局"],
    ),
    ProblemCategory.ELDERLY_CARE: (
        ["社区缺少老年人日间照料中心", "希望开办社区老年食堂，解决独居老人吃饭难"],
        ["区民政局"],
    ),
    ProblemCategory.PUBLIC_SECURITY: (
        ["小区监控探头损坏，电动车被盗多起", "夜间烧烤摊噪音扰民"],
        ["区公安分局", "区城市管理局"],
    ),
    ProblemCategory.ECONOMY: (["希望为小微企业提供融资对接服务", "商业街空置门面多，建议引进业态"], ["区商务局"]),
    ProblemCategory.OTHER: (["希望社区增设便民服务点，方便办理水电气业务"], ["区政务服务中心"]),
}
LIVELIHOOD = {ProblemCategory.SOCIAL_SECURITY, ProblemCategory.ELDERLY_CARE, ProblemCategory.HOUSING,
              ProblemCategory.HEALTH, ProblemCategory.EMPLOYMENT, ProblemCategory.URBAN_CONSTRUCTION}
ASK_FOR_CATEGORY = {
    ProblemCategory.SOCIAL_SECURITY: AskType.DIFFICULTY, ProblemCategory.EMPLOYMENT: AskType.DIFFICULTY,
    ProblemCategory.ELDERLY_CARE: AskType.DIFFICULTY, ProblemCategory.ECONOMY: AskType.ADVICE,
}
PLACES = ["社区活动室", "社区党群服务中心", "小区广场", "居民楼道", "社区议事厅", "街道文化站", "企业会议室"]
SUMMARIES = {
    AskType.DIFFICULTY: "走访困难家庭，了解生活、就业和就医方面的实际困难，宣传低保、临时救助等政策。",
    AskType.NEEDS: "与居民面对面交流，听取对小区环境、交通出行和公共服务的意见和建议。",
    AskType.ADVICE: "邀请企业负责人和专业人士座谈，围绕区人大常委会调研议题征询意见建议。",
}
GROUP_FORMS = [ActivityForm.SURVEY, ActivityForm.SPECIAL, ActivityForm.PUBLIC_WELFARE, ActivityForm.CONSULTATION]
PERSONAL_FORMS = [ActivityForm.VISIT, ActivityForm.VISIT, ActivityForm.CONSULTATION, ActivityForm.ON_SITE,
                  ActivityForm.SURVEY, ActivityForm.SPECIAL]


def _photo(rng, label: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image = Image.new("RGB", (480, 320), (rng.randint(150, 230), rng.randint(120, 200), rng.randint(100, 180)))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 460, 300), outline=(120, 20, 20), width=6)
    draw.text((40, 40), label, fill=(60, 20, 20))
    image.save(buffer, format="JPEG", quality=70)
    return SimpleUploadedFile(f"{label}.jpg", buffer.getvalue(), content_type="image/jpeg")


class _Seeder:
    def __init__(self, context: dict):
        self.rng = context["rng"]
        self.term = context["term"]
        self.groups = context["groups"]
        self.today = min(timezone.localdate(), D(2026, 11, 28))
        self.departments = {d.name: d for d in Department.objects.all()}
        self.people: dict[tuple[int, str], list[Constituent]] = {}
        for person in Constituent.objects.select_related("community").filter(community__constituency__term=self.term):
            key = (person.community.constituency_id, CATEGORY_ASK_TYPE[person.category])
            self.people.setdefault(key, []).append(person)
        self.deputies: dict[int, list[Deputy]] = {}
        for deputy in Deputy.objects.filter(term=self.term).select_related("constituency").order_by("pk"):
            self.deputies.setdefault(deputy.group_id, []).append(deputy)
        self.liaison = {group.pk: group.liaisons.first() for group in self.groups}
        # Departments on the platform act for themselves; for the others the liaison records (代录).
        self.department_users = {
            department.pk: department.users.order_by("pk").first()
            for department in Department.objects.filter(users__isnull=False).distinct()
        }
        self.photo_budget = 8

    def day(self, start: dt.date, end: dt.date) -> dt.date:
        end = min(end, self.today)
        return start + dt.timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    def met(self, constituency_id: int, ask_type: str, count: int) -> list[Constituent]:
        pool = list(self.people.get((constituency_id, ask_type), []))
        if self.rng.random() < 0.1:  # now and then someone outside the 三问 target joins: a warning, not an error
            pool += self.people.get((constituency_id, AskType.NEEDS), [])[:3]
        return self.rng.sample(pool, min(count, len(pool)))

    def raised(self, ask_type: str, people: list[Constituent], how_many: int) -> list[services.RaisedProblem]:
        categories = [c for c in PROBLEMS if ASK_FOR_CATEGORY.get(c, AskType.NEEDS) == ask_type] or list(PROBLEMS)
        result = []
        for _ in range(how_many):
            category = self.rng.choice(categories)
            result.append(services.RaisedProblem(
                text=self.rng.choice(PROBLEMS[category][0]), category=category,
                is_livelihood=category in LIVELIHOOD and self.rng.random() < 0.8,
                constituent_indexes=tuple(sorted(self.rng.sample(range(len(people)), min(len(people),
                                                                                          self.rng.randint(1, 2))))),
            ))
        return result

    def activity(self, *, deputies, organizer, held_on, form, user, problems: int) -> None:
        constituency = deputies[0].constituency
        ask_type = self.rng.choice([AskType.DIFFICULTY, AskType.NEEDS, AskType.NEEDS, AskType.ADVICE])
        people = self.met(constituency.pk, ask_type, self.rng.randint(2, 6))
        photos = []
        if self.photo_budget and deputies[0].user_id:
            self.photo_budget -= 1
            photos = [(_photo(self.rng, f"activity-{held_on:%m%d}"), "活动现场")]
        with clock.at(held_on, clock.spread((held_on, deputies[0].pk), 15, 19)):  # logged the evening of the visit
            self._log(organizer=organizer, deputies=deputies, held_on=held_on, ask_type=ask_type, form=form,
            place=f"{constituency.name}{self.rng.choice(PLACES)}", constituency=constituency,
                      summary=SUMMARIES[ask_type], constituents=people,
                      crowd_count=self.rng.choice([0, 0, 5, 12, 30]) if people else 20, photos=photos,
                      problems=self.raised(ask_type, people, problems if people else 0), acting_user=user)

    @staticmethod
    def _log(**kwargs) -> None:
        services.activity_log(**kwargs)

    def activities(self) -> None:
        for group in self.groups:
            serving = [d for d in self.deputies[group.pk] if d.status == DeputyStatus.SERVING]
            user = self.liaison[group.pk]
            # Group-organised: twice in 2025, three times in 2026, several deputies each.
            for start, end in [(D(2025, 4, 1), D(2025, 5, 30)), (D(2025, 9, 1), D(2025, 10, 30)),
                               (D(2026, 3, 1), D(2026, 4, 15)), (D(2026, 6, 1), D(2026, 7, 10)),
                               (D(2026, 9, 1), D(2026, 10, 20))]:
                by_constituency: dict[int, list[Deputy]] = {}
                for deputy in serving:
                    by_constituency.setdefault(deputy.constituency_id, []).append(deputy)
                taking_part = self.rng.choice(list(by_constituency.values()))
                taking_part = self.rng.sample(taking_part, max(1, len(taking_part) - self.rng.randint(0, 1)))
                self.activity(deputies=taking_part, organizer=ActivityOrganizer.GROUP, held_on=self.day(start, end),
                              form=self.rng.choice(GROUP_FORMS), user=user, problems=self.rng.randint(1, 2))
            # Personal visits in 2026: most deputies one to three, a few none (they are "behind").
            for deputy in serving:
                visits = 3 if deputy.user_id else self.rng.choices([0, 1, 2, 3], [2, 3, 4, 2])[0]
                for _ in range(visits):
                    self.activity(deputies=[deputy], organizer=ActivityOrganizer.PERSONAL,
                                  held_on=self.day(D(2026, 1, 5), D(2026, 11, 27)),
                                  form=self.rng.choice(PERSONAL_FORMS), user=deputy.user or user,
                                  problems=self.rng.choice([0, 1, 1, 2]))

    def department_for(self, problem: Problem):
        names = [n for n in PROBLEMS[problem.category][1] if n in self.departments]
        return self.departments[self.rng.choice(names)] if names else self.rng.choice(list(self.departments.values()))

    def actor(self, forwarding, fallback):
        """The department's own account when it has one, otherwise the liaison (代录)."""
        return self.department_users.get(forwarding.department_id, fallback)

    def advance(self, problem: Problem) -> None:
        """Move a problem as far as its age allows, with the odd return, reopening and overdue department."""
        rng, user = self.rng, self.liaison[problem.group_id]
        age = (self.today - problem.raised_on).days
        roll = rng.random()
        if age < 4 or roll < 0.06:
            return  # waiting to be forwarded
        forwarded_on = min(problem.raised_on + dt.timedelta(days=rng.randint(1, 4)), self.today)
        department = self.department_for(problem)
        if rng.random() < 0.07:  # sent to the wrong department first, returned within 7 working days
            wrong = rng.choice([d for d in self.departments.values() if d != department])
            with clock.at(forwarded_on, 10):
                [first] = services.problem_forward(problem=problem, departments=[wrong], forwarded_on=forwarded_on,
                                                   acting_user=user)
            returned_on = min(forwarded_on + dt.timedelta(days=rng.randint(1, 5)), self.today)
            with clock.at(returned_on, 15):
                services.problem_return(problem=problem, forwarding=first, reason="该事项不属于本部门职责，建议转交主管部门。",
                                        returned_on=returned_on, acting_user=self.actor(first, user))
            forwarded_on = min(returned_on + dt.timedelta(days=1), self.today)
        departments = [department]
        if rng.random() < 0.1:
            other = self.department_for(problem)
            if other != department:
                departments.append(other)
        with clock.at(forwarded_on, 10):
            forwardings = services.problem_forward(problem=problem, departments=departments, forwarded_on=forwarded_on,
                                                   acting_user=user)
        if roll < 0.16 or (self.today - forwarded_on).days < 3:
            return  # forwarded, not yet accepted (overdue if old enough)
        for forwarding in forwardings:
            accepted_on = min(forwarded_on + dt.timedelta(days=rng.choice([0, 1, 1, 2, 4])), self.today)
            with clock.at(accepted_on, 11):
                services.problem_start_handling(problem=problem, forwarding=forwarding, accepted_on=accepted_on,
                                                acting_user=self.actor(forwarding, user))
        if rng.random() < 0.5:
            followed_on = min(forwarded_on + dt.timedelta(days=rng.randint(5, 15)), self.today)
            with clock.at(followed_on, 16):
                services.followup_add(
                    problem=problem, forwarding=forwardings[0],
                    followed_on=followed_on,
                    method=rng.choice(FollowUpMethod.values),
                    department_said=rng.choice(["部门表示已派人现场勘察，正在制定方案。", "部门称已列入本月工作计划。",
                                                "部门答复正在协调资金，月底前给出处理意见。"]),
                    acting_user=problem.deputy.user if problem.deputy and problem.deputy.user else user,
                )
        replied_on = forwarded_on + dt.timedelta(days=rng.randint(8, 25))
        if roll < 0.34 or replied_on > self.today:
            return  # being handled (overdue if past the deadline)
        solved = rng.random() < 0.8
        for forwarding in forwardings:
            with clock.at(replied_on, 16):
                services.problem_record_reply(
                    problem=problem, forwarding=forwarding, replied_on=replied_on,
                    result_class=ResultClass.A if solved else rng.choice([ResultClass.C, ResultClass.D]),
                    reply_text="经现场核实，已安排施工队处理完毕。" if solved else "受资金和规划限制，暂无法实施，已纳入明年计划统筹考虑。",
                    acting_user=self.actor(forwarding, user),
                )
        closer = self.actor(forwardings[0], user)
        result_on = min(replied_on + dt.timedelta(days=rng.randint(0, 3)), self.today)
        with clock.at(result_on, 10):
            if solved:
                services.problem_resolve(problem=problem, result_summary="有关部门已处理完毕，问题得到解决。",
                                         resolved_on=result_on, acting_user=closer)
            else:
                services.problem_mark_unsolvable(problem=problem, reason="受资金和规划限制，近期暂不能实施。",
                                                 decided_on=result_on, acting_user=closer)
        told_on = result_on + dt.timedelta(days=rng.randint(1, 6))
        if roll < 0.45 or told_on > self.today:
            return  # waiting for feedback
        with clock.at(told_on, 14):
            services.problem_feedback(problem=problem, how=rng.choice(FeedbackMethod.values), when=told_on,
                                      acting_user=user)
        if rng.random() < 0.7 and told_on < self.today:
            self.call_back(problem, after=told_on, user=user)

    def call_back(self, problem: Problem, *, after: dt.date, user) -> None:
        """The office's own 回访 of each constituent; now and then a 不满意 sends it back for 重办."""
        rng = self.rng
        called_on = min(after + dt.timedelta(days=rng.randint(1, 5)), self.today)
        people = list(problem.constituents.all()) or [None]
        unhappy = None
        with clock.at(called_on, 15):
            for person in people:
                result = rng.choices(CallbackResult.values, [55, 25, 8, 12])[0]
                callback = services.callback_record(
                    problem=problem, constituent=person, result=result, called_on=called_on, acting_user=user,
                    note={"satisfied": "对办理结果满意。", "basically": "基本满意，希望加快进度。",
                          "dissatisfied": "认为问题没有根本解决。", "unreachable": "电话无人接听。"}[result],
                )
                if result == CallbackResult.DISSATISFIED:
                    unhappy = callback
            if unhappy is not None and rng.random() < 0.6:
                services.problem_send_back(problem=problem, callback=unhappy, sent_on=called_on, acting_user=user)

    def casework(self) -> None:
        for problem in Problem.objects.select_related("deputy__user").order_by("raised_on", "pk"):
            self.advance(problem)
        # One forwarded on the eve of the demo's "today" with a long deadline: it runs into 2027,
        # a year chinese-calendar does not know yet, so the deadline is shown as an estimate.
        fresh = Problem.objects.filter(state=Problem.State.REGISTERED, raised_on__lt=self.today).first()
        if fresh is not None:
            with clock.at(self.today, 9):
                services.problem_forward(problem=fresh, departments=[self.department_for(fresh)],
                                         forwarded_on=self.today, deadline_days=30,
                                         acting_user=self.liaison[fresh.group_id])

    def same_matter_again(self) -> None:
        """Two more letters about a case the first group is handling (issue 12 §6): one already
        linked into it (并入), one just registered, whose page offers the case as 相似诉求."""
        group = self.groups[0]
        main = (Problem.objects.filter(group=group, state=Problem.State.HANDLING, community__isnull=False,
                                       linked_to__isnull=True).order_by("pk").first())
        if main is None:
            return
        liaison = self.liaison[group.pk]
        people = [p for p in self.people.get((main.constituency_id, "needs"), [])
                  if p.community_id == main.community_id and not main.constituents.filter(pk=p.pk).exists()]
        for index, (lead, link) in enumerate((("又有居民来信反映：", True), ("居民再次来信：", False))):
            with clock.at(self.today, 9 + index):
                again = services.problem_register(
                    source=Problem.Source.LETTER, text=lead + main.text, category=main.category, group=group,
                    deputy=main.deputy, constituency=main.constituency, community=main.community,
                    constituents=people[index:index + 1], raised_on=self.today, acting_user=liaison,
                )
                if link:
                    services.problem_link(problem=again, main=main, acting_user=liaison)

    def suggestions(self) -> None:
        rng = self.rng
        plans = [
            (ProblemCategory.URBAN_CONSTRUCTION, Suggestion.Kind.SUGGESTION, "关于加快老旧小区基础设施改造的建议",
             D(2026, 3, 10), ResultClass.B, Satisfaction.SATISFIED),
            (ProblemCategory.SOCIAL_SECURITY, Suggestion.Kind.SUGGESTION, "关于简化低保和临时救助办理流程的建议",
             D(2026, 4, 20), ResultClass.A, None),
            (ProblemCategory.ELDERLY_CARE, Suggestion.Kind.BILL, "关于加快社区居家养老服务设施建设的议案",
             D(2026, 5, 15), ResultClass.C, Satisfaction.BASICALLY),
            (ProblemCategory.TRANSPORT, Suggestion.Kind.SUGGESTION, "关于优化学校周边公交线路和站点的建议",
             D(2026, 7, 1), None, None),
            (ProblemCategory.SANITATION, Suggestion.Kind.SUGGESTION, "关于提高生活垃圾清运频次的建议",
             D(2026, 10, 10), None, None),
        ]
        staff = self.liaison[self.groups[0].pk]
        first_group = self.groups[0]
        demo_deputy = Deputy.objects.filter(group=first_group, user__isnull=False).first()
        for index, (category, kind, title, submitted_on, result_class, satisfaction) in enumerate(plans):
            candidates = Problem.objects.filter(category=category, raised_on__lt=submitted_on).exclude(deputy=None)
            # The first two come from the first group, so its liaison and deputy see a whole story.
            ours = candidates.filter(group=first_group) if index < 2 else candidates.none()
            problems = list(ours.order_by("raised_on")[:3]) + [
                p for p in candidates.exclude(group=first_group).order_by("raised_on")[:6]
            ]
            if not problems:
                continue
            lead = problems[0].deputy
            others = list(Deputy.objects.filter(term=self.term, status=DeputyStatus.SERVING).exclude(pk=lead.pk))
            colleagues = rng.sample(others, 11 if kind == Suggestion.Kind.BILL else rng.randint(0, 3))
            if index == 0 and demo_deputy is not None and demo_deputy != lead:
                colleagues.append(demo_deputy)
            with clock.at(submitted_on - dt.timedelta(days=7), 15):  # drafted a week before it is handed in
                suggestion = services.suggestion_draft(
                    kind=kind, title=title,
                    content=f"群众多次反映{ProblemCategory(category).label}方面的问题，涉及多个选区。建议有关部门统筹研究、加快解决。",
                    category=category, lead_deputy=lead, proposers=colleagues, problems=problems,
                    research_notes="代表分组走访相关社区，召开居民座谈会两次，听取部门情况介绍。", acting_user=staff,
                )
            with clock.at(submitted_on, 10):
                services.suggestion_submit(suggestion=suggestion, submitted_on=submitted_on, acting_user=staff)
            department = self.department_for(problems[0])
            co = [d for d in {self.department_for(p) for p in problems} if d != department][:2]
            assigned_on = submitted_on + dt.timedelta(days=10)
            with clock.at(assigned_on, 11):
                services.suggestion_assign(suggestion=suggestion, lead_department=department, co_departments=co,
                                           assigned_on=assigned_on, acting_user=staff)
            if result_class is None:
                continue  # one still within three months, one past it
            replied_on = submitted_on + dt.timedelta(days=75)
            with clock.at(replied_on, 16):
                services.suggestion_record_reply(
                    suggestion=suggestion, result_class=result_class, replied_on=replied_on,
                    reply_text="经研究，已将相关事项纳入年度工作计划，分批推进实施，并将进展及时向代表通报。",
                    acting_user=staff,
                )
            if satisfaction:
                with clock.at(replied_on + dt.timedelta(days=12), 10):
                    services.suggestion_record_satisfaction(suggestion=suggestion, satisfaction=satisfaction,
                                                            note="希望加快进度，按期完成。", acting_user=staff)
        self.merged_suggestion(staff)

    def merged_suggestion(self, staff) -> None:
        """并案: a second deputy's suggestion on the same bus routes, handled with the first."""
        lead = Suggestion.objects.filter(title="关于优化学校周边公交线路和站点的建议").first()
        if lead is None:
            return
        taken = lead.problems.values_list("pk", flat=True)
        problems = list(Problem.objects.filter(category=ProblemCategory.TRANSPORT).exclude(pk__in=taken)
                        .exclude(deputy=None).exclude(deputy=lead.lead_deputy).order_by("raised_on")[:3])
        if not problems:
            return
        with clock.at(D(2026, 7, 1), 15):
            twin = services.suggestion_draft(
                kind=Suggestion.Kind.SUGGESTION, title="关于在学校附近增设公交站点的建议",
                content="多名家长反映学校附近没有公交站点，学生上下学不便。", category=ProblemCategory.TRANSPORT,
                lead_deputy=problems[0].deputy, proposers=[], problems=problems,
                research_notes="走访两所学校，听取家长代表意见。", acting_user=staff,
            )
        with clock.at(D(2026, 7, 8), 10):
            services.suggestion_submit(suggestion=twin, submitted_on=D(2026, 7, 8), acting_user=staff)
        with clock.at(D(2026, 7, 15), 10):
            services.suggestion_merge(suggestion=twin, into=lead, acting_user=staff)


def seed(context: dict) -> None:
    from .demo_departments import seed_departments

    seeder = _Seeder(context)
    seeder.activities()
    seeder.casework()
    seeder.same_matter_again()
    seeder.suggestions()
    seed_departments(seeder)
