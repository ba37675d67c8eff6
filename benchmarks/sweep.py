"""Every page, one request at a time: the pages `make bench` measures under load are the busiest, but a
province is slow wherever one page reads every group, deputy or problem. Each page of the navigation,
its lists' filters and deep pages, the forms that choose among thousands, the department workspace and
the back office's largest lists, for the account that uses it: one warm-up, then the median of three
requests on the bench's gunicorn (wall ms, KB of HTML, SQL statements from X-Queries)."""

from __future__ import annotations

import statistics
import time

import requests

# (account, path): every GET page a person reaches from the navigation, as that person.
PAGES: list[tuple[str, str]] = [
    *[("staff", path) for path in (
        "/", "/deputies/", "/deputies/?page=50", "/deputies/groups/", "/constituents/", "/constituents/?page=50",
        "/constituents/activities/", "/constituents/activities/stats/", "/constituents/activities/new/",
        "/constituents/coverage/", "/constituents/departments/", "/constituents/problems/",
        "/constituents/problems/?view=due", "/constituents/problems/?view=open", "/constituents/problems/?q=路灯",
        "/constituents/problems/new/", "/constituents/problems/common/", "/constituents/suggestions/",
        "/constituents/suggestions/new/", "/mailbox/", "/mailbox/?page=50", "/mailbox/weeks/", "/mailbox/letters/",
        "/mailbox/summaries/", "/reports/plans/", "/reports/meetings/", "/reports/rectifications/",
        "/reports/written/", "/reports/written/missing/", "/reports/written/new/", "/reports/archive/",
        "/reports/evaluation/", "/reports/spot-checks/", "/reports/spot-checks/new/", "/notifications/",
        "/search/?q=道路", "/admin/", "/admin/constituents/problem/", "/admin/constituents/constituent/",
        "/admin/deputies/deputy/", "/admin/mailbox/letter/", "/admin/mailbox/opening/",
    )],
    *[("committee", path) for path in ("/", "/mailbox/issues/", "/constituents/problems/common/")],
    *[("liaison", path) for path in ("/", "/mailbox/", "/mailbox/weeks/", "/constituents/activities/new/",
                                     "/reports/written/missing/")],
    *[("deputy", path) for path in ("/", "/constituents/problems/", "/constituents/activities/new/",
                                    "/constituents/suggestions/new/")],
    ("dept", "/constituents/workspace/"),
    ("dept", "/constituents/workspace/?section=answered"),
    (None, "/reports/public/"),
]
SLOW_MS = 150  # the province p95 goal, here for one request alone
TIMEOUT = 120


def sweep(scale: str, base: str, login) -> list[dict]:
    sessions: dict[str | None, requests.Session] = {}
    rows = []
    for account, path in PAGES:
        if account not in sessions:
            sessions[account] = login(base, account)
        session = sessions[account]
        times, response, error = [], None, ""
        try:
            session.get(base + path, timeout=TIMEOUT, allow_redirects=False)  # warm-up
            for _ in range(3):
                started = time.perf_counter()
                response = session.get(base + path, timeout=TIMEOUT, allow_redirects=False)
                times.append((time.perf_counter() - started) * 1000)
        except requests.RequestException as exc:
            error = type(exc).__name__
        rows.append({
            "scale": scale, "account": account or "（未登录）", "path": path,
            "ms": statistics.median(times) if times else float("nan"),
            "kb": len(response.content) / 1024 if response is not None else 0,
            "queries": response.headers.get("X-Queries", "?") if response is not None else "?",
            "status": error or (response.status_code if response is not None else "?"),
        })
    return rows


def table(rows: list[dict]) -> str:
    lines = ["| scale | account | page | ms | KB | queries | status |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        flag = " **slow**" if not r["ms"] <= SLOW_MS else ""
        lines.append(f"| {r['scale']} | {r['account']} | `{r['path']}` | {r['ms']:.0f}{flag} | {r['kb']:.0f} "
                     f"| {r['queries']} | {r['status']} |")
    slow = [r for r in rows if not r["ms"] <= SLOW_MS or r["status"] != 200]
    lines.append("")
    lines.append(f"Every page, one request at a time: {len(rows)} pages, {len(slow)} over {SLOW_MS} ms or not 200"
                 + ("" if not slow else ": " + ", ".join(f"{r['scale']} {r['path']}" for r in slow)))
    return "\n".join(lines)
