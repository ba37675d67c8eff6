"""Audit: django-simple-history keeps a row of every change to every model,
made in a page, a service, a task or the admin. Services name the action
(a dotted name such as "mailbox.letter.registered") and the acting user."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models

from .models import AccessLog, AuditEvent
from .security import client_ip


def audited(instance: models.Model, *, action: str, user=None) -> models.Model:
    """Mark the next save of `instance` with who did it and which action it was.

    Every service passes its acting user through here before it saves, so this
    is also the last guard for accounts that may no longer write at all (a
    deputy who left office): the service is refused in Chinese, nothing saved.
    """
    if user is not None and getattr(user, "has_left_office", False):
        raise ValidationError(user.write_refusal)
    instance._history_user = user if (user is not None and user.is_authenticated) else None
    instance._change_reason = action
    return instance


def log_access(*, user, obj: models.Model, action: str = AccessLog.Action.VIEWED, request=None) -> None:
    """Record that `user` saw or took out a person's data in full."""
    ip = client_ip(request) if request is not None else None
    AccessLog.objects.create(
        user=user,
        action=action,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        ip_address=ip,
    )


def record_event(*, action: str, request=None, user=None, username: str = "", succeeded: bool = True,
                 obj: models.Model | None = None, detail: str = "") -> AuditEvent:
    """Append one row to the security log (AuditEvent)."""
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if user is not None and not username:
        username = user.get_username()
    return AuditEvent.objects.create(
        user=user,
        username=(username or "")[:150],
        ip_address=client_ip(request) if request is not None else None,
        action=action,
        succeeded=succeeded,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        path=(request.get_full_path()[:300] if request is not None else ""),
        detail=detail[:500],
    )


def history_of(instance: models.Model, limit: int = 50):
    """The change history of one row, newest first, with users joined."""
    return instance.history.select_related("history_user").order_by("-history_date")[:limit]


# What each audited action is called in the UI (history tables); the dotted
# names stay in the database so they can be searched and counted.
ACTION_LABELS = {
    "deputies.deputy.left": "代表离任",
    "liaison.roster_import.uploaded": "上传名册待检查",
    "liaison.roster_import.confirmed": "确认导入名册",
    "deputies.deputy.imported": "Excel 导入代表名册",
    "deputies.deputy.account_unlinked": "代表离任，取消账号的代表身份",
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
    "constituents.problem.linked": "并入相似诉求（随主件办理）",
    "constituents.problem.followed_main": "并入的诉求随主件办理",
    "constituents.forwarding.created": "转交部门",
    "constituents.forwarding.accepted": "部门受理",
    "constituents.forwarding.replied": "部门答复",
    "constituents.forwarding.returned": "部门退办",
    # casework-fixes: a suggestion's reply closes the departments' open parts;
    # staff's working-day rows and the estimated deadlines they recompute
    "constituents.forwarding.closed_by_suggestion": "已由建议答复",
    "constituents.forwarding.deadline_recomputed": "按节假日调整重算答复期限",
    "liaison.workday_override.saved": "保存节假日与调休",
    "liaison.workday_override.deleted": "删除节假日与调休",
    "constituents.followup.added": "督办记录",
    # bulk: 催办 on the platform, and one security-log row per bulk step (issue 12 §4)
    "constituents.forwarding.reminded": "催办承办部门",
    "constituents.problem.bulk_done": "批量办理群众诉求",
    # casework-roles: department steps, extensions, 回访 and 发回重办
    "constituents.attachment.added": "上传答复附件",
    "constituents.extension.requested": "部门申请延期",
    "constituents.extension.approved": "同意延期",
    "constituents.extension.refused": "不同意延期",
    "constituents.forwarding.deadline_extended": "答复期限延期",
    "constituents.callback.recorded": "回访",
    "constituents.callback.sent_back": "回访不满意，发回重办",
    "constituents.problem.sent_back": "发回重办",
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
    # sec-accounts: logins, accounts, denied requests and the audit log itself (AuditEvent).
    "auth.login.succeeded": "登录成功",
    "auth.login.failed": "登录失败",
    "auth.logout": "退出登录",
    "auth.locked_out": "登录失败次数过多，账号锁定",
    "auth.unlocked": "解除登录锁定",
    "auth.session.expired": "登录超时",
    "auth.password.changed": "修改本人密码",
    "auth.otp.enrolled": "绑定动态口令",
    "auth.otp.verified": "动态口令验证通过",
    "auth.otp.failed": "动态口令验证失败",
    "http.denied": "越权访问被拒绝",
    "accounts.user.created": "新建账号",
    "accounts.user.changed": "修改账号信息",
    "accounts.user.role_changed": "变更角色",
    "accounts.user.activated": "启用账号",
    "accounts.user.deactivated": "停用账号",
    "accounts.user.delete_refused": "删除账号被拒绝",
    "audit.log.searched": "查询审计日志",
    "audit.log.exported": "导出审计日志",
    # Excel export of list pages (issue 12 §2, liaison/exports.py).
    "liaison.list.exported": "导出列表（Excel）",
    "liaison.export_job.requested": "申请后台导出 Excel",
    "liaison.export_job.done": "后台导出的 Excel 已生成",
    "liaison.export_job.expired": "到期删除导出的 Excel 文件",
    "audit.records.purged": "清理超过保存期限的审计记录",
    "constituents.feedback.queued": "生成待反馈事项",
    "mailbox.summary.opened": "生成季度汇总草稿",
    "deputies.demo.seeded": "生成演示数据",
    "constituents.demo.seeded": "生成演示数据",
    # Reliability: heavy PDFs rendered by a task.
    "reports.rendered_pdf.requested": "申请生成打印文件",
    # sec-data: retention of personal data (issue 9 §4).
    "constituents.constituent.anonymised": "到期匿名化选民个人信息",
    "mailbox.letter.anonymised": "到期匿名化来信人信息",
    "constituents.attachment.deleted_on_retention": "到期删除答复附件",
}


def action_label(action: str | None) -> str:
    if not action:
        return ""
    return ACTION_LABELS.get(action, "其他操作")
