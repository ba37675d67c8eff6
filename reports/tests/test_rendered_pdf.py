"""Heavy PDFs by task: a request is recorded and queued in the outbox, the page shows
progress and refreshes itself, then a download served only to the requester."""

from __future__ import annotations

import pytest
from django.urls import reverse

from deputies.tests.factories import DeputyFactory
from liaison.models import OutboxMessage
from reports.models import RenderedPdf
from reports.rendering import render_stored
from reports.tasks import render_stored_pdf

URL = reverse("reports:district_summary_pdf")


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return tmp_path / "private"


def test_the_rollup_request_is_queued_and_the_page_refreshes_until_done(client_of, committee_user, group_a):
    client = client_of(committee_user)
    response = client.get(URL, {"quarter": "2026-3"})
    rendered = RenderedPdf.objects.get()
    assert response.status_code == 302 and response.url == rendered.get_absolute_url()
    assert rendered.state == RenderedPdf.State.QUEUED and rendered.requested_by == committee_user
    assert OutboxMessage.objects.filter(task="reports.tasks.render_stored_pdf", args=[rendered.pk]).exists()
    # A second click while it is in the works reuses the same request.
    client.get(URL, {"quarter": "2026-3"})
    assert RenderedPdf.objects.count() == 1
    page = client.get(rendered.get_absolute_url()).content.decode()
    assert 'data-auto-refresh="2"' in page and "js/auto-refresh.js" in page and "<script>" not in page
    assert client.get(reverse("reports:rendered_pdf_download", args=[rendered.pk])).status_code == 404
    assert render_stored_pdf(rendered.pk) is True
    rendered.refresh_from_db()
    assert rendered.state == RenderedPdf.State.DONE and rendered.progress == 100 and rendered.finished_at
    download = client.get(reverse("reports:rendered_pdf_download", args=[rendered.pk]), {"download": "1"})
    assert download.status_code == 200 and download["Cache-Control"] == "private, no-store"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert download["Content-Disposition"].startswith('attachment; filename="summary-2026Q3-district.pdf"')
    # Run twice (a redelivered task): nothing is rendered again.
    name = rendered.file.name
    assert render_stored(rendered.pk) and RenderedPdf.objects.get().file.name == name


def test_a_rendered_pdf_is_only_its_requesters(client_of, committee_user, staff_user, deputy_a, group_a,
                                               private_files):
    client_of(committee_user).get(URL, {"quarter": "2026-3"})
    rendered = RenderedPdf.objects.get()
    render_stored(rendered.pk)
    for other in (staff_user, deputy_a.user):
        client = client_of(other)
        assert client.get(rendered.get_absolute_url()).status_code == 404
        assert client.get(reverse("reports:rendered_pdf_download", args=[rendered.pk])).status_code == 404
    rendered.refresh_from_db()
    # Stored outside MEDIA_ROOT: there is no /media/ address for it.
    assert (private_files / rendered.file.name).is_file()
    assert not rendered.file.name.startswith("/")


def test_a_worker_killed_mid_render_leaves_it_to_be_rendered_again(client_of, committee_user, group_a):
    client_of(committee_user).get(URL, {"quarter": "2026-3"})
    rendered = RenderedPdf.objects.get()
    RenderedPdf.objects.filter(pk=rendered.pk).update(state=RenderedPdf.State.RENDERING, progress=40)
    assert render_stored(rendered.pk)  # the redelivered task (acks_late) starts over
    rendered.refresh_from_db()
    assert rendered.state == RenderedPdf.State.DONE and rendered.file


def test_large_statistics_go_to_a_task_and_small_ones_stream(client_of, committee_user, deputy_a, settings):
    url = reverse("reports:annual_contact_pdf", args=[2026])
    client = client_of(committee_user)
    assert client.get(url)["Content-Type"] == "application/pdf"
    settings.REPORTS_PDF_INLINE_MAX_ROWS = 2
    for _ in range(2):
        DeputyFactory(group=deputy_a.group, constituency=deputy_a.constituency, term=deputy_a.term)
    response = client.get(url)
    assert response.status_code == 302
    assert RenderedPdf.objects.get().kind == RenderedPdf.Kind.ANNUAL_CONTACT
