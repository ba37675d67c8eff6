"""The search box over a million problems (issue 12 §3): p50/p95 of the search page's queries.

    python -m benchmarks.search [--problems 1000000] [--repeats 15]

Makes (once, then keeps) the PostgreSQL database liaison_bench_search: migrated (so the
pg_trgm indexes of constituents/0012 are there), the demo district seeded, then topped up to
`--problems` problems with `INSERT … SELECT generate_series`, their text composed from word
lists (place × facility × trouble × request, like the letters the offices get), spread over
every current deputy. A few rows carry a rare phrase. Then, as office staff (the whole district)
and as the demo deputy (their own problems), it runs exactly the queries the search page runs
(`search.selectors.search_all`, each group capped) for a 2-character, a 4-character and a rare
query, and prints p50/p95 per query. Goal: under 200 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.bench import PG, bench_env, create_database, log

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
SCALE = "search"
DB = f"liaison_bench_{SCALE}"

PLACES = ["幸福小区", "阳光花园", "东湖社区", "西关街", "南门菜市场", "北环路口", "实验小学门口", "人民医院旁",
          "滨江公园", "老火车站", "纺织厂宿舍", "城关中学", "新华书店后巷", "红星村", "工业园区", "中山路",
          "解放街", "建设路", "团结新村", "和平里", "光明小区", "体育馆", "农贸市场", "汽车站", "文化广场",
          "税务局宿舍", "机械厂家属院", "翠竹苑", "金桂园", "银杏路"]
THINGS = ["路灯", "下水道", "人行道", "垃圾站", "电梯", "公交站台", "停车位", "健身器材", "消防通道",
          "围墙", "自来水管", "燃气管道", "绿化带", "红绿灯", "减速带", "公共厕所", "充电桩", "排水沟",
          "楼道照明", "快递柜", "老年食堂", "卫生服务站", "幼儿园", "防盗门", "窨井盖", "斑马线",
          "小广告", "广场舞音响", "违章搭建", "外墙瓷砖"]
TROUBLES = ["损坏多日无人维修", "长期堵塞，雨天积水严重", "夜间不亮，出行不安全", "异味扰民", "噪音扰民",
            "设置不合理，群众意见大", "被占用，通行困难", "年久失修存在安全隐患", "数量不足，排队时间长",
            "收费不透明", "老旧小区加装电梯进展缓慢", "上下学时段交通拥堵", "经常停水停气",
            "管理混乱无人负责", "施工后未恢复原状"]
REQUESTS = ["希望尽快修复。", "请有关部门协调解决。", "建议增设。", "希望加强管理。", "请尽快答复。",
            "建议列入明年民生实事。", "希望派人实地查看。", "请督促物业整改。"]
RARE_PHRASE = "古银杏树根系受损"
QUERIES = [("2字（常见）", "路灯"), ("2字（少见）", "钟楼"), ("4字", "加装电梯"), ("罕见短语", RARE_PHRASE)]


def _array(values: list[str]) -> str:
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def _manage(*args: str) -> None:
    env = bench_env(SCALE, LIAISON_ALLOW_DEMO="true", DEBUG="true")
    result = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, text=True, capture_output=True)
    if result.returncode:
        log(result.stdout[-2000:] + result.stderr[-4000:])
        raise SystemExit(f"manage.py {' '.join(args)} failed")


def ensure_database(problems: int) -> None:
    """Create, migrate and seed liaison_bench_search unless it is there; top the problems up."""
    import psycopg2

    create_database(DB)
    started = time.monotonic()
    _manage("migrate", "--noinput", "-v0")
    conn = psycopg2.connect(f"{PG}/{DB}")
    with conn, conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM deputies_term")
        seeded = cursor.fetchone()[0]
    if not seeded:
        log("[search] seeding the demo district …")
        _manage("seed_demo")
    with conn, conn.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET maintenance_work_mem = '256MB'")
        cursor.execute("SELECT count(*) FROM constituents_problem")
        missing = problems - cursor.fetchone()[0]
        if missing > 0:
            log(f"[search] adding {missing} problems …")
            _fill(cursor, missing)
    conn.autocommit = True
    with conn.cursor() as cursor:  # the visibility map, so the window's id lookup is index-only
        cursor.execute("VACUUM ANALYZE constituents_problem")
    conn.close()
    log(f"[search] database ready in {time.monotonic() - started:.0f} s")


def _fill(cursor, missing: int) -> None:
    states = ["fed_back"] * 60 + ["registered"] * 4 + ["forwarded"] * 11 + ["handling"] * 13 + \
             ["resolved"] * 10 + ["unsolvable"] * 2
    categories = ["urban_construction", "transport", "sanitation", "education", "health", "social_security",
                  "employment", "housing", "elderly_care", "public_security", "economy", "other"]
    cursor.execute(
        """CREATE TEMP TABLE bench_owner AS
           SELECT d.id, d.group_id, d.constituency_id, c.community_id, row_number() OVER (ORDER BY d.id) - 1 AS rn
           FROM deputies_deputy d JOIN deputies_term t ON t.id = d.term_id AND t.is_current
           LEFT JOIN (SELECT constituency_id, min(id) AS community_id FROM deputies_community
                      GROUP BY constituency_id) c ON c.constituency_id = d.constituency_id
           WHERE d.status = 'serving'""")
    cursor.execute("SELECT count(*) FROM bench_owner")
    owners = cursor.fetchone()[0]
    # 钟楼 appears in one row in ~5,000; the rare phrase in a handful.
    cursor.execute(
        f"""INSERT INTO constituents_problem (source, state, text, category, is_livelihood, group_id, deputy_id,
               constituency_id, community_id, visit_id, raised_on, round, state_since, outcome, result_on,
               result_summary, unsolvable_reason, fed_back_on, feedback_method, reopen_reason, result_source,
               result_proxy_contact, escalated_on, registered_by_id, linked_to_id, created_at, updated_at)
           SELECT CASE WHEN n % 10 < 6 THEN 'visit' WHEN n % 10 < 9 THEN 'letter' ELSE 'online' END,
                  s.state,
                  CASE WHEN n % 200000 = 7 THEN '{RARE_PHRASE}，' ELSE '' END
                  || CASE WHEN n % 4999 = 0 THEN '钟楼附近' ELSE '' END
                  || ({_array(PLACES)})[1 + (n * 7) % {len(PLACES)}]
                  || ({_array(THINGS)})[1 + (n * 13 / 7) % {len(THINGS)}]
                  || ({_array(TROUBLES)})[1 + (n * 31 / 11) % {len(TROUBLES)}] || '，'
                  || ({_array(REQUESTS)})[1 + (n * 17 / 3) % {len(REQUESTS)}],
                  ({_array(categories)})[1 + n % {len(categories)}], n % 7 = 0,
                  o.group_id, o.id, o.constituency_id, o.community_id, NULL, s.raised, 1,
                  CASE WHEN s.state = 'registered' THEN s.raised ELSE s.raised + 3 END,
                  CASE WHEN s.state IN ('resolved', 'fed_back') THEN 'resolved'
                       WHEN s.state = 'unsolvable' THEN 'unsolvable' ELSE '' END,
                  CASE WHEN s.state IN ('resolved', 'unsolvable', 'fed_back') THEN LEAST(s.raised + 20, current_date) END,
                  CASE WHEN s.state IN ('resolved', 'fed_back') THEN '已协调有关部门处理完毕。' ELSE '' END,
                  CASE WHEN s.state = 'unsolvable' THEN '资金尚未落实，已列入明年计划。' ELSE '' END,
                  CASE WHEN s.state = 'fed_back' THEN LEAST(s.raised + 25, current_date) END,
                  CASE WHEN s.state = 'fed_back' THEN 'phone' ELSE '' END, '',
                  CASE WHEN s.state IN ('resolved', 'unsolvable', 'fed_back') THEN 'department' ELSE '' END,
                  '', NULL, NULL, NULL, now(), now()
           FROM generate_series(1, %s::bigint) n
           JOIN bench_owner o ON o.rn = n %% %s
           CROSS JOIN LATERAL (
               SELECT ({_array(states)})[1 + (n * 7919) %% 100] AS state,
                      current_date - ((n * 104729) %% 730)::int AS raised
           ) s""".replace(" % ", " %% "),  # modulo signs written plainly above, escaped for the driver
        [missing, owners])


def timed(function, repeats: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return statistics.median(samples), p95


def measure(repeats: int) -> list[dict]:
    os.environ.update(bench_env(SCALE))
    os.environ["DJANGO_SETTINGS_MODULE"] = "liaison.settings"
    import django

    django.setup()
    from django.db import connection, reset_queries

    from liaison.models import User
    from search.selectors import search_all

    connection.force_debug_cursor = True  # count the statements
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM constituents_problem")
        total = cursor.fetchone()[0]
    log(f"[search] {total} problems")
    rows = []
    for persona in ("staff", "deputy"):
        user = User.objects.get(username=persona)
        for label, query in QUERIES:
            def run(user=user, query=query):
                results = search_all(user, query)
                for group in results.groups:
                    list(group.rows)  # evaluate: the page renders every row it shows
                return results

            run()  # warm the cache, as a served page would be
            reset_queries()
            found = run()
            statements = len(connection.queries)
            p50, p95 = timed(run, repeats)
            problems = next(g for g in found.groups if g.key == "problems")
            rows.append({"persona": persona, "label": label, "query": query, "p50": p50, "p95": p95,
                         "statements": statements, "problems_shown": len(problems.rows)})
    return rows


def table(rows: list[dict]) -> str:
    lines = ["| 身份 | 查询 | 内容 | p50 (ms) | p95 (ms) | SQL 条数 | 显示诉求 |", "|---|---|---|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['persona']} | {r['label']} | {r['query']} | {r['p50']:.1f} | {r['p95']:.1f} | "
                     f"{r['statements']} | {r['problems_shown']} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--build-only", action="store_true")
    options = parser.parse_args()
    ensure_database(options.problems)
    if options.build_only:
        return
    print(table(measure(options.repeats)))


if __name__ == "__main__":
    sys.exit(main())
