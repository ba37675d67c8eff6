"""Audit: django-simple-history keeps a row of every change to every model,
made in a page, a service, a task or the admin. Services name the action
(a dotted name such as "mailbox.letter.registered") and the acting user."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AccessLog


def audited(instance: models.Model, *, action: str, user=None) -> models.Model:
    """Mark the next save of `instance` with who did it and which action it was."""
    instance._history_user = user if (user is not None and user.is_authenticated) else None
    instance._change_reason = action
    return instance


def log_access(*, user, obj: models.Model, action: str = AccessLog.Action.VIEWED, request=None) -> None:
    """Record that `user` saw or took out a person's data in full."""
    ip = None
    if request is not None:
        ip = request.META.get("REMOTE_ADDR")
    AccessLog.objects.create(
        user=user,
        action=action,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        ip_address=ip,
    )


def history_of(instance: models.Model, limit: int = 50):
    """The change history of one row, newest first, with users joined."""
    return instance.history.select_related("history_user").order_by("-history_date")[:limit]


# What each audited action is called in the UI (history tables); the dotted
# names stay in the database so they can be searched and counted.
ACTION_LABELS = {
    "deputies.deputy.left": "代表离任",
    "deputies.deputy.imported": "Excel 导入代表名册",
    "deputies.deputy.exemplary_marked": "标记为履职典型",
    "deputies.deputy.exemplary_cleared": "取消履职典型",
    "constituents.constituent.created": "登记选民",
    "constituents.constituent.imported": "Excel 导入选民名册",
    "constituents.activity.logged": "登记联系选民活动",
    "constituents.activity.photo_added": "上传活动照片",
    "constituents.problem.registered": "登记群众诉求",
    "constituents.problem.updated": "修改群众诉求",
    "constituents.problem.forwarded": "转交有关部门",
    "constituents.problem.handling": "部门受理办理",
    "constituents.problem.returned": "部门退办",
    "constituents.problem.resolved": "办结",
    "constituents.problem.unsolvable": "暂不能解决",
    "constituents.problem.fed_back": "反馈选民",
    "constituents.problem.reopened": "重新办理",
    "constituents.problem.suggestion_replied": "议案/建议答复送达",
    "constituents.forwarding.created": "转交部门",
    "constituents.forwarding.accepted": "部门受理",
    "constituents.forwarding.replied": "部门答复",
    "constituents.forwarding.returned": "部门退办",
    "constituents.followup.added": "督办记录",
    "constituents.suggestion.drafted": "起草议案/建议",
    "constituents.suggestion.updated": "修改议案/建议",
    "constituents.suggestion.submitted": "提交议案/建议",
    "constituents.suggestion.assigned": "交办部门",
    "constituents.suggestion.merged": "并案办理",
    "constituents.suggestion.replied": "部门答复议案/建议",
    "constituents.suggestion.satisfaction_recorded": "代表满意度测评",
    "mailbox.mailbox.created": "设立信箱",
    "mailbox.mailbox.updated": "修改信箱",
    "mailbox.mailbox.retired": "撤除信箱",
    "mailbox.opening.recorded": "开启信箱",
    "mailbox.letter.registered": "登记来信",
    "mailbox.letter.submitted_online": "网上来信",
    "mailbox.letter.delivered": "送交代表",
    "mailbox.letter.replied": "代表回复",
    "mailbox.summary.remarks_saved": "保存汇总说明",
    "mailbox.summary.submitted": "报送季度汇总",
    "mailbox.issue.marked": "列为重点监督",
    "mailbox.issue.closed": "结束重点监督",
    "reports.plan.drafted": "起草述职安排",
    "reports.plan.entry_picked": "安排述职代表",
    "reports.plan.entry_updated": "修改述职安排",
    "reports.plan.confirmed": "年初落实述职安排",
    "reports.rotation.swapped": "调换述职代表",
    "reports.meeting.opened": "建立述职会记录",
    "reports.meeting.recorded": "记录述职会",
    "reports.meeting.report_saved": "保存述职报告",
    "reports.meeting.evaluated": "登记评议结果",
    "reports.meeting.question_added": "记录选民提问",
    "reports.meeting.question_updated": "修改选民提问",
    "reports.rectification.added": "提出整改事项",
    "reports.rectification.progress_noted": "记录整改进展",
    "reports.rectification.closed": "整改完成",
    "reports.written.started": "开始书面报告",
    "reports.written.saved": "保存书面报告",
    "reports.written.submitted": "提交书面报告",
    "reports.written.accepted": "代表组审查通过",
    "reports.written.filed": "报联络工委备案",
    "reports.report.published": "公开刊登",
    "reports.spot_check.drawn": "抽取抽查记录",
    "reports.spot_check.item_noted": "记录抽查发现",
    "reports.spot_check.concluded": "形成抽查结论",
    "reports.report.withdrawn": "撤回公开",
    # sec-data: retention of personal data (issue 9 §4).
    "constituents.constituent.anonymised": "到期匿名化选民个人信息",
    "mailbox.letter.anonymised": "到期匿名化来信人信息",
}


def action_label(action: str | None) -> str:
    if not action:
        return ""
    return ACTION_LABELS.get(action, "其他操作")
