"""Who may do which step of the casework and suggestion pipelines: one table, one function.

The source document sets the rule: a deputy forwards problems (转交), presses the
departments (督办) and tells voters the result (反馈); 代表不直接处理问题. A
department's own steps (签收/受理, 退办, 答复, 申请延期, 办结, 暂不能解决) are done by
the department on the platform, or recorded on its behalf by a liaison or the office
(代录, naming the department's contact). The standing committee reads.

`may()` is asked by every POST of a step (views), by the pages to show only the
buttons a person may press, and by the services (defence in depth). What a person
may *see* is `visible_to`; this module says what they may *do* with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from liaison.models import Role

DEPUTY, LIAISON, DEPARTMENT, STAFF, COMMITTEE = (
    Role.DEPUTY.value, Role.LIAISON.value, Role.DEPARTMENT.value, Role.STAFF.value, Role.COMMITTEE.value,
)
ROLE_ORDER = (DEPUTY, LIAISON, DEPARTMENT, STAFF, COMMITTEE)
ROLE_LABELS = {DEPUTY: "代表", LIAISON: "联络员", DEPARTMENT: "承办单位", STAFF: "联络工委", COMMITTEE: "常委会"}


@dataclass(frozen=True)
class Step:
    label: str
    roles: frozenset[str]
    # A department's own step: a liaison or the office may only record it as 代录.
    department_step: bool = False


def _step(label: str, *roles: str, department_step: bool = False) -> Step:
    return Step(label, frozenset(roles), department_step)


_DEPUTY_WORK = (DEPUTY, LIAISON, STAFF)
_DEPARTMENT_WORK = (DEPARTMENT, LIAISON, STAFF)

STEPS: dict[str, Step] = {
    # 群众诉求 (casework)
    "register": _step("登记诉求", *_DEPUTY_WORK),
    "edit": _step("修改登记内容", *_DEPUTY_WORK),
    "link": _step("并入相似诉求", *_DEPUTY_WORK),
    "forward": _step("转交有关部门", *_DEPUTY_WORK),
    "followup": _step("督办", *_DEPUTY_WORK),
    "remind": _step("催办（通知未答复的承办部门）", *_DEPUTY_WORK),
    "letter_reply": _step("回复来信人", *_DEPUTY_WORK),
    "feedback": _step("向选民反馈", *_DEPUTY_WORK),
    "accept": _step("签收（受理）", *_DEPARTMENT_WORK, department_step=True),
    "return": _step("退办", *_DEPARTMENT_WORK, department_step=True),
    "reply": _step("答复（A/B/C/D）", *_DEPARTMENT_WORK, department_step=True),
    "extend": _step("申请延期", *_DEPARTMENT_WORK, department_step=True),
    "decide_extension": _step("审批延期", STAFF),
    "resolve": _step("办结", *_DEPARTMENT_WORK, department_step=True),
    "unsolvable": _step("暂不能解决", *_DEPARTMENT_WORK, department_step=True),
    "callback": _step("回访", LIAISON, STAFF),
    "send_back": _step("发回重办", LIAISON, STAFF),
    "reopen": _step("重新办理", *_DEPUTY_WORK),
    # Many problems at once (list page): the office's and the liaisons' tool; each item is still
    # checked against its own step above.
    "bulk": _step("批量办理", LIAISON, STAFF),
    # 议案/建议 (suggestions)
    "suggestion_draft": _step("起草议案/建议", *_DEPUTY_WORK),
    "suggestion_edit": _step("修改议案/建议", *_DEPUTY_WORK),
    "suggestion_submit": _step("提交议案/建议", *_DEPUTY_WORK),
    "suggestion_assign": _step("交办部门", LIAISON, STAFF),
    "suggestion_merge": _step("并案办理", LIAISON, STAFF),
    "suggestion_reply": _step("登记部门答复（代录）", LIAISON, STAFF),
    "suggestion_satisfaction": _step("代表满意度", *_DEPUTY_WORK),
}


# The steps of the case itself: a problem linked into another (并入) follows its main case
# and takes none of them on its own; feedback to its own constituents stays its own.
MAIN_CASE_STEPS = frozenset({
    "link", "forward", "followup", "remind", "accept", "return", "reply", "extend", "resolve", "unsolvable",
    "send_back", "reopen",
})


def role_of(user) -> str | None:
    """The role the table knows this account by (a superuser counts as office staff)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return STAFF
    return user.role if user.role in ROLE_ORDER else None


def department_ids(user) -> frozenset[int]:
    """The departments a department account works for (read once per request object)."""
    cached = getattr(user, "_department_ids", None)
    if cached is None:
        cached = frozenset(user.departments.values_list("pk", flat=True)) if user.is_department else frozenset()
        user._department_ids = cached
    return cached


def is_proxy(user, step: str) -> bool:
    """A department's step recorded by someone who is not the department: 代录."""
    return STEPS[step].department_step and role_of(user) != DEPARTMENT


def may(user, step: str, *, problem=None, forwarding=None) -> tuple[bool, str]:
    """Whether `user` may do `step` (on that problem or forwarding), and if not, why, in Chinese."""
    spec = STEPS.get(step)
    if spec is None:
        return False, "没有这个办理步骤。"
    role = role_of(user)
    if role is None:
        return False, "您的账号不能办理群众诉求和议案建议。"
    if role == COMMITTEE:
        return False, "常委会账号只能查看，不能修改。"
    if not user.can_write:  # e.g. a deputy who has left office
        return False, user.write_refusal
    if role not in spec.roles:
        if role == DEPUTY and spec.department_step:
            return False, (f"代表不直接处理问题：“{spec.label}”是承办部门的步骤，"
                           "由部门在平台上办理，或由联络员、联络工委代录。")
        if role == DEPARTMENT:
            return False, f"承办单位只办理转交给本单位的事项，不能{spec.label}。"
        allowed = "、".join(ROLE_LABELS[r] for r in ROLE_ORDER if r in spec.roles)
        return False, f"“{spec.label}”由{allowed}办理，您的角色不能操作。"
    if problem is not None and problem.linked_to_id and step in MAIN_CASE_STEPS:
        return False, (f"该诉求已并入诉求{problem.linked_to_id}，随主件办理：请在诉求{problem.linked_to_id}上"
                       f"{spec.label}，结果会告知每一位反映人。")
    if role == DEPARTMENT:
        mine = department_ids(user)
        if forwarding is not None:
            if forwarding.department_id not in mine:
                return False, "该事项没有转交给本单位，不能办理。"
        elif problem is not None and not _has_current_forwarding(problem, mine):
            return False, "该诉求本轮没有转交给本单位，不能办理。"
    return True, ""


def _has_current_forwarding(problem, department_ids_: frozenset[int]) -> bool:
    current = getattr(problem, "current_forwardings", None)
    if current is not None:
        return any(f.department_id in department_ids_ for f in current)
    return problem.forwardings.filter(round=problem.round, department_id__in=department_ids_).exists()


def markdown_table() -> str:
    """The same table for the README (a test keeps the two equal)."""
    head = "| 步骤 | " + " | ".join(ROLE_LABELS[r] for r in ROLE_ORDER) + " |"
    rule = "|---|" + "---|" * len(ROLE_ORDER)
    rows = []
    for spec in STEPS.values():
        cells = []
        for role in ROLE_ORDER:
            if role not in spec.roles:
                cells.append("—")
            elif spec.department_step and role != DEPARTMENT:
                cells.append("代录")
            elif spec.department_step:
                cells.append("本单位")
            else:
                cells.append("✓")
        rows.append(f"| {spec.label} | " + " | ".join(cells) + " |")
    rows.append("| 查看 | 本人负责的 | 所联系代表组的 | 转交本单位的 | 全区 | 全区（只读） |")
    return "\n".join([head, rule, *rows])


def refused(request, reason: str):
    """The 403 page of a refused step: the Chinese reason, and nothing was changed."""
    from django.shortcuts import render

    return render(request, "constituents/refused.html", {"reason": reason}, status=403)
