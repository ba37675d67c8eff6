"""The pages of a large Excel export (issue 12 §2): progress, then the download, for its requester only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from .exports import XLSX_TYPE, xlsx_filename
from .models import ExportJob


@login_required
def export_job_page(request, pk: int):
    """Progress while the task works (the page refreshes itself), then the download link."""
    job = get_object_or_404(ExportJob.objects.visible_to(request.user), pk=pk)
    return render(request, "liaison/export_job.html", {"job": job})


@login_required
def export_job_download(request, pk: int):
    """Served through this view only, to its requester (never from /media/); 404 for anyone else."""
    job = get_object_or_404(ExportJob.objects.visible_to(request.user), pk=pk)
    if job.state != ExportJob.State.DONE or not job.file:
        raise Http404("文件尚未生成或已过期删除。")
    response = FileResponse(job.file.open("rb"), as_attachment=True, filename=xlsx_filename(job.title),
                            content_type=XLSX_TYPE)
    response["Cache-Control"] = "private, no-store"
    return response
