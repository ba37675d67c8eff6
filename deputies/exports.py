"""The deputy roster as Excel (issue 12 §2); the writer is liaison/exports.py, which finds the
sheet builder by kind (liaison.exports.SHEETS). The columns are the published roster's: the
deputies' phones are not written (the list page does not show them either)."""

from __future__ import annotations

from liaison.exports import Export, Sheet

from .models import Deputy

DEPUTY_HEADERS = [
    "编号", "姓名", "性别", "民族", "出生年月", "党派", "工作单位及职务", "代表组", "选区", "状态", "离任日期",
]
DEPUTY_WIDTHS = [8, 10, 6, 8, 12, 14, 36, 14, 12, 8, 14]


def deputy_row(deputy: Deputy, export: Export) -> list:
    birth = f"{deputy.birth_month.year}年{deputy.birth_month.month}月" if deputy.birth_month else ""
    return [
        deputy.pk, deputy.name, deputy.get_gender_display(), deputy.ethnicity, birth, deputy.party,
        deputy.work_unit, deputy.group.name, deputy.constituency.name, deputy.get_status_display(), deputy.left_on,
    ]


def deputy_sheet(request) -> Sheet:
    """The deputy list (deputies:deputy_list) with its filters: the current term's deputies."""
    from .filters import DeputyFilter

    base = Deputy.objects.visible_to(request.user).filter(term__is_current=True).select_related(
        "group", "constituency"
    )
    queryset = DeputyFilter(request.GET, queryset=base, user=request.user).qs
    return Sheet(title="代表名册", queryset=queryset, headers=DEPUTY_HEADERS, widths=DEPUTY_WIDTHS, row=deputy_row)
