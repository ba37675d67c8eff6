"""The demo's two departments on the platform (`dept`: 区住房和城乡建设局, `dept2`: 区民政局)
get work in every state of their workspace — new, signed for, due within 3 working days,
overdue, returned, answered (with an attachment) — extension requests waiting, approved
and refused, and one problem sent back three times (提级督办). All through the services."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from deputies.models import Department
from liaison.models import User
from liaison.workdays import add_working_days

from . import services
from .models import CallbackResult, FeedbackMethod, Problem, ProblemCategory, ResultClass

DAY = dt.timedelta(days=1)
CASES = {
    "区住房和城乡建设局": (ProblemCategory.HOUSING, [
        "老旧小区加装电梯审批难，希望给予指导", "楼顶漏水，维修基金使用难", "物业服务差，小区大门门禁长期损坏",
        "小区外墙瓷砖脱落，存在安全隐患", "背街小巷路面破损，希望纳入改造计划", "小区雨污管网老化，经常返味",
        "老旧小区改造后停车位划线不合理", "安置房办证迟迟没有结果",
    ]),
    "区民政局": (ProblemCategory.ELDERLY_CARE, [
        "社区缺少老年人日间照料中心", "希望开办社区老年食堂，解决独居老人吃饭难", "高龄津贴申领需要多次跑腿",
        "低保申请材料多、办理慢，希望简化流程", "养老服务补贴标准希望公开", "独居老人希望安装紧急呼叫设备",
        "社区养老服务站开放时间太短", "临时救助审批周期长",
    ]),
}


def _reply_letter(title: str) -> SimpleUploadedFile:
    """A one-page PDF as the department's reply letter (答复函)."""
    body = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    return SimpleUploadedFile(f"{title}.pdf", body, content_type="application/pdf")


class _Showcase:
    def __init__(self, seeder, department: Department, user: User):
        self.seeder, self.department, self.user = seeder, department, user
        self.group = seeder.groups[0]
        self.liaison = seeder.liaison[self.group.pk]
        self.staff = User.objects.get(username="staff")
        self.deputy = next(d for d in seeder.deputies[self.group.pk] if d.user_id) if any(
            d.user_id for d in seeder.deputies[self.group.pk]) else seeder.deputies[self.group.pk][0]
        self.category, self.texts = CASES[department.name]
        self.today = seeder.today
        self.people = list(
            self.deputy.constituency.communities.first().constituents.order_by("pk")[:20]
        ) if self.deputy.constituency.communities.exists() else []

    def problem(self, index: int, raised_on: dt.date) -> Problem:
        raisers = self.people[index % max(1, len(self.people)):][:1] if self.people else []
        return services.problem_register(
            source=Problem.Source.VISIT, text=self.texts[index % len(self.texts)], category=self.category,
            group=self.group, deputy=self.deputy, constituency=self.deputy.constituency, constituents=raisers,
            is_livelihood=True, raised_on=raised_on, acting_user=self.liaison,
        )

    def forward(self, problem: Problem, on: dt.date, **extra):
        [forwarding] = services.problem_forward(problem=problem, departments=[self.department], forwarded_on=on,
                                                acting_user=self.liaison, **extra)
        return forwarding

    def accept(self, problem, forwarding, on):
        services.problem_start_handling(problem=problem, forwarding=forwarding, accepted_on=on, acting_user=self.user)

    def reply(self, problem, forwarding, on, result_class=ResultClass.A, letter=False):
        services.problem_record_reply(
            problem=problem, forwarding=forwarding, replied_on=on, result_class=result_class,
            reply_text="经现场核实，已安排专人处理，并与反映人沟通了处理方案。" if result_class in "AB"
            else "受政策和资金限制，暂无法实施，已向反映人说明。",
            attachments=[_reply_letter(f"{self.department.name}答复函")] if letter else [], acting_user=self.user,
        )

    def run(self) -> None:
        today, real_today = self.today, timezone.localdate()
        # 新转交: forwarded today, the office asks the department to contact the constituent.
        self.forward(self.problem(0, today - 2 * DAY), today, needs_contact=True)
        # 已签收: accepted, plenty of time left.
        problem = self.problem(1, today - 8 * DAY)
        forwarding = self.forward(problem, today - 6 * DAY)
        self.accept(problem, forwarding, today - 5 * DAY)
        # 3个工作日内到期, with an extension request waiting for the office.
        problem = self.problem(2, today - 25 * DAY)
        due, _ = add_working_days(real_today, 2)
        forwarding = self.forward(problem, today - 20 * DAY, deadline=due)
        self.accept(problem, forwarding, today - 19 * DAY)
        services.extension_request(problem=problem, forwarding=forwarding, reason="需协调产权单位和施工方，现场方案尚未确定。",
                                   new_deadline=due + 15 * DAY, acting_user=self.user)
        # 已超期: one never signed for, one whose extension the office refused.
        self.forward(self.problem(3, today - 45 * DAY), today - 40 * DAY)
        problem = self.problem(4, today - 50 * DAY)
        forwarding = self.forward(problem, today - 45 * DAY)
        self.accept(problem, forwarding, today - 44 * DAY)
        extension = services.extension_request(problem=problem, forwarding=forwarding, reason="资金尚未到位。",
                                               new_deadline=forwarding.deadline + 30 * DAY, acting_user=self.user)
        services.extension_decide(extension=extension, approve=False, note="理由不充分，请按期答复。",
                                  acting_user=self.staff)
        # 已退办: not this department's duty.
        problem = self.problem(5, today - 5 * DAY)
        forwarding = self.forward(problem, today - 3 * DAY)
        services.problem_return(problem=problem, forwarding=forwarding, reason="该事项属于街道办事处职责，建议转交属地街道。",
                                returned_on=today - DAY, acting_user=self.user)
        # 已答复 with a reply letter, after an approved extension; closed, told and called back.
        problem = self.problem(6, today - 70 * DAY)
        forwarding = self.forward(problem, today - 65 * DAY)
        self.accept(problem, forwarding, today - 65 * DAY)
        extension = services.extension_request(problem=problem, forwarding=forwarding, reason="需等待年度维修资金批复。",
                                               new_deadline=forwarding.deadline + 10 * DAY, acting_user=self.user)
        services.extension_decide(extension=extension, approve=True, acting_user=self.staff)
        self.reply(problem, forwarding, today - 30 * DAY, letter=True)
        services.problem_resolve(problem=problem, result_summary="有关部门已处理完毕，问题得到解决。",
                                 resolved_on=today - 29 * DAY, acting_user=self.user)
        services.problem_feedback(problem=problem, how=FeedbackMethod.PHONE, when=today - 27 * DAY,
                                  acting_user=self.liaison)
        services.callback_record(problem=problem, constituent=problem.constituents.first(),
                                 result=CallbackResult.SATISFIED, note="对办理结果满意。", called_on=today - 25 * DAY,
                                 acting_user=self.liaison)
        self.escalated(self.problem(7, today - 150 * DAY), today - 148 * DAY)

    def escalated(self, problem: Problem, start: dt.date) -> None:
        """Sent back three times after 不满意 回访: 提级督办 on the committee's board."""
        day = start
        for round_number in range(3):
            forwarding = self.forward(problem, day)
            self.accept(problem, forwarding, day + DAY)
            self.reply(problem, forwarding, day + 10 * DAY, result_class=ResultClass.B)
            services.problem_resolve(problem=problem, result_summary="部门称已列入计划，正在实施。",
                                     resolved_on=day + 11 * DAY, acting_user=self.user)
            services.problem_feedback(problem=problem, how=FeedbackMethod.PHONE, when=day + 12 * DAY,
                                      acting_user=self.liaison)
            callback = services.callback_record(
                problem=problem, constituent=problem.constituents.first(), result=CallbackResult.DISSATISFIED,
                note=f"第{round_number + 1}次回访：问题依旧，没有实际解决。", called_on=day + 13 * DAY,
                acting_user=self.liaison,
            )
            services.problem_send_back(problem=problem, callback=callback, sent_on=day + 14 * DAY,
                                       acting_user=self.liaison)
            day += 20 * DAY


def seed_departments(seeder) -> None:
    for department in Department.objects.filter(users__isnull=False).distinct().order_by("name"):
        if department.name in CASES:
            _Showcase(seeder, department, department.users.order_by("pk").first()).run()
