"""The department's extension requests (申请延期 → 审批) and the office's own 回访 with
发回重办. Both extend the one pipeline in problems.py; they never fork it."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from liaison.audit import audited

from ..models import Callback, CallbackResult, Constituent, ExtensionRequest, Forwarding, Problem
from ._common import State, _allow, _check_day, _lock, _recorded_as, _require_state, today
from .deadlines import open_deadlines_refresh
from .problems import _forwarding_of, new_round


@transaction.atomic
def extension_request(
    *, problem: Problem, forwarding: Forwarding, reason: str, new_deadline: dt.date | None,
    proxy_contact: str = "", acting_user,
) -> ExtensionRequest:
    """A department asks for more time (申请延期); the deadline moves only when the office approves."""
    _lock(problem)
    _require_state(problem, [State.FORWARDED, State.HANDLING], "申请延期")
    forwarding = _forwarding_of(problem, forwarding)
    _allow(acting_user, "extend", forwarding=forwarding)
    if not forwarding.is_open:
        raise ValidationError(f"{forwarding.department}的办理状态为“{forwarding.get_status_display()}”，不能申请延期。")
    if forwarding.extension_requests.filter(status=ExtensionRequest.Status.PENDING).exists():
        raise ValidationError("已有一份延期申请等待审批，请等待联络工委答复。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写延期理由。"})
    if new_deadline is None:
        raise ValidationError({"new_deadline": "请填写申请延至的日期。"})
    if new_deadline <= forwarding.deadline:
        raise ValidationError({"new_deadline": f"申请延至的日期应晚于现在的答复期限（{forwarding.deadline:%Y年%-m月%-d日}）。"})
    user, contact = _recorded_as(acting_user, "extend", department=forwarding.department, proxy_contact=proxy_contact)
    extension = ExtensionRequest(
        forwarding=forwarding, reason=reason, old_deadline=forwarding.deadline, requested_deadline=new_deadline,
        requested_on=today(), requested_by=user, proxy_contact=contact,
    )
    audited(extension, action="constituents.extension.requested", user=acting_user)
    extension.save()
    return extension


@transaction.atomic
def extension_decide(*, extension: ExtensionRequest, approve: bool, note: str = "", acting_user) -> ExtensionRequest:
    """The office approves (the deadline moves to the date asked for) or refuses; both are audited."""
    extension = ExtensionRequest.objects.select_for_update().select_related("forwarding__problem").get(
        pk=extension.pk
    )
    forwarding = extension.forwarding
    _allow(acting_user, "decide_extension", problem=forwarding.problem)
    if extension.status != ExtensionRequest.Status.PENDING:
        raise ValidationError(f"该延期申请已审批（{extension.get_status_display()}）。")
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError({"note": "不同意延期时，请写明理由。"})
    extension.status = ExtensionRequest.Status.APPROVED if approve else ExtensionRequest.Status.REFUSED
    extension.decided_on, extension.decided_by, extension.decision_note = today(), acting_user, note
    audited(extension, action="constituents.extension.approved" if approve else "constituents.extension.refused",
            user=acting_user)
    extension.save()
    if approve:
        forwarding = Forwarding.objects.select_for_update().get(pk=forwarding.pk)
        forwarding.deadline = extension.requested_deadline
        forwarding.deadline_is_estimate = False
        audited(forwarding, action="constituents.forwarding.deadline_extended", user=acting_user)
        forwarding.save()
        open_deadlines_refresh([forwarding.problem_id])
    return extension


@transaction.atomic
def callback_record(
    *, problem: Problem, constituent: Constituent | None, result: str, note: str = "",
    called_on: dt.date | None = None, acting_user,
) -> Callback:
    """回访: the office or the liaison asks a constituent about the result. Calling again the same
    person in the same round replaces the earlier answer (e.g. 未能联系 → 满意)."""
    _allow(acting_user, "callback", problem=problem)
    _lock(problem)
    _require_state(problem, [State.RESOLVED, State.UNSOLVABLE, State.FED_BACK], "回访")
    if result not in CallbackResult.values:
        raise ValidationError({"result": "请选择回访结果。"})
    raisers = set(problem.constituents.values_list("pk", flat=True))
    if constituent is not None and constituent.pk not in raisers:
        raise ValidationError({"constituent": "该选民不是这条诉求的反映人。"})
    if constituent is None and raisers:
        raise ValidationError({"constituent": "请选择回访的反映人。"})
    called_on = _check_day(called_on or today(), field="called_on", label="回访日期")
    if problem.result_on and called_on < problem.result_on:
        raise ValidationError({"called_on": "回访日期不能早于办结日期。"})
    note = (note or "").strip()
    if result == CallbackResult.DISSATISFIED and not note:
        raise ValidationError({"note": "选民不满意时，请记录不满意的原因。"})
    callback = (
        Callback.objects.select_for_update()
        .filter(problem=problem, round=problem.round, constituent=constituent).first()
    ) or Callback(problem=problem, round=problem.round, constituent=constituent)
    callback.result, callback.note, callback.called_on, callback.recorded_by = result, note, called_on, acting_user
    audited(callback, action="constituents.callback.recorded", user=acting_user)
    callback.save()
    return callback


@transaction.atomic
def problem_send_back(
    *, problem: Problem, callback: Callback, reason: str = "", sent_on: dt.date | None = None, acting_user,
) -> Problem:
    """发回重办: a 不满意 回访 of this round sends the problem into a new round; the third time
    it is flagged 提级督办 for the committee."""
    _allow(acting_user, "send_back", problem=problem)
    _lock(problem)
    # Like 重新办理, only after the result was told to every constituent (no feedback is left pending).
    _require_state(problem, [State.FED_BACK], "发回重办")
    callback = Callback.objects.select_for_update().get(pk=callback.pk)
    if callback.problem_id != problem.pk or callback.round != problem.round:
        raise ValidationError({"callback": "只能依据本轮的回访发回重办。"})
    if callback.result != CallbackResult.DISSATISFIED:
        raise ValidationError({"callback": "只有回访结果为“不满意”时才能发回重办。"})
    sent_on = _check_day(sent_on or today(), field="sent_on", label="发回日期")
    reason = (reason or "").strip() or callback.note
    callback.sent_back = True
    audited(callback, action="constituents.callback.sent_back", user=acting_user)
    callback.save()
    new_round(problem, reason=f"回访不满意，发回重办：{reason}", on=sent_on,
              action="constituents.problem.sent_back", acting_user=acting_user)
    return problem
