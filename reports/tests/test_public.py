"""Publication and the public page (no login)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from constituents.tests.factories import ConstituentFactory
from reports import services
from reports.models import PublishedReport, WrittenReport
from reports.tests.factories import FULL_TEXT, PublishedReportFactory

from .conftest import YEAR


@pytest.fixture
def evaluated_meeting(held_meeting_a, liaison_a, deputy_a):
    services.meeting_report_save(meeting=held_meeting_a, parts=FULL_TEXT, acting_user=deputy_a.user)
    services.meeting_question_save(meeting=held_meeting_a, question="王桂兰老人问：电梯何时装？", answer="年内",
                                   acting_user=deputy_a.user)
    return services.meeting_evaluate(meeting=held_meeting_a, satisfied=30, basically_satisfied=8, dissatisfied=1,
                                     invalid=1, comments="希望多进社区", acting_user=liaison_a)


def test_staff_publish_and_anyone_reads(client, client_of, staff_user, evaluated_meeting, deputy_a, community_a):
    ConstituentFactory(community=community_a, name="赵桂芳", phone="13912345678")
    client_of(staff_user).post(reverse("reports:publish_meeting", args=[evaluated_meeting.pk]))
    publication = PublishedReport.objects.get()
    client.logout()
    listing = client.get(reverse("reports:public_list")).content.decode()
    assert deputy_a.name in listing and "当面述职报告" in listing and f"{YEAR}年" in listing
    page = client.get(publication.get_absolute_url()).content.decode()
    assert FULL_TEXT["part_good_deeds"] in page and "到会选民40人" in page
    # No voter's personal data: no questions, no comments with names, no constituents.
    assert "王桂兰" not in page and "赵桂芳" not in page and "13912345678" not in page
    assert "代表述职公开" in page  # the public nav


def test_publishing_twice_is_refused_and_withdraw_hides_it(client, staff_user, evaluated_meeting):
    publication = services.report_publish(meeting=evaluated_meeting, acting_user=staff_user)
    with pytest.raises(ValidationError, match="已经公开刊登"):
        services.report_publish(meeting=evaluated_meeting, acting_user=staff_user)
    services.published_report_withdraw(publication=publication, acting_user=staff_user)
    assert client.get(publication.get_absolute_url()).status_code == 404
    again = services.report_publish(meeting=evaluated_meeting, acting_user=staff_user)
    assert again.pk == publication.pk and again.withdrawn_at is None


def test_edited_report_does_not_reach_the_public_unseen(staff_user, evaluated_meeting, deputy_a):
    services.report_publish(meeting=evaluated_meeting, acting_user=staff_user)
    with pytest.raises(ValidationError, match="已公开刊登，不能再修改"):
        services.meeting_report_save(meeting=evaluated_meeting, parts={**FULL_TEXT, "part_law": "改"},
                                     acting_user=deputy_a.user)


def test_only_reviewed_written_reports_are_published(staff_user, confirmed_plan_a, colleagues_a):
    from reports.tests.factories import WrittenReportFactory

    outside = next(c for c in colleagues_a if not confirmed_plan_a.entries.filter(deputy=c).exists())
    report = WrittenReportFactory(plan=confirmed_plan_a, deputy=outside, status=WrittenReport.Status.SUBMITTED)
    with pytest.raises(ValidationError, match="审查通过后才能公开刊登"):
        services.report_publish(written_report=report, acting_user=staff_user)
    report.status = WrittenReport.Status.FILED
    report.save()
    publication = services.report_publish(written_report=report, acting_user=staff_user)
    assert publication.kind == PublishedReport.Kind.WRITTEN and publication.deputy_name == outside.name


def test_liaison_cannot_publish(client_of, liaison_a, evaluated_meeting):
    assert client_of(liaison_a).post(reverse("reports:publish_meeting", args=[evaluated_meeting.pk])).status_code == 403
    assert not PublishedReport.objects.exists()


def test_public_search_by_name_year_group_and_text(client, db):
    first = PublishedReportFactory(deputy_name="欧阳明", part_good_deeds="协调修缮老旧小区屋顶",
                                   written_report__plan__year=2025)
    PublishedReportFactory(deputy_name="司马光", written_report__plan__year=2026)
    url = reverse("reports:public_list")
    assert "欧阳明" in client.get(url, {"q": "欧阳"}).content.decode()
    assert "司马光" not in client.get(url, {"q": "欧阳"}).content.decode()
    assert "欧阳明" in client.get(url, {"q": "屋顶"}).content.decode()
    by_year = client.get(url, {"year": 2026}).content.decode()
    assert "司马光" in by_year and "欧阳明" not in by_year
    by_group = client.get(url, {"group": first.group_id}).content.decode()
    assert "欧阳明" in by_group and "司马光" not in by_group
    page = client.get(url).content.decode()
    assert 'name="viewport"' in page  # readable on a phone


def test_public_list_queries_are_flat(client, assert_flat_queries, db):
    PublishedReportFactory()
    assert_flat_queries(client, reverse("reports:public_list"), grow=lambda: PublishedReportFactory.create_batch(8))


def test_public_list_entries_are_what_a_voter_reads(client, db):
    import datetime as dt

    hostile = PublishedReportFactory(deputy_name="<b>x</b>", written_report__plan__year=2026, constituency_name="")
    held = PublishedReportFactory(deputy_name="欧阳明", written_report__plan__year=2025, constituency_name="第3选区",
                                  held_on=dt.date(2025, 6, 9))
    page = client.get(reverse("reports:public_list")).content.decode()
    assert (
        f'\n<a class="list-group-item list-group-item-action" href="{hostile.get_absolute_url()}">\n'
        '  <div class="d-flex w-100 justify-content-between flex-wrap"><strong>&lt;b&gt;x&lt;/b&gt; · 书面履职情况报告'
        '</strong><span class="small text-muted">2026年</span></div>\n'
        f'  <div class="small text-muted">{hostile.term.name} · {hostile.group.name}</div>\n</a>\n'
    ) in page
    assert (
        f'<div class="small text-muted">{held.term.name} · {held.group.name} · 第3选区 · 2025年6月9日当面述职</div>'
    ) in page
    assert page.index("&lt;b&gt;x") < page.index("欧阳明")  # the newest year first
    assert "<b>x</b>" not in page


def test_search_fields_are_rendered_as_crispy_renders_them(db):
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

    from liaison.templatetags import liaison_tags
    from reports.forms import PublicSearchForm

    def form(data=None, years=(2026, 2025)):
        return PublicSearchForm(data, terms=[], years=list(years), groups=[])

    liaison_tags._fields.clear()
    for data in (None, {"q": "<b>x</b>", "year": "2025"}, {"kind": "written"}):
        for name in ("q", "term", "year", "group", "kind"):
            first = liaison_tags.as_kept_crispy_field(form(data)[name])
            assert first == as_crispy_field(form(data)[name])
            assert liaison_tags.as_kept_crispy_field(form(data)[name]) is first  # kept
    assert 'value="&lt;b&gt;x&lt;/b&gt;"' in liaison_tags.as_kept_crispy_field(form({"q": "<b>x</b>"})["q"])
    selected = liaison_tags.as_kept_crispy_field(form({"year": "2025"})["year"])
    assert '<option value="2025" selected>2025年</option>' in selected
    assert "2024年" in liaison_tags.as_kept_crispy_field(form({"year": "2025"}, years=(2025, 2024))["year"])
    invalid = form({"year": "x"})
    assert not invalid.is_valid()
    assert "is-invalid" in liaison_tags.as_kept_crispy_field(invalid["year"])  # errors: rendered, not kept
