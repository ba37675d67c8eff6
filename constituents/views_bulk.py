"""Bulk steps on the problem list (issue 12 §4): forward, 回访, 反馈 and 催办 for many problems at once.

Each chosen problem goes through the same service as its single step, after the same
`may()` check, and is audited as that step is. The batch is all or nothing: one
transaction; when any row fails (not visible, not allowed, wrong state, invalid) nothing
is kept and the page lists every failing row with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from liaison.audit import record_event
from liaison.params import id_list_param
from liaison.permissions import require_write

from . import services
from .forms_bulk import BulkCallbackForm, BulkFeedbackForm, BulkForwardForm, BulkRemindForm
from .models import Problem
from .permissions import may, refused

# More than one list page, few enough that one transaction stays short.
BULK_LIMIT = 200
NOT_FOUND = "无权操作或不存在"


@dataclass(frozen=True)
class BulkStep:
    title: str
    verb: str  # "已批量{verb} N 件"
    permission: str  # the single step `may()` is asked about, per problem
    form_class: type


BULK_STEPS = {
    "forward": BulkStep("批量转交有关部门", "转交", "forward", BulkForwardForm),
    "callback": BulkStep("批量登记回访", "登记回访", "callback", BulkCallbackForm),
    "feedback": BulkStep("批量登记向选民反馈", "登记反馈", "feedback", BulkFeedbackForm),
    "remind": BulkStep("批量催办承办部门", "催办", "remind", BulkRemindForm),
}


@dataclass
class BulkRow:
    pk: int
    problem: Problem | None
    ok: bool = True
    reason: str = ""

    @property
    def title(self) -> str:
        if self.problem is None:
            return ""
        text = self.problem.text
        return text if len(text) <= 30 else text[:29] + "…"


def _run_one(step: str, problem: Problem, data: dict, user) -> None:
    """One problem, through the single step's service (which checks state and input again)."""
    common = {"problem": problem, "acting_user": user}
    if step == "forward":
        if problem.state != Problem.State.REGISTERED:
            # Adding a department to a case already forwarded is a decision per case: its own page.
            raise ValidationError(f"该诉求当前为“{problem.display_state}”，批量转交只用于待转交的诉求；"
                                  "增加承办部门请在诉求页面办理。")
        services.problem_forward(departments=[data["department"]], forwarded_on=data["forwarded_on"],
                                 deadline_days=data.get("deadline_days"), deadline=data.get("deadline"),
                                 needs_contact=data.get("needs_contact", False), **common)
    elif step == "callback":
        raisers = list(problem.constituents.all()) or [None]
        for constituent in raisers:
            services.callback_record(constituent=constituent, result=data["result"], note=data.get("note", ""),
                                     called_on=data["called_on"], **common)
    elif step == "feedback":
        services.problem_feedback(how=data["how"], when=data["when"], note=data.get("note", ""),
                                  constituents=None, **common)
    elif step == "remind":
        services.problem_remind(reminded_on=timezone.localdate(), **common)


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "；".join(dict.fromkeys(error.messages))
    return str(error) or "无权操作。"


def _run_batch(step: str, rows: list[BulkRow], data: dict, user) -> bool:
    """All or nothing: every row runs (so the report names every bad one), then a bad row undoes all."""
    spec = BULK_STEPS[step]
    with transaction.atomic():
        for row in rows:
            if row.problem is None:
                row.ok, row.reason = False, NOT_FOUND
                continue
            allowed, reason = may(user, spec.permission, problem=row.problem)
            if not allowed:
                row.ok, row.reason = False, reason
                continue
            try:
                with transaction.atomic():  # a savepoint: a failed row leaves the others' work to judge
                    _run_one(step, row.problem, data, user)
            except (ValidationError, PermissionDenied) as error:
                row.ok, row.reason = False, _reason(error)
        if not all(row.ok for row in rows):
            transaction.set_rollback(True)
            return False
        record_event(action="constituents.problem.bulk_done", user=user,
                     detail=f"{spec.title} {len(rows)} 件：" + "、".join(str(row.pk) for row in rows))
    return True


@require_write
def problem_bulk(request):
    """The chosen rows of the problem list, the step's form, and on POST the batch with its report."""
    user = request.user
    if not user.can_write:
        raise PermissionDenied(user.write_refusal)
    allowed, reason = may(user, "bulk")
    if not allowed:
        return refused(request, reason)
    query = request.POST if request.method == "POST" else request.GET
    step = query.get("step", "")
    if step not in BULK_STEPS:
        raise BadRequest("没有这个批量办理步骤。")
    ids = id_list_param(query, "ids")
    back = reverse("constituents:problem_list")
    if not ids:
        messages.info(request, "请先在列表中勾选要批量办理的诉求。")
        return redirect(back)
    spec = BULK_STEPS[step]
    context = {"step": step, "spec": spec, "back": back, "limit": BULK_LIMIT, "ids": ids}
    if len(ids) > BULK_LIMIT:
        context.update(too_many=len(ids), rows=[], form=None)
        return render(request, "constituents/problem_bulk.html", context, status=400)
    found = Problem.objects.visible_to(user).select_related("group", "deputy").in_bulk(ids)
    rows = [BulkRow(pk, found.get(pk)) for pk in ids]
    for row in rows:
        if row.problem is None:
            row.ok, row.reason = False, NOT_FOUND
    posted = request.method == "POST"
    form = spec.form_class(request.POST if posted else None, initial=_initial(step))
    failed = False
    if posted and form.is_valid():
        if _run_batch(step, rows, form.cleaned_data, user):
            what = f"{spec.verb}（{form.cleaned_data['department'].name}）" if step == "forward" else spec.verb
            messages.success(request, f"已批量{what} {len(rows)} 件：" + "、".join(
                f"{row.pk}号“{row.title}”" for row in rows) + "。")
            return redirect(back)
        failed = True
        # The services changed the rows in memory before the rollback: show them as they are saved.
        found = Problem.objects.visible_to(user).in_bulk(ids)
        for row in rows:
            row.problem = found.get(row.pk)
    context.update(rows=rows, form=form, failed=failed, bad=[row for row in rows if not row.ok])
    return render(request, "constituents/problem_bulk.html", context)


def _initial(step: str) -> dict:
    today = timezone.localdate()
    return {"forward": {"forwarded_on": today}, "callback": {"called_on": today},
            "feedback": {"when": today}}.get(step, {})
