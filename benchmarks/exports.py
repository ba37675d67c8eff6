"""Benchmark of a large Excel export through the task path (issue 12 §2).

    python -m benchmarks.exports [--problems 50000] [--filters state=fed_back]

Makes (once) and reuses the PostgreSQL database liaison_bench_exports: migrate, seed_demo and
`generate_scale --scale district` (20k problems with their forwardings and constituents), then
tops the problems up to `--problems` by copying existing ones with their forwardings and the
people who raised them (INSERT … SELECT, ids shifted). Then, in a process of its own, the
staff account's export of every problem is requested as an ExportJob and run by the task
function (liaison.services_exports.export_job_run, what the Celery worker runs). It prints
the rows written, the time and the peak resident memory of that process (ru_maxrss); the
goal is under 300 MB. What the job writes is rolled back (the job, the file, the logs), so the
database stays as generated.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

from benchmarks.bench import PG, PY, ROOT, bench_env, create_database, log

NAME = "exports"
DATABASE = f"liaison_bench_{NAME}"
GOAL_MB = 300


def _manage(*args: str) -> None:
    env = bench_env(NAME)
    env["DEBUG"] = "true"  # seed_demo refuses to run with DEBUG off
    env["LIAISON_ALLOW_DEMO"] = "true"
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True, text=True, capture_output=True)


def ensure_database(problems: int) -> None:
    """Create, migrate and fill the database unless it is already there; then top the problems up."""
    create_database(DATABASE)
    started = time.monotonic()
    _manage("migrate", "--noinput", "-v0")
    _manage("generate_scale", "--scale", "district")
    added = top_up(problems)
    log(f"[{NAME}] database ready in {time.monotonic() - started:.0f} s (+{added} copied problems)")


def _columns(cursor, table: str) -> list[str]:
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name <> 'id' "
        "ORDER BY ordinal_position", [table])
    return [row[0] for row in cursor.fetchall()]


def top_up(problems: int) -> int:
    """Copy problems (with forwardings and constituents) until there are `problems` of them."""
    import psycopg2

    connection = psycopg2.connect(f"{PG}/{DATABASE}")
    added = 0
    with connection, connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT count(*), max(id) FROM constituents_problem")
            count, shift = cursor.fetchone()
            missing = problems - count
            if missing <= 0:
                break
            cursor.execute("SELECT id FROM constituents_problem ORDER BY id LIMIT 1 OFFSET %s", [min(missing, count) - 1])
            last = cursor.fetchone()[0]
            cols = _columns(cursor, "constituents_problem")
            names = ", ".join(f'"{c}"' for c in cols)
            cursor.execute(f"INSERT INTO constituents_problem (id, {names}) SELECT id + %s, {names} "
                           f"FROM constituents_problem WHERE id <= %s", [shift, last])
            added += cursor.rowcount
            for table in ("constituents_forwarding", "constituents_problem_constituents"):
                cols = [c for c in _columns(cursor, table) if c != "problem_id"]
                names = ", ".join(f'"{c}"' for c in cols)
                cursor.execute(f"INSERT INTO {table} (problem_id, {names}) SELECT problem_id + %s, {names} "
                               f"FROM {table} WHERE problem_id <= %s", [shift, last])
        cursor.execute("SELECT setval(pg_get_serial_sequence('constituents_problem', 'id'), "
                       "(SELECT max(id) FROM constituents_problem))")
        cursor.execute("ANALYZE")
    connection.close()
    return added


def run_job(filters: str = "") -> dict:
    """In this process: request the staff export of the problems (all, or those the list's `filters`
    select) and run the task on it (rolled back)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
    django.setup()
    from django.db import transaction

    from liaison import exports
    from liaison.models import ExportJob, User
    from liaison.services_exports import export_job_request, export_job_run

    result: dict = {}

    class Rollback(Exception):
        pass

    staff = User.objects.get(username="staff")
    try:
        with transaction.atomic():
            sheet = exports.sheet_for("problems", exports.ListRequest(user=staff, GET=exports.QueryDict(filters)))
            total = sheet.total()
            job = export_job_request(kind="problems", title="群众诉求", params=filters, total_rows=total,
                                     acting_user=staff)
            started = time.monotonic()
            assert export_job_run(job.pk)
            elapsed = time.monotonic() - started
            job = ExportJob.objects.get(pk=job.pk)
            result.update(rows=job.written_rows, seconds=round(elapsed, 1), bytes=job.file.size,
                          state=job.state)
            job.file.delete(save=False)
            raise Rollback
    except Rollback:
        pass
    result["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=int, default=50_000, help="problems in the database (made once)")
    parser.add_argument("--filters", default="", help="the problem list's filters, e.g. state=fed_back")
    parser.add_argument("--job", action="store_true", help=argparse.SUPPRESS)  # the measured child process
    args = parser.parse_args()
    if args.job:
        print(json.dumps(run_job(args.filters)))
        return
    ensure_database(args.problems)
    env = bench_env(NAME)
    env["CELERY_TASK_ALWAYS_EAGER"] = "true"  # the notification's e-mail task runs here, not on a broker
    env["PRIVATE_MEDIA_ROOT"] = str(ROOT / "var" / "bench-private")
    child = subprocess.run([PY, "-m", "benchmarks.exports", "--job", "--filters", args.filters], cwd=ROOT, env=env, check=True, text=True,
                           capture_output=True)
    result = json.loads(child.stdout.strip().splitlines()[-1])
    verdict = "OK" if result["peak_mb"] < GOAL_MB else "OVER"
    print(f"export of {result['rows']} problems through the task path: t={result['seconds']}s "
          f"peak={result['peak_mb']} MB (goal < {GOAL_MB} MB: {verdict}), file {result['bytes'] // 1024} KB")
    sys.exit(0 if verdict == "OK" else 1)


if __name__ == "__main__":
    main()
