"""EXPLAIN (ANALYZE, BUFFERS) of the slowest queries of the district-wide pages, for BENCHMARKS.md.

    DATABASE_URL=postgres://…/liaison_bench_province python -m benchmarks.explain [keyset] [casework] [overdue] [filtered] [board] [departments]

Each query is built by the same code the page runs (the SQL Django sends), so the plans
shown are the plans served. Writes (the digest's INSERT) run inside a rolled-back transaction.
"""

from __future__ import annotations

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Exists, OuterRef  # noqa: E402
from django.utils import timezone  # noqa: E402


def explain(title: str, sql: str, params) -> None:
    print(f"\n### {title}\n\n```")
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        for (line,) in cursor.fetchall():
            print(line)
    print("```")


def main() -> None:
    from constituents.models import Forwarding, Problem

    today = timezone.localdate()
    from constituents.filters import ProblemFilter

    overdue = Forwarding.objects.overdue(today).filter(problem_id=OuterRef("pk"))
    before = Problem.objects.select_related("group", "deputy", "constituency").annotate(is_overdue=Exists(overdue))
    base = Problem.objects.select_related("group", "deputy", "constituency")  # overdue flag from the prefetch
    explain("Case list, page 1 — before (EXISTS joined back to the problem)", *before[:30].query.sql_with_params())

    explain("Case list, page 1 — after (ORDER BY raised_on DESC, id DESC LIMIT 30)", *base[:30].query.sql_with_params())
    explain("Case list, filtered (state=handling, category=transport), page 1",
            *base.filter(state="handling", category="transport")[:30].query.sql_with_params())
    explain("Case list, deep page (OFFSET 17970) — before", *before[17970:18000].query.sql_with_params())
    explain("Case list, deep page (OFFSET 17970) — after", *base[17970:18000].query.sql_with_params())
    explain("Case list: full COUNT(*) (Django's Paginator, before)", "SELECT count(*) FROM constituents_problem", [])
    explain("Case list: capped count (CappedPaginator, after)",
            "SELECT count(*) FROM (SELECT 1 FROM constituents_problem LIMIT 10001) capped", [])
    explain("Overdue list, page 1 — before", *before.filter(Exists(overdue))[:30].query.sql_with_params())
    overdue_view = ProblemFilter({"view": "overdue"}, queryset=base, user=None, today=today).qs
    explain("Overdue list, page 1 — after", *overdue_view[:30].query.sql_with_params())
    # The daily reminder before: every overdue forwarding and every problem awaiting feedback came to Python.
    fields = ("pk", "round", "group_id", "deputy__user_id", "text", "state_since", "result_on")
    explain("Daily reminder before: overdue forwardings to Python (one of its three reads)",
            *Forwarding.objects.overdue(today).values("pk", "deadline", "department__name",
                                                      *[f"problem__{f}" for f in fields])
            .order_by("problem_id", "pk").query.sql_with_params())
    # The daily digest after: one INSERT … SELECT (rolled back).
    from constituents.services import reminders

    captured = {}
    real_cursor = connection.cursor

    class Capture:
        def __init__(self, cursor):
            self.cursor = cursor

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def execute(self, sql, params):
            captured["sql"], captured["params"] = sql, params
            self.rowcount = 0

    connection.cursor = lambda: Capture(None)
    try:
        reminders.casework_send_reminders(on=today)
    finally:
        connection.cursor = real_cursor
    try:
        with transaction.atomic():
            explain("Daily casework digest: INSERT … SELECT (after)", captured["sql"], captured["params"])
            raise RuntimeError("rollback")
    except RuntimeError:
        pass


def captured(run) -> list[tuple[str, list]]:
    """The SQL statements `run()` sends, with their parameters."""
    statements = []

    def wrapper(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        run()
    return statements


def _with_and_without(title: str, query: dict, indexes: list[str]) -> None:
    """The case list's two queries for `query` (the page's ids and its capped count), as the page
    sends them: "before" with `indexes` dropped inside a rolled-back transaction, "after" with them."""
    from constituents.filters import ProblemFilter
    from constituents.models import Problem
    from liaison.pagination import capped_page

    base = Problem.objects.select_related("group", "deputy", "constituency")
    queryset = ProblemFilter(query, queryset=base, user=None, today=timezone.localdate()).qs
    statements = [(sql, params) for sql, params in captured(lambda: list(capped_page(queryset, 30, {"page": "1"})))
                  if "COUNT(" in sql or '"pk" FROM' in sql]
    for when in ("before", "after"):
        try:
            with transaction.atomic():
                if when == "before":
                    with connection.cursor() as cursor:
                        for index in indexes:
                            cursor.execute(f"DROP INDEX IF EXISTS {index}")
                for sql, params in statements:
                    kind = "capped count" if "COUNT(" in sql else "page 1 ids"
                    explain(f"{title}, {kind} — {when} {', '.join(indexes)}", sql, params)
                raise RuntimeError("rollback")
        except RuntimeError:
            pass


def overdue_list() -> None:
    # The stored earliest open deadline (Problem.open_deadline) and its partial index.
    _with_and_without("Overdue list", {"view": "overdue"}, ["problem_open_deadline", "problem_group_open_deadline"])


def filtered_list() -> None:
    _with_and_without("Case list filtered (state=handling, category=transport)",
                      {"state": "handling", "category": "transport"}, ["problem_state_category"])


def board_escalated() -> None:
    """The committee board's 提级督办 list (50 newest escalated problems), without and with problem_escalated."""
    from constituents.models import Problem

    query = (Problem.objects.filter(escalated_on__isnull=False).select_related("group", "constituency")
             .order_by("-escalated_on", "-pk")[:50])
    for when in ("before", "after"):
        try:
            with transaction.atomic():
                if when == "before":
                    with connection.cursor() as cursor:
                        cursor.execute("DROP INDEX IF EXISTS problem_escalated")
                explain(f"Committee board, escalated problems — {when} problem_escalated",
                        *query.query.sql_with_params())
                raise RuntimeError("rollback")
        except RuntimeError:
            pass


def department_figures() -> None:
    """有关部门办理情况 for the office: before, the page counted every forwarding of the year
    (departments, groups, district and their 回访: six queries); after, it reads one page of the
    stored figures (liaison.figures, refreshed by beat)."""
    from constituents import figures
    from constituents.models import Forwarding
    from liaison.figures import figures_slice, refresh

    year = timezone.localdate().year
    period = figures.Period(year)
    forwardings = Forwarding.objects.all()
    for sql, params in captured(lambda: figures.roll_up(forwardings, period)):
        explain("Department figures — before (counted on every view)", sql, params)
    key = f"constituents.departments:{year}"
    refresh(key)
    for sql, params in captured(lambda: figures_slice(key, "groups", 0, 100)):
        explain("Department figures — after (the stored figures, groups 1–100)", sql, params)


def keyset() -> None:
    """The case list's page 600 as a typed ?page=600 (OFFSET over the ids) and as "下一页" from page 599
    reaches it (the sort key of page 599's last row: liaison.pagination)."""
    from django.http import QueryDict

    from constituents.models import Problem
    from liaison.pagination import capped_page

    queryset = Problem.objects.all()
    link = QueryDict(capped_page(queryset, 30, QueryDict("page=599")).next_query)
    for title, params in (("Case list, page 600 by number (OFFSET 17970 over the ids)", QueryDict("page=600")),
                          (f"Case list, page 600 by its link (keyset: after={link['after']})", link)):
        for sql, sql_params in captured(lambda params=params: list(capped_page(queryset, 30, params))):
            if "LIMIT 31" in sql:
                explain(title, sql, sql_params)


SECTIONS = {"keyset": keyset, "casework": main, "overdue": overdue_list, "filtered": filtered_list, "board": board_escalated, "departments": department_figures}

if __name__ == "__main__":
    import sys

    for name in sys.argv[1:] or list(SECTIONS):
        SECTIONS[name]()
