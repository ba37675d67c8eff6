"""The letter list as Excel (issue 12 §2); the writer is liaison/exports.py.

A sender's name and contact go out whole only to those who may reveal them on
the letter's page (may_see_sender), and each such letter is logged as exported.
"""

from __future__ import annotations

from liaison.exports import Export, Sheet

from .models import Letter

LETTER_HEADERS = [
    "编号", "收信时间", "渠道", "信箱", "来信人", "联系方式", "来信内容", "问题类别", "代表组", "代表",
    "送交代表时间", "代表回复时间", "进展", "群众诉求编号",
]
LETTER_WIDTHS = [8, 14, 10, 16, 10, 16, 40, 12, 12, 10, 14, 14, 14, 10]


def letter_row(letter: Letter, export: Export, *, sender_in_full: bool) -> list:
    if sender_in_full:
        if letter.sender_name or letter.sender_contact:
            export.revealed(letter)
        sender, contact = letter.sender_name or "匿名", letter.sender_contact or "未留"
    else:
        sender, contact = letter.masked_sender, "已留（隐藏）" if letter.sender_contact else "未留"
    problem = letter.problem
    return [
        letter.pk, letter.received_at, letter.get_channel_display(), letter.mailbox.name if letter.mailbox else "",
        sender, contact, problem.text, problem.get_category_display(), problem.group.name,
        problem.deputy.name if problem.deputy else "", letter.delivered_at, letter.replied_at, letter.stage,
        problem.pk,
    ]


def letter_sheet(request) -> Sheet:
    """The letter list (mailbox:letter_list) with its filters."""
    from .letter_views import filtered_letters, may_see_sender

    sender_in_full = may_see_sender(request.user)
    return Sheet(
        title="来信办理情况", queryset=filtered_letters(request), headers=LETTER_HEADERS, widths=LETTER_WIDTHS,
        row=lambda letter, export: letter_row(letter, export, sender_in_full=sender_in_full),
    )
