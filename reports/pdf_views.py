"""Printable forms (SPEC §4). Each view fetches through `visible_to`, so another
group's form is a 404, and streams a PDF rendered by `reports.pdf`."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import segno
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from constituents import charts as casework_charts
from constituents import figures
from constituents.conf import casework_setting
from constituents.models import AskType, ContactActivity, Forwarding, Problem, Suggestion
from constituents.selectors import with_year_counts
from deputies.models import Deputy, DeputyGroup, DeputyStatus
from liaison.cells import long_date
from liaison.urls_abs import absolute_url
from mailbox.models import Letter, Mailbox, QuarterlySummary
from mailbox.selectors import quarter_rollup
from mailbox.services import summary_rows
from mailbox.weeks import Quarter, Week, local_date, local_midnight, weeks_between

from .archive import Period, year_from_param
from .models import DutyMeeting, RenderedPdf, RotationEntry, WrittenReport
from .pdf import pdf_response
from .rendering import Document, document_response, inline_row_limit, render_by_task


def _date_label(iso: str) -> str:
    return long_date(dt.date.fromisoformat(iso))


def _shares(pairs, total: int) -> list[tuple[str, int, str]]:
    return [(label, count, f"{count * 100 / total:.1f}%" if total else "—") for label, count in pairs]


def _in_pipeline_order(by_state: Counter) -> list[tuple[str, int]]:
    """States as the casework pipeline runs (registered first); a label the pipeline
    no longer knows (an old snapshot) goes last rather than being dropped."""
    order = {label: index for index, label in enumerate(["待重新办理", *Problem.State.labels])}
    return sorted(by_state.items(), key=lambda item: order.get(item[0], len(order)))


def summaries_visible_to(user):
    return QuarterlySummary.objects.visible_to(user).select_related("group")


def group_summary_document(summary: QuarterlySummary) -> Document:
    """One group's list: the frozen snapshot once submitted, the live rows (marked 草稿) before."""
    is_draft = not summary.is_submitted
    data = summary_rows(group=summary.group, quarter=summary.period) if is_draft else summary.snapshot
    context = {
        "data": data,
        "is_draft": is_draft,
        "first_day": _date_label(data["first_day"]),
        "last_day": _date_label(data["last_day"]),
        "remarks": summary.remarks if is_draft else data.get("remarks", ""),
        "submitted_at": summary.submitted_at,
        "printed_at": timezone.now(),
    }
    return Document("reports/pdf/quarterly_group.html", context,
                    filename=f"{data['group']}{data['quarter']}问题清单{'（草稿）' if is_draft else ''}.pdf",
                    fallback=f"summary-{data['year']}Q{data['number']}-group{summary.group_id}.pdf",
                    rows=data["rows"], orientation="landscape")


@login_required
def quarterly_summary_pdf(request, pk: int):
    """A short list streams at once; a long one is rendered by a task, in parts, and then downloaded."""
    summary = get_object_or_404(summaries_visible_to(request.user), pk=pk)
    if _summary_size(summary) > inline_row_limit():
        draft = "" if summary.is_submitted else "（草稿）"
        return render_by_task(request, kind=RenderedPdf.Kind.GROUP_SUMMARY, params={"summary": summary.pk},
                              title=f"{summary.group.name}{summary.period.label}问题清单{draft}.pdf",
                              fallback=f"summary-{summary.year}Q{summary.quarter}-group{summary.group_id}.pdf")
    return document_response(request, group_summary_document(summary))


def _summary_size(summary: QuarterlySummary) -> int:
    """How many rows the list prints: the snapshot's, or (a draft) the quarter's problems, one count query."""
    if summary.is_submitted:
        return len(summary.snapshot.get("rows", []))
    quarter = summary.period
    return Problem.objects.filter(group=summary.group, raised_on__gte=quarter.first_day,
                                  raised_on__lte=quarter.last_day).count()


def district_summary_document(user, quarter: Quarter) -> Document:
    """The district roll-up of a quarter: which groups reported, counts, and each reported list.

    Only submitted (frozen) lists are counted: that is what was reported to the
    committee. Two queries however many groups and problems.
    """
    rows, by_category, by_state = quarter_rollup(user, quarter), Counter(), Counter()
    totals = {"total": 0, "letters": 0, "solved": 0}
    for row in rows:
        summary = row["summary"]
        data = row["data"] = summary.snapshot if summary is not None and summary.is_submitted else None
        if data:
            for key in totals:
                totals[key] += data[key]
            by_category.update(dict(data["by_category"]))
            by_state.update(dict(data["by_state"]))
    submitted = sum(1 for row in rows if row["data"] is not None)
    period = figures.Period(quarter.year, quarter.number)
    department_figures = figures.roll_up(Forwarding.objects.visible_to(user), period)
    context = {
        "quarter": quarter,
        "rows": rows,
        "submitted_count": submitted,
        "unsubmitted_count": len(rows) - submitted,
        "totals": totals,
        "by_category": _shares(by_category.most_common(), totals["total"]),
        "by_state": _shares(_in_pipeline_order(by_state), totals["total"]),
        "printed_at": timezone.now(),
        # The departments' figures of the quarter, defined once in constituents/figures.py.
        "figures": department_figures,
        # The same charts as the district home, drawn from the numbers printed beside them.
        "category_chart": casework_charts.problems_by_category(
            by_category.most_common(), title=f"{quarter.label}群众反映问题（按类别，已报送）",
            empty_text="没有已报送的问题。"),
        "department_chart": casework_charts.department_rates(department_figures["departments"], period),
    }
    return Document("reports/pdf/quarterly_district.html", context,
                    filename=f"{quarter.label}全区群众反映问题汇总.pdf",
                    fallback=f"summary-{quarter.year}Q{quarter.number}-district.pdf")


@login_required
def district_summary_pdf(request):
    """The district roll-up is heavy (every group's list): rendered by a task, then downloaded."""
    if not request.user.sees_district:
        raise PermissionDenied("全区汇总供常委会和联络工委使用。")
    quarter = Quarter.parse(request.GET.get("quarter"), Quarter.of(None).previous())
    return render_by_task(request, kind=RenderedPdf.Kind.DISTRICT_SUMMARY,
                          params={"quarter": f"{quarter.year}-{quarter.number}"},
                          title=f"{quarter.label}全区群众反映问题汇总.pdf",
                          fallback=f"summary-{quarter.year}Q{quarter.number}-district.pdf")


@login_required
def meeting_pdf(request, pk: int):
    """述职报告: the five parts, the meeting, the voters' questions, ballots and rectification."""
    meeting = get_object_or_404(
        DutyMeeting.objects.visible_to(request.user).select_related(
            "entry__deputy__constituency", "entry__plan__group", "entry__plan__term"
        ),
        pk=pk,
    )
    plan = meeting.entry.plan
    context = {
        "meeting": meeting,
        "deputy": meeting.entry.deputy,
        "plan": plan,
        "group": plan.group,
        "term": plan.term,
        "questions": meeting.questions.all(),
        "rectifications": meeting.rectifications.select_related("owner"),
        "printed_at": timezone.now(),
    }
    filename = f"{meeting.entry.deputy.name}{plan.year}年述职报告.pdf"
    return pdf_response(request, "reports/pdf/meeting.html", context, filename=filename,
                        fallback=f"duty-report-{plan.year}-{meeting.pk}.pdf")


@login_required
def written_pdf(request, pk: int):
    """书面履职情况报告, marked as not final until the group has accepted it."""
    report = get_object_or_404(
        WrittenReport.objects.visible_to(request.user).select_related(
            "deputy__constituency", "plan__group", "plan__term", "reviewed_by"
        ),
        pk=pk,
    )
    context = {
        "report": report,
        "deputy": report.deputy,
        "group": report.plan.group,
        "term": report.plan.term,
        "is_final": report.status in (WrittenReport.Status.ACCEPTED, WrittenReport.Status.FILED),
    }
    filename = f"{report.deputy.name}{report.year}年书面履职情况报告.pdf"
    return pdf_response(request, "reports/pdf/written.html", context, filename=filename,
                        fallback=f"written-report-{report.year}-{report.pk}.pdf")


# --- 代表信箱: opening sheet and poster ------------------------------------------------------


def _month_from(request) -> tuple[dt.date, dt.date]:
    """`?month=2026-11` → its first and last day; this month (Shanghai) otherwise."""
    try:
        year, month = (int(part) for part in request.GET.get("month", "").split("-"))
        first = dt.date(year, month, 1)
    except ValueError:
        first = local_date().replace(day=1)
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def _week_state(mailbox: Mailbox, week: Week, opened: bool, today: dt.date) -> str:
    if opened:
        return "已开启"
    if mailbox.set_up_on > week.start or (mailbox.retired_on and mailbox.retired_on < week.end):
        return "不需开启"
    return "未开启" if week.end < today else "待开启"


def _mailbox_or_404(request, pk: int) -> Mailbox:
    return get_object_or_404(
        Mailbox.objects.visible_to(request.user).select_related(
            "constituency__group", "community", "keeper_deputy", "entrusted_to"
        ),
        pk=pk,
    )


SHEET_ROWS = 10  # a month has at most five opening weeks: room to write in by hand


@login_required
def opening_sheet_pdf(request, pk: int):
    """开启登记表: a month's openings of one box, and empty rows to sign on paper."""
    mailbox = _mailbox_or_404(request, pk)
    first_day, last_day = _month_from(request)
    weeks = weeks_between(first_day, last_day)
    # One query over the whole weeks touching the month: the table lists the month's
    # openings, the week marks also count an opening on the neighbouring month's days.
    openings = list(
        mailbox.openings.filter(opened_at__gte=weeks[0].starts_at, opened_at__lt=weeks[-1].ends_at)
        .select_related("recorded_by").order_by("opened_at", "pk")
    )
    opened_weeks = {opening.week for opening in openings}
    in_month = [opening for opening in openings if first_day <= local_date(opening.opened_at) <= last_day]
    today = local_date()
    context = {
        "mailbox": mailbox,
        "deputies": mailbox.deputies.all(),
        "first_day": first_day,
        "last_day": last_day,
        "month_label": f"{first_day.year}年{first_day.month}月",
        "openings": in_month,
        "letter_total": sum(opening.letter_count for opening in in_month),
        "weeks": [
            {"week": week, "state": _week_state(mailbox, week, week in opened_weeks, today)} for week in weeks
        ],
        "blank_rows": range(len(in_month) + 1, max(SHEET_ROWS, len(in_month) + 3) + 1),
    }
    filename = f"{mailbox.name}{first_day.year}年{first_day.month}月开启登记表.pdf"
    return pdf_response(request, "reports/pdf/opening_sheet.html", context, filename=filename,
                        fallback=f"mailbox-{mailbox.pk}-openings-{first_day:%Y-%m}.pdf")


def _qr_svg(url: str) -> str:
    """The QR code as inline SVG markup (no file, nothing to fetch)."""
    return segno.make(url, error="m").svg_inline(scale=4, border=2, omitsize=True)


@login_required
def mailbox_poster_pdf(request, pk: int):
    """The poster by the box: its deputies, where it is, and a QR code to the online letter form."""
    mailbox = _mailbox_or_404(request, pk)
    # SITE_URL, not the request's host: the poster must point at the real site whoever prints it.
    write_url = absolute_url(
        reverse("mailbox:public_write", args=[mailbox.constituency_id])
        + (f"?community={mailbox.community_id}" if mailbox.community_id else "")
    )
    context = {
        "mailbox": mailbox,
        "deputies": mailbox.deputies.filter(status=DeputyStatus.SERVING).order_by("name"),
        "write_url": write_url,
        "qr_svg": _qr_svg(write_url),
    }
    return pdf_response(request, "reports/pdf/poster.html", context, filename=f"{mailbox.name}张贴海报.pdf",
                        fallback=f"mailbox-{mailbox.pk}-poster.pdf")


# --- 年度联系选民情况统计 ---------------------------------------------------------------------


ASK_TYPES = list(AskType)


def _blank_counts() -> dict:
    return {"by_type": dict.fromkeys(ASK_TYPES, 0), "raised": 0, "solved": 0, "livelihood_solved": 0}


def annual_contact_rows(groups: list[DeputyGroup], year: int) -> list[dict]:
    """Per group, per deputy: activities by 三问 type, problems raised and solved, livelihood
    problems solved. Five queries however many groups, deputies and activities."""
    deputies = list(
        with_year_counts(
            Deputy.objects.filter(group__in=groups, term__is_current=True).filter(
                Q(status=DeputyStatus.SERVING) | Q(left_on__year__gte=year)
            ),
            year,
        ).order_by("group__sort_order", "group_id", "name")
    )
    taking_part = (
        ContactActivity.deputies.through.objects.filter(
            deputy__in=[deputy.pk for deputy in deputies], contactactivity__held_on__year=year
        )
        .values_list("deputy_id", "contactactivity__ask_type")
        .annotate(n=Count("pk"))
    )
    by_deputy: dict[int, dict] = {deputy.pk: _blank_counts() for deputy in deputies}
    for deputy_id, ask_type, n in taking_part:
        by_deputy[deputy_id]["by_type"][ask_type] = n
    problem_counts = (
        Problem.objects.filter(group__in=groups)
        .filter(Q(raised_on__year=year) | Q(result_on__year=year))
        .values_list("group_id", "deputy_id")
        .annotate(
            raised=Count("pk", filter=Q(raised_on__year=year)),
            solved=Count("pk", filter=Q(outcome=Problem.Outcome.RESOLVED, result_on__year=year)),
        )
    )
    by_group: dict[int, dict] = {group.pk: _blank_counts() for group in groups}
    for group_id, deputy_id, raised, solved in problem_counts:
        for counts in (by_group[group_id], by_deputy.get(deputy_id)):
            if counts is not None:
                counts["raised"] += raised
                counts["solved"] += solved
    # A group's activities are counted once each, however many of its deputies took part.
    for group_id, ask_type, n in (
        ContactActivity.objects.filter(group__in=groups, held_on__year=year)
        .values_list("group_id", "ask_type").annotate(n=Count("pk"))
    ):
        by_group[group_id]["by_type"][ask_type] = n
    minimum = casework_setting("ACTIVITIES_PER_YEAR")
    rows = {group.pk: {"group": group, "counts": by_group[group.pk], "deputies": [], "behind": 0}
            for group in groups}
    for deputy in deputies:
        counts = by_deputy[deputy.pk]
        counts["livelihood_solved"] = deputy.livelihood_solved
        behind = deputy.status == DeputyStatus.SERVING and deputy.activity_count < minimum
        row = rows[deputy.group_id]
        row["deputies"].append({"deputy": deputy, "counts": counts, "total": deputy.activity_count,
                                "behind": behind, "types": [counts["by_type"][t] for t in ASK_TYPES]})
        row["behind"] += behind
        row["counts"]["livelihood_solved"] += deputy.livelihood_solved
    for row in rows.values():
        row["types"] = [row["counts"]["by_type"][t] for t in ASK_TYPES]
        row["total"] = sum(row["types"])
    return list(rows.values())


def annual_contact_document(user, year: int) -> Document:
    groups = list(DeputyGroup.objects.visible_to(user).select_related("sub_district"))
    rows = annual_contact_rows(groups, year)
    context = {
        "year": year,
        "rows": rows,
        "ask_types": [t.label for t in ASK_TYPES],
        "minimum": casework_setting("ACTIVITIES_PER_YEAR"),
        "totals": {
            "types": [sum(row["types"][i] for row in rows) for i in range(len(ASK_TYPES))],
            "total": sum(row["total"] for row in rows),
            "deputies": sum(len(row["deputies"]) for row in rows),
            "behind": sum(row["behind"] for row in rows),
            "raised": sum(row["counts"]["raised"] for row in rows),
            "solved": sum(row["counts"]["solved"] for row in rows),
            "livelihood_solved": sum(row["counts"]["livelihood_solved"] for row in rows),
        },
        "printed_at": timezone.now(),
    }
    return Document("reports/pdf/annual_contact.html", context,
                    filename=f"{year}年代表联系选民情况统计.pdf", fallback=f"contact-statistics-{year}.pdf")


@login_required
def annual_contact_pdf(request, year: int):
    """年度联系选民情况统计 for the committee and the office (a liaison gets their own groups).

    A page per few dozen deputies: above REPORTS_PDF_INLINE_MAX_ROWS deputies it is
    rendered by a task, below it streams at once.
    """
    if not (request.user.sees_district or request.user.is_liaison):
        raise PermissionDenied("年度统计供常委会、联络工委和代表组联络员使用。")
    if not 2000 <= year <= 2100:
        raise Http404
    deputies = Deputy.objects.filter(group__in=DeputyGroup.objects.visible_to(request.user),
                                     term__is_current=True).count()
    if deputies > inline_row_limit():
        return render_by_task(request, kind=RenderedPdf.Kind.ANNUAL_CONTACT, params={"year": year},
                              title=f"{year}年代表联系选民情况统计.pdf", fallback=f"contact-statistics-{year}.pdf")
    return document_response(request, annual_contact_document(request.user, year))


# --- 履职档案 ---------------------------------------------------------------------------------


@login_required
def performance_file_pdf(request, pk: int):
    """履职档案: one deputy's year (or term), read out at group meetings.

    The deputy themself, their group's liaison, the office and the committee; a
    colleague deputy gets a 404, as the file lists the deputy's casework.
    """
    deputy = get_object_or_404(
        Deputy.objects.visible_to(request.user).select_related("group", "constituency", "term"), pk=pk
    )
    if request.user.is_deputy and deputy.user_id != request.user.pk:
        raise Http404
    period = Period.of(deputy.term, year_from_param(deputy.term, request.GET.get("year"), local_date()))
    first, last, label, key = period.start, period.end, period.label, period.key
    activities = list(
        deputy.contact_activities.filter(held_on__gte=first, held_on__lte=last)
        .select_related("constituency").order_by("held_on", "pk")
    )
    by_type = Counter(activity.ask_type for activity in activities)
    problems = list(
        Problem.objects.filter(deputy=deputy, raised_on__gte=first, raised_on__lte=last).order_by("raised_on", "pk")
    )
    solved = Problem.objects.filter(deputy=deputy, outcome=Problem.Outcome.RESOLVED,
                                    result_on__gte=first, result_on__lte=last)
    solved_counts = solved.aggregate(total=Count("pk"), livelihood=Count("pk", filter=Q(
        is_livelihood=True, result_source__in=Problem.COUNTED_RESULT_SOURCES)))
    letters = Letter.objects.filter(problem__deputy=deputy, received_at__gte=local_midnight(first),
                                    received_at__lt=local_midnight(last + dt.timedelta(days=1)))
    letter_counts = letters.aggregate(
        received=Count("pk"), delivered=Count("pk", filter=Q(delivered_at__isnull=False)),
        replied=Count("pk", filter=Q(replied_at__isnull=False)),
    )
    suggestions = list(
        Suggestion.objects.filter(proposers=deputy)
        .filter(Q(submitted_on__gte=first, submitted_on__lte=last)
                | Q(submitted_on__isnull=True, created_at__gte=local_midnight(first),
                    created_at__lt=local_midnight(last + dt.timedelta(days=1))))
        .select_related("lead_deputy", "lead_department").order_by("submitted_on", "pk")
    )
    entries = list(
        RotationEntry.objects.filter(deputy=deputy, plan__year__gte=first.year, plan__year__lte=last.year)
        .select_related("plan", "meeting").order_by("plan__year")
    )
    written = list(
        WrittenReport.objects.filter(deputy=deputy, year__gte=first.year, year__lte=last.year).order_by("year")
    )
    # Over a term still running, the yearly targets count the years so far.
    years = max(1, min(last.year, local_date().year) - first.year + 1)
    context = {
        "deputy": deputy,
        "period_label": label,
        "activities": activities,
        "by_type": [(ask_type.label, by_type.get(ask_type, 0)) for ask_type in ASK_TYPES],
        "minimum": casework_setting("ACTIVITIES_PER_YEAR") * years,
        "livelihood_goal": (casework_setting("LIVELIHOOD_GOAL_MIN") * years,
                            casework_setting("LIVELIHOOD_GOAL_MAX") * years),
        "problems": problems,
        "solved": solved_counts,
        "letters": letter_counts,
        "suggestions": suggestions,
        "entries": entries,
        "written": written,
        "printed_at": timezone.now(),
    }
    return pdf_response(request, "reports/pdf/performance_file.html", context,
                        filename=f"{deputy.name}{label}履职档案.pdf", fallback=f"deputy-{deputy.pk}-file-{key}.pdf")
