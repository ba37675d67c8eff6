"""Printable forms: each endpoint returns a real PDF whose text a reader would expect,
scoped like the page it prints."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from io import BytesIO
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from constituents.models import AskType, Problem
from constituents.tests.factories import ContactActivityFactory, ProblemFactory
from deputies.tests.factories import ConstituencyFactory, DeputyFactory, DeputyGroupFactory
from liaison.models import Role
from liaison.tests.factories import UserFactory
from mailbox import services as mailbox_services
from mailbox.models import QuarterlySummary
from mailbox.tests.factories import MailboxFactory, OpeningFactory
from mailbox.weeks import SHANGHAI, Quarter
from reports.models import RenderedPdf, VoterQuestion, WrittenReport
from reports.pdf import content_disposition, local_only_fetcher
from reports.pdf_views import _qr_svg, district_summary_document
from reports.rendering import render_stored
from reports.tests.factories import (
    FULL_TEXT,
    DutyMeetingFactory,
    RectificationItemFactory,
    RotationEntryFactory,
    RotationPlanFactory,
    WrittenReportFactory,
)

Q3 = "2026-3"


def pdf_text(response) -> str:
    """The text a reader sees, extracted by poppler's pdftotext."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(b"%PDF")
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=body, capture_output=True, check=True)
    return result.stdout.decode()


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def through_task(client, response):
    """A heavy PDF: the request leads to its page, the task renders it, the page offers the download."""
    assert response.status_code == 302, response.status_code
    rendered = RenderedPdf.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))
    assert 'data-testid="pdf-progress"' in client.get(response.url).content.decode()
    assert render_stored(rendered.pk)
    page = client.get(response.url).content.decode()
    assert 'data-testid="pdf-ready"' in page and 'data-auto-refresh' not in page
    return client.get(reverse("reports:rendered_pdf_download", args=[rendered.pk]))


def flat(text: str) -> str:
    """Table cells wrap: compare without whitespace."""
    return "".join(text.split())


@pytest.fixture
def summary_a(group_a, deputy_a, liaison_a):
    ProblemFactory(deputy=deputy_a, raised_on=dt.date(2026, 7, 3), text="幸福里小区路灯不亮")
    ProblemFactory(deputy=deputy_a, raised_on=dt.date(2026, 9, 20), text="公交站台没有遮雨棚")
    ProblemFactory(deputy=deputy_a, raised_on=dt.date(2026, 10, 2), text="下一季度的问题")
    return QuarterlySummary.objects.create(group=group_a, year=2026, quarter=3)


def submit(summary, user, remarks="本季度来信集中在路灯和公交。"):
    return mailbox_services.summary_submit(summary=summary, remarks=remarks, acting_user=user)


def test_a_draft_summary_prints_the_live_list_marked_as_draft(client_of, liaison_a, summary_a):
    response = client_of(liaison_a).get(reverse("reports:summary_pdf", args=[summary_a.pk]))
    text = flat(pdf_text(response))
    assert "甲代表组2026年第三季度群众反映问题及解决情况清单" in text
    assert "草稿" in text
    assert "幸福里小区路灯不亮" in text and "公交站台没有遮雨棚" in text
    assert "下一季度的问题" not in text
    assert "第1页共1页" in text


def pages_of(body: bytes) -> list[str]:
    """Each page's text (pdftotext separates pages by a form feed)."""
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=body, capture_output=True, check=True)
    return [flat(page) for page in result.stdout.decode().split("\f") if page.strip()]


def long_list(deputy, count: int):
    for day in range(count):
        ProblemFactory(deputy=deputy, raised_on=dt.date(2026, 7, 1) + dt.timedelta(days=day % 80),
                       text=f"第{day + 1:03d}号问题：小区门口道路破损，雨天积水严重，希望尽快修复")


def test_a_long_list_is_rendered_by_a_task_in_parts_with_every_row_and_page_number(
    client_of, liaison_a, group_a, deputy_a, settings
):
    settings.REPORTS_PDF_INLINE_MAX_ROWS = 10
    settings.REPORTS_PDF_CHUNK_ROWS = 12  # 30 rows: three parts
    long_list(deputy_a, 30)
    summary = QuarterlySummary.objects.create(group=group_a, year=2026, quarter=3)
    client = client_of(liaison_a)

    response = through_task(client, client.get(reverse("reports:summary_pdf", args=[summary.pk])))

    body = b"".join(response.streaming_content)
    pages = pages_of(body)
    text = "".join(pages)
    numbers = [int(n) for n in re.findall(r"第(\d{3})号问题", text)]
    assert numbers == list(range(1, 31))  # every row once, in order, across the parts
    assert text.count("群众反映问题及解决情况清单草稿") == 1 and text.count("（盖章）") == 1
    assert "chunk" not in text and "summary_rows" not in text  # no template source leaks onto the page
    for index, page in enumerate(pages, start=1):
        assert f"第{index}页共{len(pages)}页" in page  # numbered across the parts, counted once
        assert "甲代表组·2026年第三季度·草稿" in page  # the running header on every page
        assert "反映问题" in page and "办理情况" in page  # the table header on every page
    assert len(pages) >= 3
    rendered = RenderedPdf.objects.get()
    assert rendered.kind == RenderedPdf.Kind.GROUP_SUMMARY and rendered.file
    assert rendered.title == "甲代表组2026年第三季度问题清单（草稿）.pdf"


def test_a_long_list_in_parts_reads_like_the_list_in_one_piece(client_of, liaison_a, group_a, deputy_a, settings):
    from reports.pdf import render_pdf, render_pdf_in_chunks
    from reports.pdf_views import group_summary_document

    long_list(deputy_a, 20)
    document = group_summary_document(QuarterlySummary.objects.create(group=group_a, year=2026, quarter=3))
    whole = pages_of(render_pdf(document.template, document.context))
    parts = pages_of(render_pdf_in_chunks(document.template, document.context, rows=document.rows,
                                          orientation="landscape", size=7))

    def rows(pages):
        return re.findall(r"第\d{3}号问题：[^第]*", "".join(re.sub(r"第\d+页共\d+页", "", page) for page in pages))

    assert rows(parts) == rows(whole) and len(rows(whole)) == 20
    assert parts[0].startswith(whole[0][:60])  # the same title, counts and header first


def test_parts_rendered_on_several_cores_read_like_parts_rendered_one_by_one(liaison_a, group_a, deputy_a):
    from pypdf import PdfReader

    from reports.pdf import render_pdf_in_chunks
    from reports.pdf_views import group_summary_document

    long_list(deputy_a, 30)
    document = group_summary_document(QuarterlySummary.objects.create(group=group_a, year=2026, quarter=3))

    def pages(workers: int) -> list[str]:
        body = render_pdf_in_chunks(document.template, document.context, rows=document.rows,
                                    orientation="landscape", size=10, workers=workers)
        return [flat(page.extract_text()) for page in PdfReader(BytesIO(body)).pages]

    one_by_one, at_once = pages(1), pages(2)
    assert at_once == one_by_one
    assert len(at_once) >= 3
    for index, page in enumerate(at_once, start=1):
        assert f"第{index}页共{len(at_once)}页" in page
    numbers = [int(n) for n in re.findall(r"第(\d{3})号问题", "".join(at_once))]
    assert numbers == list(range(1, 31))


def test_the_running_header_prints_a_group_name_as_written(client_of, liaison_a, group_a, summary_a, settings):
    group_a.name = 'A&B"组\\</style><h1>X</h1>'
    group_a.save()

    text = flat(pdf_text(client_of(liaison_a).get(reverse("reports:summary_pdf", args=[summary_a.pk]))))

    assert 'A&B"组\\</style><h1>X</h1>·2026年第三季度·草稿' in text  # the header, with the name as typed
    assert settings.LIAISON["DISTRICT_NAME"] in text  # the header's other side


def test_the_stored_list_is_served_only_to_whoever_asked_for_it(client_of, liaison_a, committee_user, group_a,
                                                                  deputy_a, settings):
    settings.REPORTS_PDF_INLINE_MAX_ROWS = 1
    long_list(deputy_a, 3)
    summary = QuarterlySummary.objects.create(group=group_a, year=2026, quarter=3)
    client = client_of(liaison_a)
    response = through_task(client, client.get(reverse("reports:summary_pdf", args=[summary.pk])))
    assert response.status_code == 200
    rendered = RenderedPdf.objects.get()
    download = reverse("reports:rendered_pdf_download", args=[rendered.pk])
    assert client_of(committee_user).get(download).status_code == 404


def test_the_file_has_a_chinese_name(client_of, liaison_a, summary_a):
    response = client_of(liaison_a).get(reverse("reports:summary_pdf", args=[summary_a.pk]), {"download": "1"})
    header = response["Content-Disposition"]
    assert header.startswith("attachment; ")
    assert "filename*=UTF-8''" + quote("甲代表组2026年第三季度问题清单（草稿）.pdf") in header
    assert header.isascii()


def test_content_disposition_keeps_an_ascii_fallback():
    header = content_disposition("全区汇总.pdf", as_attachment=False, fallback="district.pdf")
    assert header == "inline; filename=\"district.pdf\"; filename*=UTF-8''" + quote("全区汇总.pdf")


def test_a_submitted_summary_prints_the_frozen_snapshot(client_of, liaison_a, summary_a, deputy_a):
    submit(summary_a, liaison_a)
    problem = Problem.objects.get(text="幸福里小区路灯不亮")
    problem.text = "报送后改过的内容"
    problem.save()
    ProblemFactory(deputy=deputy_a, raised_on=dt.date(2026, 8, 1), text="报送后补登的问题")
    text = flat(pdf_text(client_of(liaison_a).get(reverse("reports:summary_pdf", args=[summary_a.pk]))))
    assert "幸福里小区路灯不亮" in text
    assert "报送后改过的内容" not in text and "报送后补登的问题" not in text
    assert "草稿" not in text
    assert "报送人" in text and "本季度来信集中在路灯和公交。" in text


def test_another_groups_people_get_404(client_of, summary_a, deputy_b, group_b, deputy_a):
    url = reverse("reports:summary_pdf", args=[summary_a.pk])
    assert client_of(deputy_b.user).get(url).status_code == 404
    liaison_b = UserFactory(username="liaison_b", role=Role.LIAISON)
    group_b.liaisons.add(liaison_b)
    assert client_of(liaison_b).get(url).status_code == 404


def test_the_committee_reads_a_groups_summary(client_of, committee_user, summary_a):
    text = flat(pdf_text(client_of(committee_user).get(reverse("reports:summary_pdf", args=[summary_a.pk]))))
    assert "幸福里小区路灯不亮" in text


def test_the_district_rollup_counts_only_what_groups_reported(
    client_of, committee_user, liaison_a, summary_a, group_b, deputy_b
):
    submit(summary_a, liaison_a)
    ProblemFactory(deputy=deputy_b, raised_on=dt.date(2026, 8, 8), text="乙组尚未报送的问题")
    QuarterlySummary.objects.create(group=group_b, year=2026, quarter=3)
    client = client_of(committee_user)
    response = through_task(client, client.get(reverse("reports:district_summary_pdf"), {"quarter": Q3}))
    text = flat(pdf_text(response))
    assert "2026年第三季度全区群众反映问题及解决情况汇总" in text
    assert "共2个代表组，已报送1个，未报送1个" in text
    assert "甲代表组" in text and "乙代表组" in text and "草稿，未报送" in text
    assert "幸福里小区路灯不亮" in text  # group A's reported list
    assert "乙组尚未报送的问题" not in text  # a draft's list is not reported
    assert "城市建设" in text  # counts by category
    assert "登记" in text  # counts by state
    assert "summary-2026Q3-district.pdf" in response["Content-Disposition"]


def test_only_the_district_reads_the_rollup(client_of, liaison_a, deputy_a):
    url = reverse("reports:district_summary_pdf")
    assert client_of(liaison_a).get(url, {"quarter": Q3}).status_code == 403
    assert client_of(deputy_a.user).get(url, {"quarter": Q3}).status_code == 403


def test_the_district_rollup_is_flat(staff_user, liaison_a, summary_a):
    submit(summary_a, liaison_a)
    quarter = Quarter.parse(Q3, None)

    def grow():
        for number in range(3):
            group = DeputyGroupFactory(name=f"新增第{number}代表组")
            constituency = ConstituencyFactory(term=summary_a.group.constituencies.first().term, group=group)
            deputy = DeputyFactory(group=group, constituency=constituency, term=constituency.term)
            for day in (5, 6):
                ProblemFactory(deputy=deputy, raised_on=dt.date(2026, 8, day))
            summary = QuarterlySummary.objects.create(group=group, year=2026, quarter=3)
            submit(summary, staff_user)

    with CaptureQueriesContext(connection) as before:
        district_summary_document(staff_user, quarter)
    grow()
    with CaptureQueriesContext(connection) as after:
        document = district_summary_document(staff_user, quarter)
    assert len(after) == len(before) <= 12
    assert "新增第2代表组" in [row["group"].name for row in document.context["rows"]]


def test_summary_pages_link_to_their_pdfs(client_of, committee_user, summary_a):
    client = client_of(committee_user)
    page = client.get(reverse("mailbox:summary_detail", args=[summary_a.pk])).content.decode()
    assert reverse("reports:summary_pdf", args=[summary_a.pk]) in page
    page = client.get(reverse("mailbox:summary_list"), {"quarter": Q3}).content.decode()
    assert reverse("reports:district_summary_pdf") + "?quarter=2026-3" in page


def test_rendering_fetches_nothing_remote(settings):
    fetcher = local_only_fetcher()
    with pytest.raises(ValueError):
        fetcher.fetch("https://example.com/logo.png")
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/passwd")
    with pytest.raises(ValueError):
        fetcher.fetch("file:///media/../../etc/passwd")
    response = fetcher.fetch("file:///static/css/liaison.css")
    assert response.read()


# --- 述职报告 and 书面履职情况报告 ------------------------------------------------------------


@pytest.fixture
def plan_a(term, group_a):
    return RotationPlanFactory(term=term, group=group_a, year=2026)


@pytest.fixture
def meeting_a(plan_a, deputy_a):
    meeting = DutyMeetingFactory(entry=RotationEntryFactory(plan=plan_a, deputy=deputy_a),
                                 voter_comments="办事实在，希望多来社区。")
    VoterQuestion.objects.create(meeting=meeting, question="路口什么时候装红绿灯？", answer="已转交交警部门。")
    RectificationItemFactory(meeting=meeting, issue="每季度至少进社区一次")
    return meeting


def test_the_duty_report_prints_five_parts_attendance_and_ballots(client_of, liaison_a, meeting_a):
    response = client_of(liaison_a).get(reverse("reports:meeting_pdf", args=[meeting_a.pk]))
    text = flat(pdf_text(response))
    assert "张建国代表2026年述职报告" in text
    for title, _ in meeting_a.parts:
        assert flat(title) in text
    assert FULL_TEXT["part_good_deeds"] in text
    assert "到会选民45人" in text
    assert "满意基本满意不满意弃权或无效合计" in text and "30102143" in text  # 30/10/2/1, total 43
    assert "95.2%" in text  # (30+10)/42 valid
    assert "路口什么时候装红绿灯？" in text and "每季度至少进社区一次" in text
    assert "办事实在，希望多来社区。" in text


def test_the_written_report_is_marked_until_accepted(client_of, deputy_a, plan_a):
    report = WrittenReportFactory(plan=plan_a, deputy=deputy_a, status=WrittenReport.Status.DRAFT)
    url = reverse("reports:written_pdf", args=[report.pk])
    text = flat(pdf_text(client_of(deputy_a.user).get(url)))
    assert "张建国代表2026年书面履职情况报告" in text and "尚未经代表组审查通过" in text
    assert FULL_TEXT["part_constituency"] in text
    WrittenReport.objects.filter(pk=report.pk).update(status=WrittenReport.Status.FILED)
    text = flat(pdf_text(client_of(deputy_a.user).get(url)))
    assert "尚未经代表组审查通过" not in text and "草稿" not in text


def test_duty_reports_of_group_a_are_404_for_group_b(client_of, deputy_b, meeting_a, plan_a, deputy_a):
    report = WrittenReportFactory(plan=plan_a, deputy=deputy_a)
    client = client_of(deputy_b.user)
    assert client.get(reverse("reports:meeting_pdf", args=[meeting_a.pk])).status_code == 404
    assert client.get(reverse("reports:written_pdf", args=[report.pk])).status_code == 404


def test_report_pages_link_to_their_pdfs(client_of, liaison_a, meeting_a, plan_a, deputy_a):
    report = WrittenReportFactory(plan=plan_a, deputy=deputy_a)
    client = client_of(liaison_a)
    page = client.get(reverse("reports:meeting_detail", args=[meeting_a.pk])).content.decode()
    assert reverse("reports:meeting_pdf", args=[meeting_a.pk]) in page
    page = client.get(reverse("reports:written_detail", args=[report.pk])).content.decode()
    assert reverse("reports:written_pdf", args=[report.pk]) in page


# --- 代表信箱 -------------------------------------------------------------------------------


@pytest.fixture
def box_a(constituency_a, deputy_a, community_a):
    return MailboxFactory(constituency=constituency_a, kept_by=deputy_a, name="幸福里代表信箱",
                          location="幸福里社区党群服务中心门口", community=community_a)


def test_the_opening_sheet_lists_the_months_openings_and_blank_rows(client_of, liaison_a, box_a):
    for day, opener in ((3, "王联络"), (12, "赵见证")):
        OpeningFactory(mailbox=box_a, opened_at=dt.datetime(2026, 11, day, 9, 30, tzinfo=SHANGHAI),
                       opened_by=opener, letter_count=day)
    OpeningFactory(mailbox=box_a, opened_at=dt.datetime(2026, 10, 20, 9, 0, tzinfo=SHANGHAI), opened_by="上月的人")
    # Early on 1 November in Shanghai is still 31 October in UTC: it belongs to November.
    OpeningFactory(mailbox=box_a, opened_at=dt.datetime(2026, 11, 1, 7, 0, tzinfo=SHANGHAI), opened_by="李月初")
    response = client_of(liaison_a).get(reverse("reports:opening_sheet_pdf", args=[box_a.pk]), {"month": "2026-11"})
    text = flat(pdf_text(response))
    assert "代表信箱开启登记表" in text and "2026年11月" in text and "幸福里代表信箱" in text
    assert "王联络" in text and "赵见证" in text and "李月初" in text
    assert "上月的人" not in text
    assert "本月开启3次，收到来信15件" in text
    assert "开启人签字" in text and "10" in text  # room to sign up to row 10
    assert "11月9日—11月15日已开启" in text and "11月16日—11月22日未开启" in text


def test_the_poster_carries_the_deputies_and_a_code_to_the_online_form(
    client_of, liaison_a, box_a, deputy_a, settings
):
    # The code points at SITE_URL, not at whatever host the poster was printed from.
    settings.SITE_URL = "https://daibiao.example.gov.cn"
    response = client_of(liaison_a).get(reverse("reports:mailbox_poster_pdf", args=[box_a.pk]))
    text = flat(pdf_text(response))
    assert "人大代表信箱" in text and "张建国" in text and "幸福里社区党群服务中心门口" in text
    assert "testserver" not in text
    write_url = "https://daibiao.example.gov.cn" + reverse("mailbox:public_write", args=[box_a.constituency_id])
    assert f"{write_url}?community={box_a.community_id}" in text
    assert "扫码在线给代表写信" in text


def test_the_qr_code_is_inline_svg_of_the_url():
    svg = _qr_svg("http://example.org/mailbox/public/write/1/")
    assert svg.startswith("<svg") and "<path" in svg and "http" not in svg


def test_mailbox_forms_of_group_a_are_404_for_group_b(client_of, deputy_b, box_a):
    client = client_of(deputy_b.user)
    assert client.get(reverse("reports:opening_sheet_pdf", args=[box_a.pk])).status_code == 404
    assert client.get(reverse("reports:mailbox_poster_pdf", args=[box_a.pk])).status_code == 404


def test_the_mailbox_page_links_to_its_forms(client_of, liaison_a, box_a):
    page = client_of(liaison_a).get(reverse("mailbox:mailbox_detail", args=[box_a.pk])).content.decode()
    assert reverse("reports:opening_sheet_pdf", args=[box_a.pk]) in page
    assert reverse("reports:mailbox_poster_pdf", args=[box_a.pk]) in page


# --- 年度联系选民情况统计 ---------------------------------------------------------------------


def test_annual_statistics_count_activities_problems_and_livelihood(
    client_of, committee_user, deputy_a, constituency_a, deputy_b
):
    colleague = DeputyFactory(group=deputy_a.group, constituency=constituency_a, term=deputy_a.term, name="王勤奋")
    for ask_type in (AskType.DIFFICULTY, AskType.NEEDS, AskType.NEEDS):
        activity = ContactActivityFactory(constituency=constituency_a, ask_type=ask_type, held_on=dt.date(2026, 5, 1))
        activity.deputies.add(colleague)
    activity.deputies.add(deputy_a)
    ContactActivityFactory(constituency=constituency_a, held_on=dt.date(2025, 5, 1)).deputies.add(deputy_a)
    ProblemFactory(deputy=colleague, raised_on=dt.date(2026, 3, 1), is_livelihood=True,
                   outcome=Problem.Outcome.RESOLVED, result_on=dt.date(2026, 6, 1),
                   result_source=Problem.ResultSource.DEPARTMENT)  # the department's result: it counts
    ProblemFactory(deputy=colleague, raised_on=dt.date(2026, 4, 1))
    text = pdf_text(client_of(committee_user).get(reverse("reports:annual_contact_pdf", args=[2026])))
    lines: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line.split():  # the first line naming it: the group table comes before the group's heading
            lines.setdefault(line.split()[0], line.split()[1:])
    # 问难 问需 问计 合计 反映问题 已解决 民生问题解决
    assert lines["王勤奋"] == ["1", "2", "0", "3", "2", "1", "1"]
    assert lines["张建国"][:7] == ["0", "1", "0", "1", "0", "0", "0"] and "活动不足2次" in lines["张建国"][-1]
    # Group A: three activities, not four (one activity, two deputies); group B none.
    assert lines["甲代表组"] == ["2", "1", "2", "0", "3", "1", "2", "1", "1"]
    assert lines["乙代表组"] == ["1", "0", "0", "0", "0", "1", "0", "0", "0"]
    assert "2026年代表联系选民情况统计" in flat(text)


def test_annual_statistics_are_flat_and_scoped(client_of, staff_user, liaison_a, deputy_a, deputy_b,
                                               constituency_a, assert_flat_queries):
    def grow():
        for number in range(3):
            deputy = DeputyFactory(group=deputy_a.group, constituency=constituency_a, term=deputy_a.term)
            activity = ContactActivityFactory(constituency=constituency_a, held_on=dt.date(2026, 5, number + 1))
            activity.deputies.add(deputy, deputy_a)
            ProblemFactory(deputy=deputy, raised_on=dt.date(2026, 5, 2))

    url = reverse("reports:annual_contact_pdf", args=[2026])
    assert_flat_queries(client_of(staff_user), url, grow=grow, cap=15)
    text = flat(pdf_text(client_of(liaison_a).get(url)))
    assert "甲代表组" in text and "乙代表组" not in text and "李秀英" not in text
    assert client_of(deputy_a.user).get(url).status_code == 403


# --- 履职档案 ---------------------------------------------------------------------------------


def test_the_performance_file_sums_up_a_deputys_year(client_of, liaison_a, deputy_a, constituency_a):
    ContactActivityFactory(constituency=constituency_a, ask_type=AskType.ADVICE, held_on=dt.date(2026, 4, 9),
                           place="老年活动中心").deputies.add(deputy_a)
    ContactActivityFactory(constituency=constituency_a, held_on=dt.date(2025, 4, 9)).deputies.add(deputy_a)
    ProblemFactory(deputy=deputy_a, raised_on=dt.date(2026, 2, 1), text="菜市场门口积水严重", is_livelihood=True,
                   outcome=Problem.Outcome.RESOLVED, result_on=dt.date(2026, 5, 1))
    url = reverse("reports:performance_file_pdf", args=[deputy_a.pk])
    text = flat(pdf_text(client_of(liaison_a).get(url, {"year": "2026"})))
    assert "代表履职档案" in text and "张建国·2026年" in text
    assert "老年活动中心" in text and "2025年4月9日" not in text
    assert "菜市场门口积水严重" in text
    assert "（应不少于2次）" in text  # one activity in 2026
    text = flat(pdf_text(client_of(liaison_a).get(url, {"year": "term"})))
    assert "2025年4月9日" in text and "2026年4月9日" in text


def test_the_performance_file_is_for_the_deputy_their_liaison_and_the_district(
    client_of, deputy_a, deputy_b, constituency_a, committee_user
):
    url = reverse("reports:performance_file_pdf", args=[deputy_a.pk])
    colleague = DeputyFactory(group=deputy_a.group, constituency=constituency_a, term=deputy_a.term,
                              user=UserFactory(role=Role.DEPUTY))
    assert client_of(deputy_b.user).get(url).status_code == 404
    assert client_of(colleague.user).get(url).status_code == 404
    assert client_of(deputy_a.user).get(url).status_code == 200
    assert client_of(committee_user).get(url).status_code == 200


def test_the_deputy_page_links_to_the_performance_file(client_of, liaison_a, deputy_a):
    page = client_of(liaison_a).get(reverse("deputies:deputy_detail", args=[deputy_a.pk])).content.decode()
    assert reverse("reports:performance_file_pdf", args=[deputy_a.pk]) in page


def test_the_chinese_font_is_embedded(client_of, liaison_a, summary_a):
    response = client_of(liaison_a).get(reverse("reports:summary_pdf", args=[summary_a.pk]))
    fonts = subprocess.run(["pdffonts", "-"], input=response.content, capture_output=True, check=True).stdout.decode()
    cjk = [" ".join(line.split()) for line in fonts.splitlines() if "Noto-Sans-CJK-SC" in line]
    # Columns: name, type, encoding, embedded, subset, unicode map, object id.
    assert cjk and all("Identity-H yes yes yes" in line for line in cjk), fonts
