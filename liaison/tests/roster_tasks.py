"""Following a roster import through its task in tests (the outbox publishes after a commit,
which a test's transaction never makes): the upload leads to the job's page, the task runs,
the page shows the outcome."""

from __future__ import annotations

from liaison.imports import TASK, run_roster_import
from liaison.models import OutboxMessage, RosterImport


def job_of(response) -> RosterImport:
    assert response.status_code == 302, response.status_code
    return RosterImport.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))


def run_queued(client, response):
    """The task queued by this response (an upload or a confirmation) runs; the job's page after it."""
    job = job_of(response)
    assert OutboxMessage.objects.filter(task=TASK, args=[job.pk]).exists()
    assert 'data-testid="import-progress"' in client.get(response.url).content.decode()
    assert run_roster_import(job.pk)
    return client.get(response.url)


def confirm(client, page_response):
    """Press 确认导入 on a checked file's page and let the import task run."""
    url = page_response.wsgi_request.path
    return run_queued(client, client.post(url))
