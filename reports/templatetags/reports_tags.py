"""The 述职 parts of other apps' pages: each does a fixed number of queries through `visible_to`."""

from __future__ import annotations

from django import template
from django.db.models import Count, Q
from django.utils import timezone

from ..models import DutyMeeting, RectificationItem, RotationEntry, RotationPlan, WrittenReport

register = template.Library()

HELD = [DutyMeeting.Status.HELD, DutyMeeting.Status.EVALUATED]

STATUS_CLASSES = {
    "draft": "secondary", "confirmed": "success", "preparing": "secondary", "held": "info",
    "evaluated": "success", "open": "warning", "closed": "success", "submitted": "primary",
    "returned": "danger", "accepted": "info", "filed": "success",
}


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "secondary")


@register.inclusion_tag("reports/tags/dashboard.html", takes_context=True)
def reports_dashboard(context):
    user = context["user"]
    year = timezone.localdate().year
    data = {"user": user, "year": year, "today": timezone.localdate()}
    deputy = context.get("deputy")
    if user.is_deputy:
        if deputy is None:
            return data
        data["deputy"] = deputy
        data["entry"] = (
            RotationEntry.objects.visible_to(user)
            .filter(deputy=deputy, plan__year=year)
            .select_related("plan", "meeting")
            .first()
        )
        data["plan"] = RotationPlan.objects.visible_to(user).filter(group_id=deputy.group_id, year=year).first()
        data["written"] = WrittenReport.objects.visible_to(user).filter(deputy=deputy, year=year).first()
        data["open_items"] = list(
            RectificationItem.objects.visible_to(user).open().filter(owner=deputy).order_by("due_on")[:5]
        )
        return data
    plans = RotationPlan.objects.visible_to(user).filter(year=year)
    data["plan_counts"] = plans.aggregate(
        total=Count("id"), confirmed=Count("id", filter=Q(status=RotationPlan.Status.CONFIRMED))
    )
    data["meeting_counts"] = RotationEntry.objects.visible_to(user).filter(plan__year=year).aggregate(
        planned=Count("id"), held=Count("id", filter=Q(meeting__status__in=HELD))
    )
    data["awaiting_review"] = (
        WrittenReport.objects.visible_to(user).filter(year=year, status=WrittenReport.Status.SUBMITTED).count()
    )
    data["item_counts"] = RectificationItem.objects.visible_to(user).open().aggregate(
        open=Count("id"), overdue=Count("id", filter=Q(due_on__lt=timezone.localdate()))
    )
    return data


@register.inclusion_tag("reports/tags/group_panel.html", takes_context=True)
def reports_group_panel(context):
    user, group = context["user"], context["group"]
    year = timezone.localdate().year
    plan = RotationPlan.objects.visible_to(user).filter(group=group, year=year).first()
    entries = list(plan.entries.select_related("deputy", "meeting")) if plan is not None else []
    open_items = list(
        RectificationItem.objects.visible_to(user).open()
        .filter(meeting__entry__plan__group=group)
        .select_related("owner")
        .order_by("due_on")[:10]
    )
    return {"user": user, "group": group, "year": year, "plan": plan, "entries": entries,
            "open_items": open_items, "today": timezone.localdate()}


@register.inclusion_tag("reports/tags/deputy_panel.html", takes_context=True)
def reports_deputy_panel(context):
    user, deputy = context["user"], context["deputy"]
    entries = list(
        RotationEntry.objects.visible_to(user).filter(deputy=deputy)
        .select_related("plan", "meeting").order_by("-plan__year")
    )
    # A colleague sees that a meeting was held, but opens only the meetings visible to them.
    visible_meetings = set(
        DutyMeeting.objects.visible_to(user).filter(entry__in=entries).values_list("pk", flat=True)
    ) if entries else set()
    written = list(WrittenReport.objects.visible_to(user).filter(deputy=deputy).order_by("-year"))
    open_items = list(
        RectificationItem.objects.visible_to(user).open().filter(owner=deputy).order_by("due_on")
    )
    return {"user": user, "deputy": deputy, "entries": entries, "visible_meetings": visible_meetings, "written": written, "open_items": open_items,
            "today": timezone.localdate()}


@register.filter
def summary_table_rows(rows) -> str:
    """The quarterly list's <tr>s, built here rather than by template tags per row: a list of
    thousands prints faster. Every value is escaped; the markup is the one the template had."""
    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    def cell(value) -> str:
        return escape(value) if value else "—"

    out = []
    for row in rows:
        raised = escape(row.get("raised_on_label") or row.get("raised_on") or "")
        if row.get("late_label"):
            raised += f"<br><strong>{escape(row['late_label'])}</strong>"
        category = escape(row.get("category") or "")
        if row.get("is_livelihood"):
            category += '<br><span class="muted">（民生）</span>'
        state = escape(row.get("state") or "")
        if row.get("result"):
            state += f'<br><span class="muted">{escape(row["result"])}</span>'
        out.append(
            f'<tr><td class="num">{escape(row.get("number", ""))}</td><td>{raised}</td><td>{escape(row.get("source") or "")}</td>'
            f'<td>{category}</td><td>{escape(row.get("text") or "")}</td><td>{cell(row.get("place"))}</td>'
            f'<td>{cell(row.get("deputy"))}</td><td>{cell(row.get("departments"))}</td><td>{state}</td></tr>'
        )
    return mark_safe("\n".join(out))  # noqa: S308 - every value above is escaped


@register.simple_tag
def public_report_rows(page) -> str:
    """The public list's entries (reports/public_list.html) from the rows public_list selects, as a
    voter reads them: who and which kind, the year, the term, group, constituency and meeting day.
    Written here, once, rather than as a loop in the template (perf, issue 11)."""
    from django.utils.safestring import mark_safe

    from liaison.cells import long_date, text
    from liaison.links import reverse_pk

    from ..models import PublishedReport

    kinds = dict(PublishedReport.Kind.choices)
    entries = []
    for report in page:
        where = f"{text(report['term__name'])} · {text(report['group__name'])}"
        if report["constituency_name"]:
            where += f" · {text(report['constituency_name'])}"
        if report["held_on"]:
            where += f" · {long_date(report['held_on'])}当面述职"
        url = reverse_pk("reports:public_detail", report["pk"])
        entries.append(
            f'\n<a class="list-group-item list-group-item-action" href="{text(url)}">\n'
            f'  <div class="d-flex w-100 justify-content-between flex-wrap"><strong>{text(report["deputy_name"])} · '
            f'{text(kinds.get(report["kind"], report["kind"]))}</strong>'
            f'<span class="small text-muted">{text(report["year"])}年</span></div>\n'
            f'  <div class="small text-muted">{where}</div>\n</a>\n'
        )
    return mark_safe("".join(entries))  # noqa: S308 - every value is escaped by text()
