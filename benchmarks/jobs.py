"""The jobs `make bench` times, one per process so that peak memory is the job's own.

    python -m benchmarks.jobs pdf_summary 1000 | pdf_bare 1000 | weekly_alert | daily_reminder
                              | roster_import 10000 | concurrent_reminders

Each prints one line: `t=<seconds of the work itself>` and what it did. Whatever a job
writes is rolled back, so the benchmark databases stay as generated.
"""

from __future__ import annotations

import os
import sys
import threading
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402


class Rollback(Exception):
    pass


def rolled_back(work):
    result = {}
    try:
        with transaction.atomic():
            result.update(work())
            raise Rollback
    except Rollback:
        pass
    return result


def _staff():
    from liaison.models import User

    return User.objects.get(username="staff")


def _quarter_with_rows(rows: int):
    """The demo group's last quarter holding `rows` problems (made inside the rolled-back transaction)."""
    from deputies.models import DeputyGroup
    from mailbox.models import QuarterlySummary
    from mailbox.weeks import Quarter

    quarter = Quarter.of(None).previous()
    group = DeputyGroup.objects.filter(liaisons__username="liaison").first()
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO constituents_problem (source, state, text, category, is_livelihood, group_id, deputy_id,
                   constituency_id, community_id, raised_on, round, state_since, outcome, result_summary,
                   unsolvable_reason, feedback_method, reopen_reason, result_source, result_proxy_contact,
                   created_at, updated_at)
               SELECT 'visit', 'handling', '小区门口道路破损，雨天积水严重，希望尽快修复（第' || n || '件）。',
                      'urban_construction', false, d.group_id, d.id, d.constituency_id, NULL,
                      %s::date + (n %% 80), 1, %s::date + (n %% 80), '', '', '', '', '', '', '', now(), now()
               FROM generate_series(1, %s) n
               CROSS JOIN (SELECT * FROM deputies_deputy WHERE group_id = %s ORDER BY id LIMIT 1) d""",
            [quarter.first_day, quarter.first_day, rows, group.pk])
        cursor.execute("DELETE FROM constituents_problem WHERE group_id = %s AND raised_on BETWEEN %s AND %s "
                       "AND text NOT LIKE '%%件）。'", [group.pk, quarter.first_day, quarter.last_day])
        # Nor any earlier problem the list would carry as 补报 (registered after the previous list was
        # submitted): the list has exactly `rows` rows, like the bare table it is compared with.
        cursor.execute("DELETE FROM constituents_problem WHERE group_id = %s AND raised_on < %s",
                       [group.pk, quarter.first_day])
    summary, _ = QuarterlySummary.objects.update_or_create(
        group=group, year=quarter.year, quarter=quarter.number,
        defaults={"status": QuarterlySummary.Status.DRAFT, "submitted_at": None, "snapshot": {}},
    )
    return summary


class TreeMemory:
    """Peak proportional memory (PSS) of this process and its children together, sampled while
    running: the parts of a long PDF render in child processes, whose pages shared with this one
    (copy-on-write after the fork) count once, unlike a sum of their peak RSS."""

    def __init__(self):
        self.peak_mb, self._done = 0.0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._done.set()
        self._thread.join()

    @staticmethod
    def _pss_kb(pid: int) -> int:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as rollup:
                return next((int(line.split()[1]) for line in rollup if line.startswith("Pss:")), 0)
        except OSError:
            return 0

    def _sample(self):
        me = os.getpid()
        while not self._done.wait(0.1):
            pids = [me]
            for task in os.listdir(f"/proc/{me}/task"):  # a pool forks from its own threads too
                try:
                    with open(f"/proc/{me}/task/{task}/children") as children:
                        pids += map(int, children.read().split())
                except OSError:
                    pass
            self.peak_mb = max(self.peak_mb, sum(map(self._pss_kb, pids)) / 1024)


def pdf_summary(rows: str) -> str:
    """The group's quarterly list as the office prints it, end to end: the request, and for a long
    list (over REPORTS_PDF_INLINE_MAX_ROWS) what follows it: the task rendering it (run here, in this
    process, so that its memory is measured), the progress page and the download of the stored file."""
    from django.test import Client

    from reports.models import RenderedPdf
    from reports.rendering import render_stored

    def work():
        summary = _quarter_with_rows(int(rows))
        client = Client()
        client.force_login(_staff())
        started = time.perf_counter()
        response = client.get(f"/reports/pdf/summaries/{summary.pk}/", HTTP_HOST="127.0.0.1")
        path, request_took = "inline", time.perf_counter() - started
        if response.status_code == 302:
            path = "task"
            rendered = RenderedPdf.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))
            render_stored(rendered.pk)  # the Celery task's body
            client.get(response.url, HTTP_HOST="127.0.0.1")
            response = client.get(f"{response.url}file/", HTTP_HOST="127.0.0.1")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if os.environ.get("BENCH_SAVE_PDF"):  # to look at: pdftoppm -png -r 60 -f 1 -l 2 <file> page
            with open(os.environ["BENCH_SAVE_PDF"], "wb") as saved:
                saved.write(body)
        if path == "task":
            RenderedPdf.objects.get(pk=rendered.pk).file.delete(save=False)  # the rollback keeps no row for it
        return {"t": time.perf_counter() - started, "status": response.status_code, "bytes": len(body),
                "path": path, "request": request_took}

    with TreeMemory() as memory:
        result = rolled_back(work)
    return (f"t={result['t']:.2f} rows={rows} status={result['status']} bytes={result['bytes']} "
            f"path={result['path']} request={result['request']:.2f} pss_total_mb={memory.peak_mb:.0f}")


def pdf_bare(rows: str) -> str:
    """A plain table of the same text in the same font, straight through WeasyPrint: the floor."""
    from weasyprint import HTML

    cells = "".join(
        f"<tr><td>{n}</td><td>2026年{1 + n % 3}月{1 + n % 28}日</td><td>走访收集</td><td>城市建设</td>"
        f"<td>小区门口道路破损，雨天积水严重，希望尽快修复（第{n}件）。</td><td>测试代表</td><td>办理中</td></tr>"
        for n in range(1, int(rows) + 1)
    )
    html = ("<html><head><style>@page{size:A4 landscape;margin:12mm} body{font-family:'Noto Sans CJK SC';"
            "font-size:9pt} table{border-collapse:collapse;width:100%} td{border:1px solid #999;padding:2px}"
            f"</style></head><body><table>{cells}</table></body></html>")
    started = time.perf_counter()
    body = HTML(string=html).write_pdf()
    return f"t={time.perf_counter() - started:.2f} rows={rows} bytes={len(body)}"


def weekly_alert() -> str:
    from mailbox.services import unopened_mailboxes_alert
    from mailbox.weeks import Week

    def work():
        week = Week.current().previous()
        started = time.perf_counter()
        first = unopened_mailboxes_alert(week=week)
        took = time.perf_counter() - started
        second = unopened_mailboxes_alert(week=week)
        return {"t": took, "first": first, "second": second}

    r = rolled_back(work)
    return f"t={r['t']:.2f} notices={r['first']} second_run={r['second']}"


def daily_reminder() -> str:
    from constituents.services import casework_send_reminders

    def work():
        today = timezone.localdate()
        started = time.perf_counter()
        first = casework_send_reminders(on=today)
        took = time.perf_counter() - started
        second = casework_send_reminders(on=today)
        return {"t": took, "first": first, "second": second}

    r = rolled_back(work)
    return f"t={r['t']:.2f} notices={r['first']} second_run={r['second']}"


def concurrent_reminders() -> str:
    """Two workers run the daily reminder at once (two connections): nobody gets a notice twice."""
    from django.db import connections

    from constituents.services import casework_send_reminders
    from liaison.models import Notification

    today = timezone.localdate()
    prefix = "casework.digest:"
    Notification.objects.filter(dedupe_key__startswith=prefix, dedupe_key__endswith=today.isoformat()).delete()
    counts = []

    def worker():
        try:
            counts.append(casework_send_reminders(on=today))
        finally:
            connections.close_all()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM (SELECT recipient_id, dedupe_key FROM liaison_notification "
                       "WHERE dedupe_key LIKE %s GROUP BY 1, 2 HAVING count(*) > 1) d", [prefix + "%"])
        duplicates = cursor.fetchone()[0]
    Notification.objects.filter(dedupe_key__startswith=prefix, dedupe_key__endswith=today.isoformat()).delete()
    return f"t={took:.2f} new={'+'.join(map(str, counts))} duplicates={duplicates}"


def celery_reminders() -> str:
    """Queue the daily digest twice to the running Celery workers (two processes) and count duplicates."""
    from constituents.tasks import remind_casework_next_steps
    from liaison.models import Notification

    day = timezone.localdate().isoformat()
    key = f"casework.digest:{day}"
    Notification.objects.filter(dedupe_key=key).delete()
    started = time.perf_counter()
    for _ in range(2):
        remind_casework_next_steps.delay(on=day)
    last, stable = -1, 0
    while stable < 3 and time.perf_counter() - started < 120:
        time.sleep(1)
        now = Notification.objects.filter(dedupe_key=key).count()
        stable = stable + 1 if now == last and now > 0 else 0
        last = now
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM (SELECT recipient_id FROM liaison_notification WHERE dedupe_key = %s "
                       "GROUP BY recipient_id HAVING count(*) > 1) d", [key])
        duplicates = cursor.fetchone()[0]
    Notification.objects.filter(dedupe_key=key).delete()
    return f"t={time.perf_counter() - started:.2f} digests={last} duplicates={duplicates}"


def roster_import(rows: str) -> str:
    """10,000 constituents from one .xlsx through the admin's resource: dry run, then the import."""
    from io import BytesIO

    import openpyxl
    from django.db.models import Count

    from constituents.resources import ConstituentResource
    from deputies.models import Community
    from liaison.importing import RosterXLSX

    # Names unique in the district, so that rows need no 选区 column.
    communities = list(Community.objects.filter(constituency__term__is_current=True).values("name")
                       .annotate(n=Count("pk")).filter(n=1).order_by("name").values_list("name", flat=True)[:50])
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["序号", "姓名", "联系电话", "社区", "类别"])
    for n in range(int(rows)):
        sheet.append([n + 1, f"导入选民{n}", f"137{n:08d}", communities[n % len(communities)], "一般选民"])
    stream = BytesIO()
    book.save(stream)
    content = stream.getvalue()
    staff = _staff()

    def work():
        started = time.perf_counter()
        dry = ConstituentResource(user=staff).import_data(RosterXLSX().create_dataset(content), dry_run=True)
        dry_took = time.perf_counter() - started
        started = time.perf_counter()
        real = ConstituentResource(user=staff).import_data(RosterXLSX().create_dataset(content))
        return {"dry": dry_took, "t": time.perf_counter() - started, "errors": len(dry.invalid_rows),
                "new": real.totals.get("new", 0)}

    r = rolled_back(work)
    return f"t={r['t']:.2f} dry_run={r['dry']:.2f} rows={rows} invalid={r['errors']} new={r['new']}"


if __name__ == "__main__":
    job, *args = sys.argv[1:]
    print(globals()[job](*args))
    sys.stdout.flush()

