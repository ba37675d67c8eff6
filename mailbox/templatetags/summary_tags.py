"""The quarterly roll-up's rows (季度汇总: one per group), built in Python.

A province's page lists a hundred groups; the template's per-row lookups, `date` and `{% url %}`
were most of the page's time (perf, issue 11). This builds the same markup in Python, the one
place it is written; mailbox/tests/test_rollup_rows.py states each cell.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe

from liaison.cells import long_moment
from liaison.cells import text as escape
from liaison.links import reverse_pk

register = template.Library()


def rollup_row(group, summary) -> str:
    """A group (its 办事处 under it), its problems of the quarter (`group.problem_count`) and its
    list: submitted or a draft, when and by whom it was submitted, links to it and its PDF."""
    if summary is None:
        state, submitted, links = '<span class="text-muted">尚未生成</span>', "—", ""
    else:
        state = ('<span class="badge text-bg-success">已报送</span>' if summary.is_submitted
                 else '<span class="badge text-bg-warning">草稿，未报送</span>')
        if summary.submitted_at:
            by = summary.submitted_by.display_name if summary.submitted_by_id is not None else ""
            submitted = f"{long_moment(summary.submitted_at)}（{escape(by)}）"
        else:
            submitted = "—"
        links = (f'<a href="{reverse_pk("mailbox:summary_detail", summary.pk)}">查看清单</a> · '
                 f'<a href="{reverse_pk("reports:summary_pdf", summary.pk)}?download=1">PDF</a>')
    office = escape(group.sub_district.name) if group.sub_district_id is not None else ""
    return (
        f'\n<tr><td>{escape(group.name)}<div class="small text-muted">{office}</div></td>\n'
        f'<td class="text-end">{escape(group.problem_count)}</td>\n'
        f"<td>{state}</td>\n"
        f"<td>{submitted}</td>\n"
        f'<td class="text-nowrap">{links}</td></tr>\n'
    )


@register.simple_tag
def rollup_rows(rows) -> str:
    """The table body: `rows` as summary_list prepares them ({"group": …, "summary": … or None})."""
    return mark_safe("".join(rollup_row(row["group"], row["summary"]) for row in rows))
