"""Printable forms (SPEC §4): HTML templates under `templates/reports/pdf/` rendered to
PDF bytes by WeasyPrint.

Fonts are named by family ("Noto Sans CJK SC") and found through fontconfig; WeasyPrint
embeds the subset of glyphs each document uses. Nothing is fetched over the network
while rendering: offices run on intranets and a PDF must not hang on a remote image.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import logging
import mimetypes
import os
import signal
from io import BytesIO
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string

# WeasyPrint logs every layout step at INFO, and the project's root logger is at INFO.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# Relative URLs in the templates ("/static/…", "/media/…") resolve against this.
BASE_URL = "file:///"


@functools.cache
def _fetcher_class():
    # WeasyPrint is imported on the first PDF, not when the URLs load (it takes a
    # good half second and most processes never print).
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalOnlyFetcher(URLFetcher):
        """Serves `data:` URLs and files under STATIC_URL / MEDIA_URL; refuses everything else."""

        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme != "file":
                raise ValueError(f"PDF rendering does not fetch remote resources: {url}")
            path = local_path(unquote(urlsplit(url).path))
            if path is None:
                raise ValueError(f"Not a static or media file: {url}")
            mime_type, _ = mimetypes.guess_type(path.name)
            return URLFetcherResponse(
                url, body=path.read_bytes(), headers={"Content-Type": mime_type or "application/octet-stream"}
            )

    return LocalOnlyFetcher


def local_only_fetcher():
    return _fetcher_class()()


def local_path(url_path: str) -> Path | None:
    """The file a "/static/…" or "/media/…" path names, or None (no escaping the roots)."""
    static_prefix, media_prefix = settings.STATIC_URL, settings.MEDIA_URL
    if url_path.startswith(static_prefix):
        found = finders.find(url_path.removeprefix(static_prefix))
        return Path(found) if found else None
    if url_path.startswith(media_prefix):
        root = Path(settings.MEDIA_ROOT).resolve()
        candidate = (root / url_path.removeprefix(media_prefix)).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
    return None


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render `template_name` with `context` (plus the district's name) to PDF bytes."""
    from weasyprint import HTML

    html = render_to_string(template_name, {"district_name": settings.LIAISON["DISTRICT_NAME"], **context})
    return HTML(string=html, base_url=BASE_URL, url_fetcher=local_only_fetcher()).write_pdf()


def content_disposition(filename: str, *, as_attachment: bool, fallback: str = "document.pdf") -> str:
    """A Chinese filename for every browser: an ASCII `fallback` plus RFC 5987 `filename*`."""
    kind = "attachment" if as_attachment else "inline"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def pdf_response(
    request, template_name: str, context: dict, *, filename: str, fallback: str = "document.pdf"
) -> HttpResponse:
    """Stream a rendered form: shown in the browser, or saved when the link asks `?download=1`."""
    response = HttpResponse(render_pdf(template_name, context), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(
        filename, as_attachment=bool(request.GET.get("download")), fallback=fallback
    )
    # Personal data may be in it: do not let shared proxies keep a copy.
    response["Cache-Control"] = "private, no-store"
    return response


# --- Long lists in parts ------------------------------------------------------------------------


def chunk_rows() -> int:
    # Parts are rendered one per core at once: with 500-row parts a 5,000-row list peaks near
    # 330 MB in its largest process and ~500 MB in all (PSS), under the 600 MB goal.
    return int(getattr(settings, "REPORTS_PDF_CHUNK_ROWS", 500))


def pdf_workers() -> int:
    """How many processes render the parts of a long list at once: one per core unless set."""
    return int(getattr(settings, "REPORTS_PDF_WORKERS", 0) or os.cpu_count() or 1)


def _html_to_pdf(html: str) -> tuple[bytes, int]:
    """One part: its PDF bytes and its page count."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=BASE_URL, url_fetcher=local_only_fetcher()).render()
    return document.write_pdf(), len(document.pages)


def _stamp_part(data: bytes, first_page: int, total_pages: int, orientation: str) -> bytes:
    """Put "第 n 页 共 N 页" on one part's pages, numbered from `first_page`, drawn by WeasyPrint in
    the forms' own footer style (blank pages carrying only the number, merged onto the part's)."""
    from pypdf import PdfReader, PdfWriter
    from weasyprint import HTML

    writer = PdfWriter(clone_from=PdfReader(BytesIO(data)))
    numbers = range(first_page, first_page + len(writer.pages))
    html = render_to_string("reports/pdf/page_numbers.html",
                            {"numbers": numbers, "total": total_pages, "orientation": orientation})
    stamps = PdfReader(BytesIO(HTML(string=html, base_url=BASE_URL, url_fetcher=local_only_fetcher()).write_pdf()))
    for page, stamp in zip(writer.pages, stamps.pages, strict=True):
        page.merge_page(stamp)
        page.compress_content_streams()  # merging leaves the page's drawing uncompressed
    stream = BytesIO()
    writer.write(stream)
    return stream.getvalue()


def _part_process_start() -> None:
    # A Celery worker's signal handlers are inherited by the fork: a part process ends plainly.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _call(job):
    function, arguments = job
    return function(*arguments)


@contextlib.contextmanager
def _part_pool(workers: int):
    """`run(function, [arguments, …])`: the results in order, as they come, computed in this
    process or in `workers` forked processes at once.

    Forked, so that a part needs no start-up (Django and WeasyPrint are loaded); a part touches
    no database connection. A process renders its parts one after another and its memory is
    reused from one to the next: one part's per process whatever the list's length (5,000 rows:
    ~330 MB the largest process, ~500 MB all of them together, PSS).
    """
    if workers <= 1:
        yield lambda function, jobs: (function(*arguments) for arguments in jobs)
        return
    import multiprocessing

    gc.freeze()  # the parent's objects stay untouched by the children's collector: fewer copied pages
    pool = multiprocessing.get_context("fork").Pool(workers, initializer=_part_process_start)
    try:
        yield lambda function, jobs: pool.imap(_call, [(function, arguments) for arguments in jobs], chunksize=1)
    except BaseException:
        pool.terminate()
        raise
    else:
        pool.close()
    finally:
        pool.join()
        gc.unfreeze()


def render_pdf_in_chunks(template_name: str, context: dict, *, rows: list, orientation: str = "portrait",
                         size: int | None = None, workers: int | None = None, progress=None) -> bytes:
    """A long list rendered in parts, on every core at once, and joined into one PDF.

    WeasyPrint holds a whole document's boxes until it writes it, so a 5,000-row
    list would take a gigabyte; rendered in parts of at most `size` rows, memory
    is bounded by a part per process. With `workers` processes (default: one per
    core) a list is cut into at least that many parts, so that a 1,000-row list
    takes both cores. The template gets `in_chunks`, `chunk` (this part's rows),
    `first_part` and `last_part`: the title goes with the first part, the signature
    with the last, every page keeps its running header and table header. Page
    numbers ("第 3 页 共 41 页") are stamped on each part once every part's page
    count is known, and the parts are joined by pypdf.
    `progress(done, total)` is called as parts are done.
    """
    from pypdf import PdfReader, PdfWriter

    workers = workers or pdf_workers()
    size = size or chunk_rows()
    if workers > 1 and rows:
        size = min(size, -(-len(rows) // workers))
    parts = [rows[start:start + size] for start in range(0, len(rows), size)] or [[]]
    base = {"district_name": settings.LIAISON["DISTRICT_NAME"], **context}
    if len(parts) == 1:  # one part: an ordinary document, numbered by WeasyPrint itself
        data, _ = _html_to_pdf(render_to_string(template_name, {**base, "chunk": parts[0]}))
        if progress is not None:
            progress(1, 1)
        return data
    part_html = [
        render_to_string(template_name, {**base, "in_chunks": True, "chunk": part, "first_part": index == 0,
                                         "last_part": index == len(parts) - 1})
        for index, part in enumerate(parts)
    ]
    with _part_pool(min(workers, len(parts))) as run:
        rendered = []
        for data, count in run(_html_to_pdf, [(html,) for html in part_html]):
            rendered.append((data, count))
            if progress is not None:
                progress(len(rendered), len(parts))
        total, first = sum(count for _, count in rendered), 1
        jobs = []
        for data, count in rendered:
            jobs.append((data, first, total, orientation))
            first += count
        stamped = list(run(_stamp_part, jobs))
    writer = PdfWriter()
    for index, data in enumerate(stamped):
        reader = PdfReader(BytesIO(data))
        if index == 0 and reader.metadata:
            writer.add_metadata({key: value for key, value in reader.metadata.items() if isinstance(value, str)})
        writer.append(reader)
    stream = BytesIO()
    writer.write(stream)
    return stream.getvalue()
