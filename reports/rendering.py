"""Heavy PDFs by task: the request is recorded (RenderedPdf), a task renders it with the
requester's view of the data and stores it privately, the page shows progress and then
a download through a scoped view. Small PDFs still stream at once (reports.pdf)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone

from liaison.audit import audited
from liaison.outbox import enqueue

from .models import RenderedPdf
from .pdf import BASE_URL, content_disposition, local_only_fetcher, pdf_response, render_pdf_in_chunks

logger = logging.getLogger(__name__)


@dataclass
class Document:
    template: str
    context: dict = field(default_factory=dict)
    filename: str = "document.pdf"
    fallback: str = "document.pdf"
    # A long list the template prints in parts (reports.pdf.render_pdf_in_chunks), and the page orientation.
    rows: list | None = None
    orientation: str = "portrait"


def inline_row_limit() -> int:
    return int(getattr(settings, "REPORTS_PDF_INLINE_MAX_ROWS", 300))


def document_response(request, document: Document) -> HttpResponse:
    return pdf_response(request, document.template, document.context, filename=document.filename,
                        fallback=document.fallback)


def _build(rendered: RenderedPdf) -> Document:
    from mailbox.weeks import Quarter

    from . import pdf_views

    user, params = rendered.requested_by, rendered.params
    if rendered.kind == RenderedPdf.Kind.DISTRICT_SUMMARY:
        quarter = Quarter.parse(params.get("quarter"), Quarter.of(None).previous())
        return pdf_views.district_summary_document(user, quarter)
    if rendered.kind == RenderedPdf.Kind.ANNUAL_CONTACT:
        return pdf_views.annual_contact_document(user, int(params["year"]))
    if rendered.kind == RenderedPdf.Kind.GROUP_SUMMARY:
        summary = get_object_or_404(pdf_views.summaries_visible_to(user), pk=int(params["summary"]))
        return pdf_views.group_summary_document(summary)
    raise ValueError(f"Unknown PDF kind {rendered.kind}")


@transaction.atomic
def rendered_pdf_request(*, kind: str, params: dict, title: str, fallback: str, acting_user) -> RenderedPdf:
    """Ask for a PDF to be rendered; a request of the same document still in the works is reused."""
    waiting = RenderedPdf.objects.filter(
        requested_by=acting_user, kind=kind, params=params,
        state__in=[RenderedPdf.State.QUEUED, RenderedPdf.State.RENDERING],
    ).first()
    if waiting is not None:
        return waiting
    rendered = RenderedPdf(kind=kind, params=params, title=title, fallback_name=fallback, requested_by=acting_user)
    audited(rendered, action="reports.rendered_pdf.requested", user=acting_user)
    rendered.save()
    enqueue("reports.tasks.render_stored_pdf", rendered.pk)
    return rendered


def render_by_task(request, *, kind: str, params: dict, title: str, fallback: str):
    rendered = rendered_pdf_request(kind=kind, params=params, title=title, fallback=fallback,
                                    acting_user=request.user)
    return redirect(rendered.get_absolute_url())


def _progress(rendered: RenderedPdf, percent: int, **fields) -> None:
    RenderedPdf.objects.filter(pk=rendered.pk).update(progress=percent, **fields)


def render_stored(rendered_pdf_id: int) -> bool:
    """Render and store one requested PDF; True when it is (now or already) done.

    Idempotent: a finished one is left alone; one a killed worker left half done is
    rendered again from the start (the file is written only at the end).
    """
    from weasyprint import HTML

    rendered = RenderedPdf.objects.select_related("requested_by").filter(pk=rendered_pdf_id).first()
    if rendered is None or rendered.state == RenderedPdf.State.DONE:
        return rendered is not None
    _progress(rendered, 5, state=RenderedPdf.State.RENDERING, error="")
    try:
        document = _build(rendered)
        _progress(rendered, 10)
        if document.rows is not None:
            data = render_pdf_in_chunks(
                document.template, document.context, rows=document.rows, orientation=document.orientation,
                progress=lambda done, total: _progress(rendered, 10 + 85 * done // total),
            )
        else:
            html = render_to_string(document.template,
                                    {"district_name": settings.LIAISON["DISTRICT_NAME"], **document.context})
            _progress(rendered, 40)
            laid_out = HTML(string=html, base_url=BASE_URL, url_fetcher=local_only_fetcher()).render()
            _progress(rendered, 80)
            data = laid_out.write_pdf()
        _progress(rendered, 95)
    except Exception as error:
        logger.exception("Rendering PDF #%s failed", rendered.pk)
        _progress(rendered, 0, state=RenderedPdf.State.FAILED, error=str(error)[:300], finished_at=timezone.now())
        return False
    rendered.file.save(f"{rendered.kind}-{rendered.pk}.pdf", ContentFile(data), save=False)
    RenderedPdf.objects.filter(pk=rendered.pk).update(
        file=rendered.file.name, state=RenderedPdf.State.DONE, progress=100, finished_at=timezone.now()
    )
    return True


# --- Pages -------------------------------------------------------------------------------------


@login_required
def rendered_pdf_page(request, pk: int):
    """Progress while the task works (the page refreshes itself), then the download."""
    rendered = get_object_or_404(RenderedPdf.objects.visible_to(request.user), pk=pk)
    return render(request, "reports/rendered_pdf.html", {"rendered": rendered})


@login_required
def rendered_pdf_download(request, pk: int):
    """Served through this view only, to its requester (never from /media/)."""
    rendered = get_object_or_404(RenderedPdf.objects.visible_to(request.user), pk=pk)
    if rendered.state != RenderedPdf.State.DONE or not rendered.file:
        raise Http404("文件尚未生成。")
    response = FileResponse(rendered.file.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(
        rendered.title, as_attachment=bool(request.GET.get("download")), fallback=rendered.fallback_name
    )
    response["Cache-Control"] = "private, no-store"
    return response
