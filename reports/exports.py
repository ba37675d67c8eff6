"""The rectification items and the written-report status as Excel (issue 12 §2); the writer is
liaison/exports.py, which finds these sheet builders by kind (liaison.exports.SHEETS).

Deputies' names are public (the roster is published by law); no constituent's data is written.
"""

from __future__ import annotations

from django.utils import timezone

from liaison.exports import Export, Sheet

from .models import RectificationItem, WrittenReport

RECTIFICATION_HEADERS = [
    "编号", "整改事项", "代表组", "述职代表", "述职年度", "述职日期", "责任代表", "整改期限", "状态", "是否逾期",
    "完成日期", "整改结果", "登记日期",
]
RECTIFICATION_WIDTHS = [8, 40, 14, 10, 10, 14, 10, 14, 10, 8, 14, 40, 14]


def rectification_row(item: RectificationItem, export: Export, *, today) -> list:
    entry = item.meeting.entry
    return [
        item.pk, item.issue, entry.plan.group.name, entry.deputy.name, f"{entry.plan.year}年", item.meeting.held_on,
        item.owner.name, item.due_on, item.get_status_display(), "是" if item.is_overdue(today) else "否",
        item.closed_on, item.closing_note, timezone.localtime(item.created_at).date(),
    ]


def rectification_sheet(request) -> Sheet:
    """The rectification list (reports:rectification_list) with its tab and filters."""
    from .views import filtered_rectifications

    _, _, items = filtered_rectifications(request)
    items = items.select_related("meeting__entry__plan__group", "meeting__entry__deputy", "owner")
    today = timezone.localdate()
    return Sheet(title="整改事项", queryset=items, headers=RECTIFICATION_HEADERS, widths=RECTIFICATION_WIDTHS,
                 row=lambda item, export: rectification_row(item, export, today=today))


WRITTEN_HEADERS = [
    "编号", "年度", "代表组", "代表", "状态", "截止日期", "提交时间", "是否逾期提交", "审查时间", "审查意见",
    "备案时间",
]
WRITTEN_WIDTHS = [8, 8, 14, 10, 14, 14, 18, 10, 18, 30, 18]


def written_row(report: WrittenReport, export: Export, *, today) -> list:
    deadline = report.plan.written_deadline
    submitted = timezone.localtime(report.submitted_at).date() if report.submitted_at else None
    # Late: handed in after the deadline, or still not handed in (draft, returned) once it passed.
    late = submitted > deadline if submitted else today > deadline
    return [
        report.pk, f"{report.year}年", report.plan.group.name, report.deputy.name, report.get_status_display(),
        deadline, report.submitted_at, "是" if late else "否", report.reviewed_at, report.review_comment,
        report.filed_at,
    ]


def written_sheet(request) -> Sheet:
    """The written-report list (reports:written_list): each report's status, with the page's filters."""
    from .views import filtered_written_reports

    _, reports = filtered_written_reports(request)
    today = timezone.localdate()
    return Sheet(title="书面履职情况报告", queryset=reports.select_related("deputy", "plan__group"),
                 headers=WRITTEN_HEADERS, widths=WRITTEN_WIDTHS,
                 row=lambda report, export: written_row(report, export, today=today))


OVERVIEW_HEADERS = [
    "代表组", "述职安排", "在任代表", "当面述职", "应交书面报告", "待审查", "审查通过", "已备案", "尚缺人数", "尚缺代表",
    "书面报告截止日期",
]
OVERVIEW_WIDTHS = [16, 10, 10, 10, 12, 8, 10, 8, 10, 50, 16]


def overview_row(row, export: Export) -> list:
    """One group of the 提交情况 page: how many owe a written report and who has not handed it in."""
    return [
        row.group.name, row.plan.get_status_display() if row.plan else "未制定", row.serving, row.face_to_face,
        row.owed, row.awaiting_review, row.accepted, row.filed, len(row.missing),
        "、".join(f"{deputy.name}（{label}）" for deputy, label in row.missing),
        row.plan.written_deadline if row.plan else None,
    ]


class _OverviewRows:
    """The overview's rows, computed only when the workbook is written: the export checks the count
    first, and a province's 8,000 groups (100k deputies behind them, ~3 s) go over the limit on a
    COUNT of the groups alone."""

    def __init__(self, user, year: int, groups):
        self.user, self.year, self.groups = user, year, groups

    def __iter__(self):
        from .selectors import written_overview

        return iter(written_overview(self.user, self.year, groups=self.groups))


def written_overview_sheet(request) -> Sheet:
    """The 提交情况 page (reports:written_missing): every group of its search, not a page of them."""
    from .views import overview_groups

    year, _, groups = overview_groups(request)
    return Sheet(title=f"{year}年书面报告提交情况", queryset=_OverviewRows(request.user, year, groups),
                 count=groups.count(), headers=OVERVIEW_HEADERS, widths=OVERVIEW_WIDTHS, row=overview_row)


def export_written_overview(request):
    from liaison.exports import export_xlsx

    sheet = written_overview_sheet(request)
    # Over the row limit the export is a background job (liaison.exports.SHEETS rebuilds this sheet).
    return export_xlsx(request, title=sheet.title, queryset=sheet.queryset, count=sheet.count,
                       headers=sheet.headers, widths=sheet.widths, row=sheet.row, kind="written_overview")
