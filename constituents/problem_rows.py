"""The repeated rows of the problem page (群众诉求详情), built in Python.

Each list of the page (承办部门, 延期申请, 督办记录, 结果反馈, 回访, 办理经过, 操作记录, the 反映人
and the step buttons) was a `{% for %}` with a dozen lookups and `date` filters per row: with the
page's one-off markup, most of its time in Python (perf, issue 11). This is the one place that
markup is written; templates/constituents/problem_detail.html places it, and
constituents/tests/test_problem_rows.py states what a clerk sees in each row.
Every value from the database goes through `conditional_escape`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.urls import reverse
from django.utils.html import conditional_escape as _e
from django.utils.safestring import SafeString, mark_safe

from liaison.cells import long_date, long_moment, truncated
from liaison.links import reverse_pk

from .models import CallbackResult, ExtensionRequest, ProblemFeedback


def day(value: dt.date | None) -> str:
    """As `{{ value|date:"Y年n月j日" }}`: nothing for no date."""
    return long_date(value) if value else ""


def _cut(text: str, length: int) -> str:
    """As `{{ text|truncatechars:length }}`."""
    return _e(truncated(text, length))


def action_buttons(problem_id: int, actions: Iterable[tuple[str, str]]) -> SafeString:
    """The step buttons beside the title: quiet for 修改 and 督办, red for the next steps of the case."""
    buttons = "".join(
        f'\n    <a class="btn btn-sm {"btn-outline-secondary" if step in ("edit", "followup") else "btn-danger"}" '
        f'href="{reverse("constituents:problem_step", args=[problem_id, step])}">{_e(label)}</a>'
        for step, label in actions
    )
    return mark_safe(f'<div class="d-flex flex-wrap gap-1">{buttons}</div>' if buttons else "")


def constituent_links(constituents) -> SafeString:
    """反映人: each masked name linking to the constituent, with the community; or 匿名或未登记."""
    links = "、".join(
        f'<a href="{reverse_pk("constituents:constituent_detail", person.pk)}">{_e(person.masked_name)}</a>'
        f"（{_e(person.community.name)}）"
        for person in constituents
    )
    return mark_safe(links or "匿名或未登记")


def forwarding_rows(forwardings, *, files: dict | None = None, current_round: int, problem_overdue: bool,
                    today: dt.date) -> SafeString:
    """承办部门: one row per forwarding, earlier rounds muted; under a reply, its files (`files`, by
    forwarding id)."""
    rows = []
    for forwarding in forwardings:
        muted = ' class="text-muted"' if forwarding.round != current_round else ""
        deadline = day(forwarding.deadline)
        if forwarding.deadline_is_estimate:
            deadline += '<span class="badge text-bg-warning ms-1">估算</span>'
        if problem_overdue and forwarding.is_open and forwarding.deadline < today:
            deadline += '<span class="badge text-bg-danger ms-1">已逾期</span>'
        status = (f'<a href="{reverse_pk("constituents:forwarding_detail", forwarding.pk)}">'
                  f"{_e(forwarding.get_status_display())}</a>")
        if forwarding.needs_contact:
            status += '<div class="small text-muted">需要联系反映人</div>'
        if forwarding.accept_proxy_contact:
            status += f'<div class="small text-muted">签收代录（{_e(forwarding.accept_proxy_contact)}）</div>'
        if forwarding.returned_on:
            proxy = f"（代录，{_e(forwarding.return_proxy_contact)}）" if forwarding.return_proxy_contact else ""
            status += f'<div class="small">退办理由：{_e(forwarding.return_reason)}{proxy}</div>'
        rows.append(
            f"\n  <tr{muted}>\n"
            f"    <td>{_e(forwarding.department.name)}</td><td>{forwarding.round}</td>"
            f'<td class="text-nowrap">{day(forwarding.forwarded_on)}</td>\n'
            f'    <td class="text-nowrap">{deadline}</td>\n'
            f"    <td>{status}</td>\n"
            f'    <td class="small">{_reply(forwarding, (files or {}).get(forwarding.pk, ()))}</td>\n'
            "  </tr>"
        )
    return mark_safe("".join(rows))


def _reply(forwarding, files) -> str:
    if not forwarding.replied_on:
        return "—"
    reply = _e(forwarding.get_result_class_display())
    if forwarding.reply_proxy_contact:
        reply += f'<span class="badge text-bg-light border ms-1">代录 · {_e(forwarding.reply_proxy_contact)}</span>'
    reply += f"<br>{_cut(forwarding.reply_text, 120)}"
    for file in files:
        reply += (f'<br><a href="{reverse_pk("constituents:attachment_download", file.pk)}">'
                  f"附件：{_e(file.original_name)}</a>")
    return reply


_EXTENSION_TONES = {ExtensionRequest.Status.APPROVED: "success", ExtensionRequest.Status.REFUSED: "secondary"}


def extension_items(extensions) -> SafeString:
    """延期申请: who asked when (and who decided), the deadline asked for, the decision. Empty: no card."""
    items = []
    for extension in extensions:
        proxy = f"（代录，部门联系人：{_e(extension.proxy_contact)}）" if extension.proxy_contact else ""
        decided = f" · 审批人 {_e(extension.decided_by.display_name)}" if extension.decided_by else ""
        note = f" {_e(extension.decision_note)}" if extension.decision_note else ""
        items.append(
            '\n    <li class="list-group-item"><div class="small text-muted">'
            f"{_e(extension.forwarding.department.name)} · {day(extension.requested_on)}申请{proxy}{decided}</div>\n"
            f"    由{day(extension.old_deadline)}延至{day(extension.requested_deadline)}：{_e(extension.reason)}\n"
            f'    <span class="badge text-bg-{_EXTENSION_TONES.get(extension.status, "warning")}">'
            f"{_e(extension.get_status_display())}</span>{note}</li>\n  "
        )
    return mark_safe("".join(items))


def follow_up_items(follow_ups) -> SafeString:
    """督办记录: when, how, which department, who recorded it; what the department said."""
    items = []
    for follow_up in follow_ups:
        department = f" · {_e(follow_up.forwarding.department.name)}" if follow_up.forwarding else ""
        note = f'<div class="small">备注：{_e(follow_up.note)}</div>' if follow_up.note else ""
        items.append(
            '\n    <li class="list-group-item"><div class="small text-muted">'
            f"{day(follow_up.followed_on)} · {_e(follow_up.get_method_display())}{department}"
            f" · 记录人 {_e(follow_up.recorded_by.display_name)}</div>\n"
            f"    部门答复情况：{_e(follow_up.department_said)}{note}</li>\n  "
        )
    return mark_safe("".join(items) or '<li class="list-group-item text-muted">暂无督办记录。</li>')


def feedback_items(feedbacks, *, current_round: int) -> SafeString:
    """结果反馈: each person to tell (masked), from a suggestion's reply or an earlier round, told or 待反馈."""
    items = []
    for feedback in feedbacks:
        who = _e(feedback.constituent.masked_name) if feedback.constituent else "反映人（匿名）"
        if feedback.suggestion:
            who += f' <span class="small text-muted">· 来自{_e(feedback.suggestion.get_kind_display())}答复</span>'
        if feedback.round != current_round:
            who += f' <span class="small text-muted">· 第{feedback.round}轮</span>'
        if feedback.status == ProblemFeedback.Status.DONE:
            told = f"{_e(feedback.get_method_display())}，{day(feedback.told_on)}"
        else:
            told = '<span class="badge text-bg-warning">待反馈</span>'
        items.append(
            f'\n    <li class="list-group-item d-flex justify-content-between flex-wrap"><span>{who}</span>\n'
            f"    <span>{told}</span></li>\n  "
        )
    return mark_safe("".join(items) or
                     '<li class="list-group-item text-muted">有办理结果后，这里列出需要告知的每一位反映人。</li>')


_CALLBACK_TONES = {CallbackResult.DISSATISFIED: "danger", CallbackResult.UNREACHABLE: "secondary"}


def callback_items(callbacks) -> SafeString:
    """回访: whom (masked), the round, the day, who called; the result, and whether it was sent back."""
    items = []
    for callback in callbacks:
        who = _e(callback.constituent.masked_name) if callback.constituent else "反映人（匿名）"
        note = f'<div class="small">{_e(callback.note)}</div>' if callback.note else ""
        sent_back = ' <span class="badge text-bg-warning">已发回重办</span>' if callback.sent_back else ""
        items.append(
            f'\n    <li class="list-group-item d-flex justify-content-between flex-wrap"><span>{who} '
            f'<span class="small text-muted">· 第{callback.round}轮 · {day(callback.called_on)} · '
            f"{_e(callback.recorded_by.display_name)}</span>{note}</span>\n"
            f'    <span><span class="badge text-bg-{_CALLBACK_TONES.get(callback.result, "success")}">'
            f"{_e(callback.get_result_display())}</span>{sent_back}</span></li>\n  "
        )
    return mark_safe("".join(items) or
                     '<li class="list-group-item text-muted">有办理结果后，由联络工委或联络员回访每一位反映人。</li>')


def timeline_items(entries) -> SafeString:
    """办理经过: each step's day, a coloured mark, what happened and its detail (cut to 160 characters)."""
    return mark_safe("".join(
        f'\n    <li class="list-group-item"><div class="small text-muted">{day(entry.day)}</div>'
        f'<span class="badge text-bg-{_e(entry.tone)} me-1">&nbsp;</span>{_e(entry.title)}'
        + (f'<div class="small">{_cut(entry.detail, 160)}</div>' if entry.detail else "")
        + "</li>\n  "
        for entry in entries
    ))


def history_rows(rows) -> SafeString:
    """操作记录: when (local time), who (系统 for no one), what, and the state it left."""
    cells = "".join(
        f'<tr><td class="text-nowrap small card-second">{long_moment(row.history_date)}</td>'
        f'<td class="small">{_e((row.history_user.display_name if row.history_user else "") or "系统")}</td>'
        f'<td class="card-wide">{_e(row.action_label)}</td>'
        f'<td class="small card-labelled">{_e(row.get_state_display())}</td></tr>\n  '
        for row in rows
    )
    return mark_safe(cells or '<tr><td colspan="4" class="text-muted">暂无记录。</td></tr>')
