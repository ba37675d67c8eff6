"""`make bench`: the app under gunicorn (production settings, PostgreSQL), measured from
loopback against a no-query floor page in the same process, interleaved and repeated.

    python -m benchmarks.bench [--scales district,province] [--seconds 2] [--rounds 2] [--skip-jobs]

For each scale (both by default) it makes (once) and reuses the database liaison_bench_<scale>
(BENCH_DB_SUFFIX=_x: liaison_bench_<scale>_x), the province from a copy of the district's migrated
and seeded demo, prints how long each took, starts gunicorn on it, logs the demo accounts in and measures every page in alternation with
the floor: throughput (requests/s with a fixed number of client threads), the page's
throughput as a share of the floor's, p50 and p95 latency, and the SQL statements the
page ran (the X-Queries header, on only in bench mode). Then the jobs: PDFs, sweeps,
the roster import, and the scale-out check. Everything is bounded in time and requests.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

import requests

from benchmarks.sweep import sweep
from benchmarks.sweep import table as sweep_table

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
PG = os.environ.get("BENCH_PG", "postgres://liaison:liaison@127.0.0.1:5432")
PASSWORD = "Demo@2026"
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "4"))


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def database_name(scale: str) -> str:
    """liaison_bench_<scale><BENCH_DB_SUFFIX>, or BENCH_DATABASE (one copy of one scale's database), so that
    one engineer's runs leave the other's alone."""
    return os.environ.get("BENCH_DATABASE") or f"liaison_bench_{scale}{os.environ.get('BENCH_DB_SUFFIX', '')}"


# Redis as in production: the broker, and the cache that signed-in pages read their session, unread
# count and deputy panels from. Emptied whenever a server starts (the two scales share user ids).
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")


def flush_redis() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=2).flushdb()
    except redis.exceptions.RedisError as error:
        log(f"Redis ({REDIS}) is not answering ({error}): pages run on each process's local cache")


def bench_env(scale: str, **extra: str) -> dict:
    env = dict(os.environ)
    env.update({
        "REDIS_URL": REDIS,
        "DATABASE_URL": f"{PG}/{database_name(scale)}", "DEBUG": "false", "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
        "LIAISON_HTTPS": "false", "LIAISON_REQUIRE_2FA": "false", "LIAISON_BENCH": "true",
        # LIAISON_HTTPS=false does this once prod-mode lands; until then say it directly.
        "SESSION_COOKIE_SECURE": "false", "CSRF_COOKIE_SECURE": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost", "AXES_ENABLED": "false", "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "liaison.settings",
    })
    env.update(extra)
    return env


def manage(scale: str, *args: str, debug: bool = False, check: bool = True) -> subprocess.CompletedProcess:
    env = bench_env(scale)
    if debug:  # seed_demo (run by generate_scale on an empty database) refuses to run with DEBUG off
        env["DEBUG"] = "true"  # and LIAISON_ALLOW_DEMO: the bench databases are the demo district grown
        env["LIAISON_ALLOW_DEMO"] = "true"
    result = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, text=True, capture_output=True)
    if check and result.returncode:
        log(result.stdout[-2000:] + result.stderr[-3000:])
        result.check_returncode()
    return result


def create_database(name: str, template: str | None = None) -> bool:
    """Create the PostgreSQL database `name` (a copy of `template`) unless it exists; whether it was created."""
    import psycopg2

    admin = psycopg2.connect(f"{PG}/postgres")
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is not None:
                return False
            for attempt in range(10):
                try:
                    cursor.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
                    return True
                except psycopg2.errors.ObjectInUse:  # a template must have no session (autovacuum): retry
                    if attempt == 9:
                        raise
                    time.sleep(1)
    finally:
        admin.close()


def timed(label: str, timings: list[str], scale: str, *args: str, **kwargs) -> subprocess.CompletedProcess:
    started = time.monotonic()
    result = manage(scale, *args, **kwargs)
    timings.append(f"{label} {time.monotonic() - started:.0f} s")
    return result


def ensure_databases(scales: list[str]) -> list[str]:
    """Make each scale's database unless it is there (then only migrate it and let generate_scale top it
    up, which adds nothing to a complete one). A database made now is migrated and seeded once; every
    later scale's missing database starts as a copy of that seeded demo (CREATE DATABASE … TEMPLATE takes
    seconds; migrate and seed_demo take minutes). Returns one line per scale with each part's time."""
    lines, copied = [], {}
    for i, scale in enumerate(scales):
        name, timings, started = database_name(scale), [], time.monotonic()
        if scale in copied:
            how = f"created as a copy of {copied[scale]}'s seeded demo"
        elif create_database(name):
            how = "created"
            timings.append(f"create {time.monotonic() - started:.0f} s")
            timed("migrate", timings, scale, "migrate", "--noinput", "-v0")
            timed("seed_demo", timings, scale, "seed_demo", debug=True)
            for later in scales[i + 1:]:
                t0 = time.monotonic()
                if later not in copied and database_name(later) != name and create_database(database_name(later),
                                                                                           template=name):
                    copied[later] = name
                    timings.append(f"copy to {database_name(later)} {time.monotonic() - t0:.0f} s")
        else:
            how = "kept"
            timed("migrate", timings, scale, "migrate", "--noinput", "-v0")
        result = timed("generate_scale", timings, scale, "generate_scale", "--scale", scale, debug=True)
        # What the beat job (refresh_district_figures, every 5 minutes) keeps current in production: the
        # district figures and charts, drawn by this checkout's code rather than whichever drew them last.
        timed("figures", timings, scale, "shell", "-c", "from liaison.figures import refresh_all; refresh_all()")
        steps = re.findall(r"^\s+(\w+): (.+?)（([0-9.]+) 秒）", result.stdout, re.M)
        line = (f"{name}: {how}, {time.monotonic() - started:.0f} s in all ({', '.join(timings)}); "
                f"generate_scale steps: " + ", ".join(f"{step} {added} {secs} s" for step, added, secs in steps))
        log(f"[{scale}] {line}")
        lines.append(line)
    return lines


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn with production settings; `processes` separate gunicorn masters for the scale-out run."""

    def __init__(self, scale: str, *, workers: int = 2, processes: int = 1):
        self.scale, self.workers = scale, workers
        self.ports = [free_port() for _ in range(processes)]
        self.procs: list[subprocess.Popen] = []

    def __enter__(self) -> Server:
        flush_redis()
        for port in self.ports:
            self.procs.append(subprocess.Popen(
                [str(ROOT / ".venv" / "bin" / "gunicorn"), "liaison.wsgi", "-b", f"127.0.0.1:{port}",
                 "-w", str(self.workers), "--timeout", "120", "--log-level", "warning"],
                cwd=ROOT, env=bench_env(self.scale), start_new_session=True,
            ))
        deadline = time.monotonic() + 60
        for port in self.ports:
            while True:
                try:
                    if requests.get(f"http://127.0.0.1:{port}/bench/floor/", timeout=5).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                if time.monotonic() > deadline:
                    self.__exit__()
                    raise RuntimeError("gunicorn did not start")
                time.sleep(0.3)
        return self

    def __exit__(self, *exc) -> None:
        for proc in self.procs:
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            proc.wait(timeout=30)

    @property
    def bases(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.ports]


def login(base: str, username: str | None) -> requests.Session:
    session = requests.Session()
    if username is None:
        return session
    page = session.get(f"{base}/accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = session.post(f"{base}/accounts/login/", data={
        "username": username, "password": PASSWORD, "csrfmiddlewaretoken": token,
    }, headers={"Referer": f"{base}/accounts/login/"}, timeout=30, allow_redirects=False)
    if response.status_code != 302:
        raise RuntimeError(f"login as {username} failed ({response.status_code})")
    return session


@dataclass
class Sample:
    latencies: list[float] = field(default_factory=list)
    elapsed: float = 0.0
    queries: set[int] = field(default_factory=set)
    errors: int = 0

    def add(self, other: Sample) -> None:
        self.latencies += other.latencies
        self.elapsed += other.elapsed
        self.queries |= other.queries
        self.errors += other.errors

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def pct(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))] * 1000


def hammer(sessions: list[tuple[requests.Session, str]], path: str, seconds: float,
           max_requests: int = 2000) -> Sample:
    """CLIENTS threads, each with its own keep-alive session, for `seconds` (every thread sends at least one)."""
    sample = Sample()
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    sent = [0]

    def run(session: requests.Session, base: str) -> None:
        while True:
            with lock:
                if sent[0] >= max_requests or (sent[0] >= len(sessions) and time.monotonic() >= stop_at):
                    return
                sent[0] += 1
            t0 = time.perf_counter()
            response = session.get(base + path, timeout=300, allow_redirects=False)
            took = time.perf_counter() - t0
            with lock:
                if response.status_code != 200:
                    sample.errors += 1
                sample.latencies.append(took)
                if "X-Queries" in response.headers:
                    sample.queries.add(int(response.headers["X-Queries"]))

    started = time.monotonic()
    threads = [threading.Thread(target=run, args=pair) for pair in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sample.elapsed = time.monotonic() - started
    return sample


def followed(session: requests.Session, base: str, path: str, link: str) -> str:
    """The address of the link labelled `link` on the page at `path`."""
    html = session.get(base + path, timeout=300).text
    found = re.search(r'href="(\?[^"]*)">' + re.escape(link) + "</a>", html)
    if not found:
        raise SystemExit(f"no {link} link on {path}")
    return path.split("?")[0] + unescape(found.group(1))


def pages(scale: str) -> list[tuple[str, str | None, str | tuple[str, str]]]:
    """(label, account, path) — ids are looked up in the scale's database; a path (page, link) is
    the address of that link on that page."""
    import psycopg2

    conn = psycopg2.connect(f"{PG}/{database_name(scale)}")
    with conn.cursor() as cursor:
        cursor.execute("""SELECT p.id FROM constituents_problem p JOIN deputies_deputy d ON d.id = p.deputy_id
                          JOIN liaison_user u ON u.id = d.user_id WHERE u.username = 'deputy'
                          ORDER BY p.id DESC LIMIT 1""")
        problem_id = cursor.fetchone()[0]
        cursor.execute("""SELECT g.id FROM deputies_deputygroup g JOIN deputies_deputygroup_liaisons l
                          ON l.deputygroup_id = g.id JOIN liaison_user u ON u.id = l.user_id
                          WHERE u.username = 'liaison' LIMIT 1""")
        group_id = cursor.fetchone()[0]
    conn.close()
    return [
        ("deputy home", "deputy", "/"),
        ("liaison letter list p1", "liaison", "/mailbox/letters/"),
        ("liaison letter list filtered", "liaison", f"/mailbox/letters/?stage=in_pipeline&channel=paper&group={group_id}"),
        ("problem detail", "deputy", f"/constituents/problems/{problem_id}/"),
        ("staff home", "staff", "/"),
        ("staff case list p1", "staff", "/constituents/problems/"),
        ("staff case list filtered", "staff", "/constituents/problems/?state=handling&category=transport"),
        # Page 600, as a clerk reaches it by "下一页" from page 599 (the link seeks from the sort key of
        # page 599's last row), and as a typed or bookmarked ?page=600 (OFFSET over the ids).
        ("staff case list deep, by link", "staff", ("/constituents/problems/?page=599", "下一页")),
        ("staff case list deep, typed", "staff", "/constituents/problems/?page=600"),
        ("overdue list", "staff", "/constituents/problems/?view=overdue"),
        ("quarterly roll-up", "staff", "/mailbox/summaries/"),
        ("committee board", "committee", "/mailbox/issues/"),
        ("department figures", "staff", "/constituents/departments/"),
        ("public report list", None, "/reports/public/"),
    ]


def measure_pages(scale: str, seconds: float, rounds: int) -> list[dict]:
    rows = []
    with Server(scale) as server:
        base = server.bases[0]
        accounts = {name: [login(base, name) for _ in range(CLIENTS)]
                    for name in ("deputy", "liaison", "staff", "committee")}
        accounts[None] = [requests.Session() for _ in range(CLIENTS)]
        anonymous = [(requests.Session(), base) for _ in range(CLIENTS)]
        # The floor view again, signed in: what the session, the user, the navigation and the
        # middleware cost before a page does anything of its own (the floor itself is anonymous).
        for label, account, path in [("floor, signed in (staff)", "staff", "/bench/floor/"), *pages(scale)]:
            sessions = [(s, base) for s in accounts[account]]
            if isinstance(path, tuple):
                path = followed(sessions[0][0], base, *path)
            hammer(sessions[:1], path, 0)  # warm the worker's caches once
            floor, page = Sample(), Sample()
            for _ in range(rounds):
                floor.add(hammer(anonymous, "/bench/floor/", seconds))
                page.add(hammer(sessions, path, seconds))
            row = {
                "scale": scale, "page": label, "rps": page.throughput, "floor_rps": floor.throughput,
                "ratio": page.throughput / floor.throughput if floor.throughput else 0.0,
                "p50": page.pct(0.5), "p95": page.pct(0.95), "n": len(page.latencies),
                "queries": "/".join(str(q) for q in sorted(page.queries)) or "?", "errors": page.errors,
            }
            rows.append(row)
            log(f"[{scale}] {label:<30} {row['rps']:7.1f}/s  ×{row['ratio']:.2f}  p95 {row['p95']:.0f} ms")
    return rows


def run_job(scale: str, job: str, *args: str) -> dict:
    """One job in its own process: wall time and the child's peak memory (ru_maxrss)."""
    started = time.monotonic()
    proc = subprocess.Popen([PY, "-m", "benchmarks.jobs", job, *args], cwd=ROOT, env=bench_env(scale),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - started
    out, err = proc.stdout.read(), proc.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        log(err[-2000:])
    inner = re.search(r"t=([0-9.]+)", out)
    result = {"job": job, "scale": scale, "seconds": float(inner.group(1)) if inner else wall, "peak_mb": usage.ru_maxrss / 1024, "out": out.strip()}
    log(f"[{scale}] {job}: {wall:.1f} s, {result['peak_mb']:.0f} MB  {result['out']}")
    return result


def scale_out(scale: str, seconds: float) -> dict:
    """One web process against two on the same page, and two Celery workers racing the same daily
    reminder: throughput and duplicates. Two gunicorns of one worker each run side by side; the same
    client threads go all to the first (one process) or half to each (two), alternated. One worker per
    process, so that on 2 cores the second has a core to grow into (two gunicorns of 2 workers each are
    4 workers on 2 cores with PostgreSQL and the client: oversubscribed, and slower than one)."""
    path = "/constituents/problems/?state=handling&category=transport"
    results = {1: Sample(), 2: Sample()}
    with Server(scale, workers=1, processes=2) as server:
        spread = {n: [(login(server.bases[i % n], "staff"), server.bases[i % n]) for i in range(CLIENTS)]
                  for n in (1, 2)}  # the same client threads: all on the first process, or half on each
        for pair in spread[2][:2]:
            hammer([pair], path, 0)  # warm each process once
        for _ in range(2):  # alternated, so both set-ups see the same load around them
            for n in (1, 2):
                results[n].add(hammer(spread[n], path, seconds * 2))
    job = run_job(scale, "concurrent_reminders")
    # Two real Celery worker processes on one Redis: the digest queued twice is sent once per person.
    workers = [subprocess.Popen(
        [PY, "-m", "celery", "-A", "liaison", "worker", "-c", "1", "-n", f"bench{n}@%h", "--without-gossip",
         "--without-mingle", "--loglevel=WARNING"],
        cwd=ROOT, env=bench_env(scale), start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    ) for n in (1, 2)]
    try:
        time.sleep(5)
        proc = subprocess.run([PY, "-m", "benchmarks.jobs", "celery_reminders"], cwd=ROOT, capture_output=True,
                              text=True, env=bench_env(scale))
        celery = proc.stdout.strip() or proc.stderr.strip()[-300:]
    finally:
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=60)
    log(f"[{scale}] two celery workers: {celery}")
    log(f"[{scale}] scale-out: one web process {results[1].throughput:.1f} req/s, two {results[2].throughput:.1f} req/s")
    return {"one": results[1].throughput, "two": results[2].throughput, "reminders": job["out"], "celery": celery}


def table(rows: list[dict]) -> str:
    lines = ["| scale | page | req/s | floor req/s | ratio | p50 ms | p95 ms | queries | n |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['scale']} | {r['page']} | {r['rps']:.1f} | {r['floor_rps']:.1f} | {r['ratio']:.2f} "
                     f"| {r['p50']:.0f} | {r['p95']:.0f} | {r['queries']} | {r['n']}{' ERR' if r['errors'] else ''} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", default=os.environ.get("BENCH_SCALES") or "district,province")
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_SECONDS", "2")))
    # 2 rounds × 2 s: 14 rows × 8 s ≈ 2 min of pages per scale, ~6.5 min measured in all, so that a fresh
    # checkout's whole run, generating both databases included, fits in 25 minutes on 2 cores (BENCHMARKS.md).
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", "2")))
    parser.add_argument("--skip-jobs", action="store_true")
    options = parser.parse_args()
    scales = [s for s in options.scales.split(",") if s]
    started = time.monotonic()
    load_at_start = os.getloadavg()
    subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=bench_env(scales[0]),
                   check=True)
    if os.environ.get("BENCH_DATABASE") and len(scales) > 1:
        parser.error("BENCH_DATABASE names one database: give one scale (--scales), or use BENCH_DB_SUFFIX")
    rows, jobs = [], []
    data_started = time.monotonic()
    data_lines = ensure_databases(scales)
    data_seconds = time.monotonic() - data_started
    every: list[dict] = []
    for scale in scales:
        rows += measure_pages(scale, options.seconds, options.rounds)
        with Server(scale) as server:  # every page once, not only the busiest (benchmarks/sweep.py)
            every += sweep(scale, server.bases[0], login)
    if not options.skip_jobs:
        big = "province" if "province" in scales else scales[0]
        jobs.append(run_job(scales[0], "pdf_summary", "1000"))
        jobs.append(run_job(scales[0], "pdf_bare", "1000"))
        jobs.append(run_job(scales[0], "pdf_summary", "5000"))
        jobs.append(run_job(big, "weekly_alert"))
        jobs.append(run_job(big, "daily_reminder"))
        jobs.append(run_job(scales[0], "roster_import", os.environ.get("BENCH_IMPORT_ROWS", "10000")))
        out = scale_out(scales[0], options.seconds)
    print()
    print(f"## make bench — {time.strftime('%Y-%m-%d %H:%M')} — {os.cpu_count()} cores, {CLIENTS} client threads, "
          f"{options.rounds}×{options.seconds:g} s per page and per floor, interleaved")
    print()
    print("Load average (1/5/15 min) at the start {:.2f}/{:.2f}/{:.2f}, at the end {:.2f}/{:.2f}/{:.2f}; "
          "the machine may be shared, so compare ratios (measured in the same seconds), not milliseconds."
          .format(*load_at_start, *os.getloadavg()))
    for line in data_lines:
        print(f"Data: {line}")
    print()
    print(table(rows))
    by_page: dict[str, dict[str, dict]] = {}
    for r in rows:
        by_page.setdefault(r["page"], {})[r["scale"]] = r
    if len(scales) > 1:
        print()
        print("| growth: page | district p95 ms | province p95 ms | ratio |")
        print("|---|---|---|---|")
        for page, per in by_page.items():
            if "district" in per and "province" in per:
                d, p = per["district"]["p95"], per["province"]["p95"]
                print(f"| {page} | {d:.0f} | {p:.0f} | {p / d:.1f}× |")
    print()
    print(sweep_table(every))
    if jobs:
        print()
        print("| job | scale | seconds | peak MB | result |")
        print("|---|---|---|---|---|")
        for j in jobs:
            print(f"| {j['job']} | {j['scale']} | {j['seconds']:.1f} | {j['peak_mb']:.0f} | {j['out']} |")
        summary, bare = jobs[0], jobs[1]
        print()
        print(f"PDF 1,000 rows: summary {summary['seconds']:.1f} s vs bare WeasyPrint {bare['seconds']:.1f} s "
              f"→ ratio {summary['seconds'] / bare['seconds']:.2f} (goal ≤ 1.0); 5,000 rows peak "
              f"{jobs[2]['peak_mb']:.0f} MB (goal < 600 MB)")
        print(f"Scale-out: one web process (gunicorn, 1 worker) {out['one']:.1f} req/s, two (2 gunicorns, "
              f"1 worker each) {out['two']:.1f} req/s (×{out['two'] / out['one']:.2f}); two connections racing the daily reminder: {out['reminders']}; "
              f"two Celery worker processes given the digest twice: {out['celery']}")
    total = time.monotonic() - started
    print(f"\nTotal bench time {total:.0f} s = {total / 60:.1f} min (databases {data_seconds:.0f} s, "
          f"measuring {total - data_seconds:.0f} s)")


if __name__ == "__main__":
    main()
