"""Grow the demo district to a benchmark scale with set-based SQL (PostgreSQL only).

`generate_scale --scale district` tops the demo up to 300 deputies, 20k problems,
500 mailboxes with a year of openings and 20k constituents; `--scale province`
to 100k deputies in ~8k groups, 3M problems with their forwardings, 100k
mailboxes and 1M constituents. Every row is made by `INSERT … SELECT
generate_series`, never in Python, so the province takes minutes. The demo
accounts keep their demo groups, which are ordinary-sized groups among the new
ones, and receive their share of the generated casework.

The numbers are totals: running it again on a database that already has them
adds nothing. History tables are not filled (nothing reads them in bulk).
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass, fields, replace

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction


@dataclass(frozen=True)
class Scale:
    deputies: int
    groups: int
    problems: int
    mailboxes: int
    constituents: int
    departments: int
    opening_weeks: int  # weeks of openings per mailbox, ending last week


SCALES = {
    "district": Scale(deputies=300, groups=25, problems=20_000, mailboxes=500, constituents=20_000,
                      departments=40, opening_weeks=52),
    "province": Scale(deputies=100_000, groups=8_000, problems=3_000_000, mailboxes=100_000,
                      constituents=1_000_000, departments=400, opening_weeks=8),
}

# Problems by state, in per mille: most are long closed; a tail is waiting at each step.
STATE_SHARES = [("fed_back", 600), ("registered", 40), ("forwarded", 110), ("handling", 130),
                ("resolved", 100), ("unsolvable", 20)]
CATEGORIES = ["urban_construction", "transport", "sanitation", "education", "health", "social_security",
              "employment", "housing", "elderly_care", "public_security", "economy", "other"]
CONSTITUENT_CATEGORIES = ["ordinary", "ordinary", "ordinary", "ordinary", "low_income", "vulnerable",
                          "industry_leader", "public_figure", "well_educated", "extreme_hardship"]
TEXTS = ["小区门口道路破损，雨天积水严重，希望尽快修复。", "老旧小区加装电梯进展缓慢，请协调。",
         "学校周边上下学时段交通拥堵，建议增设护学岗。", "社区卫生服务站取药不便，希望增加品种。",
         "路灯损坏多日无人维修，夜间出行不安全。", "垃圾分类投放点设置不合理，异味扰民。",
         "养老服务中心床位紧张，希望增加供给。", "农贸市场占道经营，影响通行。"]


def _array(values: list[str]) -> str:
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


class Command(BaseCommand):
    help = "在 PostgreSQL 上生成区级或省级规模的测试数据（用于性能基准）。"

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), required=True)
        # Hidden: a share of the scale's counts (0.1 = a tenth of the province), to time the steps quickly.
        parser.add_argument("--fraction", type=float, default=1.0, help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("规模数据只能生成在 PostgreSQL 数据库中（请设置 DATABASE_URL）。")
        from deputies.models import Term

        if not Term.objects.exists():
            call_command("seed_demo", stdout=self.stdout)
        scale = SCALES[options["scale"]]
        if options["fraction"] != 1.0:
            scale = replace(scale, **{f.name: max(1, round(getattr(scale, f.name) * options["fraction"]))
                                      for f in fields(scale) if f.name != "opening_weeks"})
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")
            cursor.execute("SET work_mem = '64MB'")
            cursor.execute("SET maintenance_work_mem = '512MB'")  # index and key rebuilds after each bulk load
            cursor.execute("SELECT setseed(0.2026)")
            cursor.execute("ANALYZE")  # a resumed run must not plan its joins on stale statistics
        written = set()
        for step in (self._registry, self._accounts, self._deputies, self._constituents, self._mailboxes,
                     self._openings, self._problems, self._problem_people, self._forwardings, self._letters, self._summaries):
            t0 = time.monotonic()
            with transaction.atomic(), connection.cursor() as cursor:
                added = step(cursor, scale)
                self._rebuild(cursor)
                if added:  # fresh statistics, for the next step's joins, of the tables this one wrote only
                    cursor.execute("SELECT relid::regclass::text FROM pg_stat_xact_user_tables "
                                   "WHERE n_tup_ins + n_tup_upd > 0 AND schemaname NOT LIKE 'pg_temp%%'")
                    for (table,) in cursor.fetchall():
                        cursor.execute(f"ANALYZE {table}")
                        written.add(table)
                cursor.execute("DISCARD TEMP")  # ON COMMIT DROP never fires inside an outer transaction (tests)
            self.stdout.write(f"  {step.__name__.strip('_')}: +{added}（{time.monotonic() - t0:.1f} 秒）")
        if written and not connection.in_atomic_block:  # VACUUM cannot run in a transaction (tests)
            # A freshly loaded table has no visibility map and no hint bits: index-only scans go to the heap
            # (the overdue list 5× slower) until autovacuum comes by, in the middle of the measuring.
            t0 = time.monotonic()
            with connection.cursor() as cursor:
                for table in sorted(written):
                    cursor.execute(f"VACUUM {table}")
            self.stdout.write(f"  vacuum: {len(written)} 张表（{time.monotonic() - t0:.1f} 秒）")
        self.stdout.write(self.style.SUCCESS(
            f"{options['scale']} 规模数据已生成（{time.monotonic() - started:.0f} 秒）。"
        ))

    # -- helpers -------------------------------------------------------------

    def _bulk(self, cursor, *tables: str) -> None:
        """Before a step's big load: drop the non-unique indexes and the foreign keys of `tables`; the step's
        end (`_rebuild`, same transaction) puts them back, each index built in one sorted pass and each key
        checked by one join. That is many times cheaper than maintaining a dozen indexes (a trigram one among
        them) and queuing a deferred check per row. Unique indexes stay (ON CONFLICT needs them); a failed
        step rolls back with its transaction, so the schema is never left without them."""
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # nothing may be pending on a table altered (tests)
        cursor.execute(
            """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
               WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])""", [list(tables)])
        keys = cursor.fetchall()
        cursor.execute(
            """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i
               WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisunique
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)""", [list(tables)])
        indexes = cursor.fetchall()
        for table, name, _ in keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
        self._dropped = (indexes, keys)

    def _rebuild(self, cursor) -> None:
        indexes, keys = getattr(self, "_dropped", ([], []))
        self._dropped = ([], [])
        for _, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in keys:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        if indexes or keys:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    @staticmethod
    def _missing(cursor, where: str) -> bool:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {where})")
        return cursor.fetchone()[0]

    @staticmethod
    def _count(cursor, table: str, where: str = "") -> int:
        cursor.execute(f"SELECT count(*) FROM {table} {where}")
        return cursor.fetchone()[0]

    @staticmethod
    def _term(cursor) -> tuple[int, str]:
        cursor.execute("SELECT id, start_date FROM deputies_term WHERE is_current")
        return cursor.fetchone()

    @staticmethod
    def _any_staff(cursor) -> int:
        cursor.execute("SELECT id FROM liaison_user WHERE role = 'staff' ORDER BY id LIMIT 1")
        return cursor.fetchone()[0]

    # -- steps ---------------------------------------------------------------

    def _registry(self, cursor, scale: Scale) -> int:
        """Offices (one per ten groups), groups, three constituencies per group, two communities each."""
        term_id, _ = self._term(cursor)
        groups_now = self._count(cursor, "deputies_deputygroup")
        missing = max(0, scale.groups - groups_now)
        if not missing:
            return 0
        offices = max(1, missing // 10)
        cursor.execute(
            """INSERT INTO deputies_subdistrict (name, address)
               SELECT '规模测试第' || n || '办事处', '测试路' || n || '号' FROM generate_series(1, %s::bigint) n
               ON CONFLICT (name) DO NOTHING""", [offices])
        cursor.execute(
            """INSERT INTO deputies_deputygroup (name, sub_district_id, sort_order)
               SELECT '规模测试第' || n || '代表组',
                      (SELECT id FROM deputies_subdistrict WHERE name = '规模测试第' || (1 + n %% %s) || '办事处'),
                      LEAST(100 + n, 32000)
               FROM generate_series(1, %s) n""", [offices, missing])
        cursor.execute(
            """INSERT INTO deputies_constituency (term_id, group_id, name, seats)
               SELECT %s, g.id, g.name || '第' || k || '选区', 4
               FROM deputies_deputygroup g CROSS JOIN generate_series(1, 3) k
               WHERE g.name LIKE '规模测试%%'""", [term_id])
        cursor.execute(
            """INSERT INTO deputies_community (constituency_id, name, kind, contact_person, contact_phone)
               SELECT c.id, c.name || (ARRAY['东社区','西社区'])[k], 'community', '', ''
               FROM deputies_constituency c JOIN deputies_deputygroup g ON g.id = c.group_id
               CROSS JOIN generate_series(1, 2) k WHERE g.name LIKE '规模测试%%'""", [])
        dept_now = self._count(cursor, "deputies_department")
        cursor.execute(
            """INSERT INTO deputies_department (name, kind, contact_person, contact_phone, is_active)
               SELECT '规模测试第' || n || '承办单位', 'government', '', '', true
               FROM generate_series(1, %s) n""", [max(0, scale.departments - dept_now)])
        return missing

    def _accounts(self, cursor, scale: Scale) -> int:
        """One liaison account per new group; deputy accounts are made with the deputies."""
        cursor.execute(
            """WITH g AS (SELECT dg.id FROM deputies_deputygroup dg WHERE dg.name LIKE '规模测试%%'
                           AND NOT EXISTS (SELECT 1 FROM deputies_deputygroup_liaisons l
                                           WHERE l.deputygroup_id = dg.id))
               INSERT INTO liaison_user (password, is_superuser, username, first_name, last_name, email,
                                         is_staff, is_active, date_joined, role, phone, must_change_password)
               SELECT '!', false, 'scale-liaison-' || g.id, '联络员', '测' || g.id, '', false, true, now(),
                      'liaison', '', false FROM g
               ON CONFLICT (username) DO NOTHING""", [])
        added = cursor.rowcount
        cursor.execute(
            """INSERT INTO deputies_deputygroup_liaisons (deputygroup_id, user_id)
               SELECT substring(u.username from 15)::bigint, u.id FROM liaison_user u
               WHERE u.username LIKE 'scale-liaison-%%'
               ON CONFLICT DO NOTHING""", [])
        return added

    def _deputies(self, cursor, scale: Scale) -> int:
        """New deputies spread over the new constituencies; nine in ten have an account."""
        term_id, _ = self._term(cursor)
        missing = max(0, scale.deputies - self._count(cursor, "deputies_deputy", f"WHERE term_id = {term_id}"))
        if not missing:
            return 0
        cursor.execute("SELECT coalesce(max(id), 0) FROM deputies_deputy")
        base = cursor.fetchone()[0]
        cursor.execute(
            """CREATE TEMP TABLE scale_constituency ON COMMIT DROP AS
               SELECT c.id, c.group_id, row_number() OVER (ORDER BY c.id) - 1 AS rn
               FROM deputies_constituency c JOIN deputies_deputygroup g ON g.id = c.group_id
               WHERE g.name LIKE '规模测试%%'""", [])
        constituencies = self._count(cursor, "scale_constituency")
        cursor.execute(
            """INSERT INTO liaison_user (password, is_superuser, username, first_name, last_name, email,
                                        is_staff, is_active, date_joined, role, phone, must_change_password)
               SELECT '!', false, 'scale-deputy-' || (%s + n), '代表' || n, '测', '', false, true, now(),
                      'deputy', '', false FROM generate_series(1, %s) n WHERE n %% 10 <> 0""", [base, missing])
        cursor.execute(
            """INSERT INTO deputies_deputy (term_id, group_id, constituency_id, name, gender, ethnicity,
                   birth_month, party, work_unit, phone, status, left_on, user_id, is_exemplary)
               SELECT %s, c.group_id, c.id, '测试代表' || n, (ARRAY['男','女'])[1 + n %% 2], '汉族',
                      make_date(1960 + n %% 35, 1 + n %% 12, 1), '', '测试单位' || n %% 997, '', 'serving', NULL,
                      u.id, false
               FROM generate_series(1, %s) n JOIN scale_constituency c ON c.rn = n %% %s
               LEFT JOIN liaison_user u ON u.username = 'scale-deputy-' || (%s + n)""",
            [term_id, missing, constituencies, base])
        return missing

    def _constituents(self, cursor, scale: Scale) -> int:
        missing = max(0, scale.constituents - self._count(cursor, "constituents_constituent"))
        if not missing:
            return 0
        cursor.execute(
            """CREATE TEMP TABLE scale_community ON COMMIT DROP AS
               SELECT c.id, row_number() OVER (ORDER BY c.id) - 1 AS rn FROM deputies_community c
               JOIN deputies_constituency k ON k.id = c.constituency_id
               JOIN deputies_term t ON t.id = k.term_id AND t.is_current""", [])
        communities = self._count(cursor, "scale_community")
        self._bulk(cursor, "constituents_constituent")
        cursor.execute(
            f"""INSERT INTO constituents_constituent (name, phone, address, community_id, category, note, created_at)
               SELECT '测选民' || n, '139' || lpad((n %% 100000000)::text, 8, '0'), '测试路' || n %% 500 || '号',
                      c.id, ({_array(CONSTITUENT_CATEGORIES)})[1 + n %% {len(CONSTITUENT_CATEGORIES)}], '', now()
               FROM generate_series(1, %s) n JOIN scale_community c ON c.rn = n %% %s""",
            [missing, communities])
        return missing

    def _mailboxes(self, cursor, scale: Scale) -> int:
        """Each new box is kept by a deputy of its constituency; deputies keep one or two."""
        term_id, start = self._term(cursor)
        missing = max(0, scale.mailboxes - self._count(cursor, "mailbox_mailbox"))
        if not missing:
            return 0
        cursor.execute(
            """CREATE TEMP TABLE scale_keeper ON COMMIT DROP AS
               SELECT d.id, d.constituency_id, row_number() OVER (ORDER BY d.id) - 1 AS rn
               FROM deputies_deputy d WHERE d.term_id = %s AND d.status = 'serving'""", [term_id])
        keepers = self._count(cursor, "scale_keeper")
        cursor.execute(
            """INSERT INTO mailbox_mailbox (constituency_id, community_id, name, location, keeping, keeper_deputy_id,
                   entrusted_to_id, entrusted_reason, entrusted_on, set_up_on, status, retired_on)
               SELECT d.constituency_id, NULL, '测试信箱' || n, '测试路' || n || '号门口', 'deputy', d.id,
                      NULL, '', NULL, %s, 'active', NULL
               FROM generate_series(1, %s) n JOIN scale_keeper d ON d.rn = n %% %s""",
            [start, missing, keepers])
        cursor.execute(
            """INSERT INTO mailbox_mailbox_deputies (mailbox_id, deputy_id)
               SELECT m.id, m.keeper_deputy_id FROM mailbox_mailbox m WHERE m.name LIKE '测试信箱%%'
               ON CONFLICT DO NOTHING""", [])
        return missing

    def _openings(self, cursor, scale: Scale) -> int:
        """Weekly openings of the generated boxes up to last week; about one week in twelve is missed."""
        cursor.execute("SELECT count(*) FROM mailbox_opening o JOIN mailbox_mailbox m ON m.id = o.mailbox_id "
                       "WHERE m.name LIKE '测试信箱%%'")
        if cursor.fetchone()[0]:
            return 0
        staff = self._any_staff(cursor)
        self._bulk(cursor, "mailbox_opening")
        cursor.execute(
            """INSERT INTO mailbox_opening (mailbox_id, opened_at, opened_by, witness, letter_count, note,
                   recorded_by_id, recorded_at)
               SELECT m.id,
                      date_trunc('week', now() AT TIME ZONE 'Asia/Shanghai')::timestamp AT TIME ZONE 'Asia/Shanghai'
                        - make_interval(weeks => w) + make_interval(hours => (9 + (m.id + w) %% 8)::int,
                                                                   days => ((m.id + w) %% 5)::int),
                      '保管代表', '社区工作人员', ((m.id * 7 + w) %% 4)::smallint, '', %s, now()
               FROM mailbox_mailbox m CROSS JOIN generate_series(1, %s) w
               WHERE m.name LIKE '测试信箱%%' AND (m.id * 31 + w * 17) %% 12 <> 0""",
            [staff, scale.opening_weeks])
        return cursor.rowcount

    def _problems(self, cursor, scale: Scale) -> int:
        """Problems spread over every current deputy (the demo ones included), raised over two years."""
        term_id, _ = self._term(cursor)
        missing = max(0, scale.problems - self._count(cursor, "constituents_problem"))
        if not missing:
            return 0
        cursor.execute(
            """CREATE TEMP TABLE scale_owner ON COMMIT DROP AS
               SELECT d.id, d.group_id, d.constituency_id, c.community_id,
                      row_number() OVER (ORDER BY d.id) - 1 AS rn
               FROM deputies_deputy d
               LEFT JOIN (SELECT constituency_id, min(id) AS community_id FROM deputies_community
                          GROUP BY constituency_id) c ON c.constituency_id = d.constituency_id
               WHERE d.term_id = %s AND d.status = 'serving'""", [term_id])
        owners = self._count(cursor, "scale_owner")
        states = "ARRAY[" + ",".join(f"'{s}'" for s, share in STATE_SHARES for _ in range(share // 10)) + "]"
        self._bulk(cursor, "constituents_problem")
        # Open problems were raised recently (within ~90 days) so deadlines look real.
        cursor.execute(
            f"""INSERT INTO constituents_problem (source, state, text, category, is_livelihood, group_id, deputy_id,
                   constituency_id, community_id, visit_id, raised_on, round, state_since, outcome, result_on,
                   result_summary, unsolvable_reason, fed_back_on, feedback_method, reopen_reason,
                   registered_by_id, created_at, updated_at, result_source, result_proxy_contact)
               SELECT CASE WHEN n %% 10 < 6 THEN 'visit' WHEN n %% 10 < 9 THEN 'letter' ELSE 'online' END,
                      s.state, ({_array(TEXTS)})[1 + n %% {len(TEXTS)}] || '（编号' || n || '）',
                      ({_array(CATEGORIES)})[1 + n %% {len(CATEGORIES)}], n %% 7 = 0,
                      o.group_id, o.id, o.constituency_id, o.community_id, NULL,
                      s.raised, 1,
                      CASE WHEN s.state = 'registered' THEN s.raised
                           WHEN s.state IN ('forwarded', 'handling') THEN s.raised + 2 ELSE s.raised + 3 END,
                      CASE WHEN s.state IN ('resolved', 'fed_back') THEN 'resolved'
                           WHEN s.state = 'unsolvable' THEN 'unsolvable' ELSE '' END,
                      CASE WHEN s.state IN ('resolved', 'unsolvable', 'fed_back')
                           THEN LEAST(s.raised + 20, current_date) END,
                      CASE WHEN s.state IN ('resolved', 'fed_back') THEN '已协调有关部门处理完毕。' ELSE '' END,
                      CASE WHEN s.state = 'unsolvable' THEN '资金尚未落实，已列入明年计划。' ELSE '' END,
                      CASE WHEN s.state = 'fed_back' THEN LEAST(s.raised + 25, current_date) END,
                      CASE WHEN s.state = 'fed_back' THEN 'phone' ELSE '' END, '', NULL, now(), now(),
                      CASE WHEN s.state IN ('resolved', 'unsolvable', 'fed_back') THEN 'department' ELSE '' END, ''
               FROM generate_series(1, %s::bigint) n
               JOIN scale_owner o ON o.rn = n %% %s
               CROSS JOIN LATERAL (
                   SELECT t.state, current_date - CASE WHEN t.state IN ('registered', 'forwarded', 'handling')
                                                       THEN (n %% 90)::int ELSE ((n * 104729) %% 730)::int END AS raised
                   FROM (SELECT ({states})[1 + (n * 7919) %% 100] AS state) t
               ) s""",
            [missing, owners])
        return missing

    def _problem_people(self, cursor, scale: Scale) -> int:
        """Visit problems name a constituent of their community (the first one)."""
        if not self._missing(cursor, """constituents_problem p WHERE p.source = 'visit' AND p.text LIKE '%%（编号%%'
                AND NOT EXISTS (SELECT 1 FROM constituents_problem_constituents x WHERE x.problem_id = p.id)"""):
            return 0
        self._bulk(cursor, "constituents_problem_constituents")
        cursor.execute(
            """INSERT INTO constituents_problem_constituents (problem_id, constituent_id)
               SELECT p.id, c.constituent_id
               FROM constituents_problem p
               JOIN (SELECT community_id, min(id) AS constituent_id FROM constituents_constituent
                     GROUP BY community_id) c ON c.community_id = p.community_id
               WHERE p.source = 'visit' AND p.text LIKE '%%（编号%%'
                 AND NOT EXISTS (SELECT 1 FROM constituents_problem_constituents x WHERE x.problem_id = p.id)
               ON CONFLICT DO NOTHING""", [])
        return cursor.rowcount

    def _forwardings(self, cursor, scale: Scale) -> int:
        """Every forwarded problem has one department (one in five has two); open ones are partly overdue."""
        if not self._missing(cursor, """constituents_problem p WHERE p.state <> 'registered'
                AND p.text LIKE '%%（编号%%'
                AND NOT EXISTS (SELECT 1 FROM constituents_forwarding f WHERE f.problem_id = p.id)"""):
            return 0
        cursor.execute("SELECT count(*) FROM deputies_department")
        departments = cursor.fetchone()[0]
        cursor.execute(
            """CREATE TEMP TABLE scale_department ON COMMIT DROP AS
               SELECT id, row_number() OVER (ORDER BY id) - 1 AS rn FROM deputies_department""", [])
        self._bulk(cursor, "constituents_forwarding")
        cursor.execute(
            """INSERT INTO constituents_forwarding (problem_id, department_id, round, status, forwarded_on, deadline,
                   deadline_is_estimate, accepted_on, replied_on, reply_text, result_class, returned_on,
                   return_reason, forwarded_by_id, deadline_in_working_days, accept_proxy_contact, needs_contact,
                   reply_proxy_contact, return_proxy_contact)
               SELECT p.id, d.id, 1,
                      CASE p.state WHEN 'forwarded' THEN 'pending' WHEN 'handling' THEN 'handling' ELSE 'replied' END,
                      p.state_since, p.state_since + 21, false,
                      CASE WHEN p.state <> 'forwarded' THEN p.state_since + 2 END,
                      CASE WHEN p.state NOT IN ('forwarded', 'handling') THEN p.result_on END,
                      CASE WHEN p.state NOT IN ('forwarded', 'handling') THEN '已办理，详见办理结果。' ELSE '' END,
                      CASE WHEN p.state NOT IN ('forwarded', 'handling')
                           THEN (ARRAY['A','A','B','C','D'])[1 + p.id %% 5] ELSE '' END,
                      NULL, '', NULL, false, '', false, '', ''
               FROM constituents_problem p
               CROSS JOIN generate_series(1, 2) k
               JOIN scale_department d ON d.rn = (p.id * k * 13) %% %s
               WHERE p.state <> 'registered' AND p.text LIKE '%%（编号%%'
                 AND (k = 1 OR p.id %% 5 = 0)
                 AND NOT EXISTS (SELECT 1 FROM constituents_forwarding f WHERE f.problem_id = p.id)""",
            [departments])
        created = cursor.rowcount
        # The stored earliest open deadline (constituents.services.deadlines), set-based as the services keep it.
        cursor.execute(
            """UPDATE constituents_problem p SET open_deadline = o.earliest
               FROM (SELECT f.problem_id, min(f.deadline) AS earliest
                     FROM constituents_forwarding f JOIN constituents_problem q ON q.id = f.problem_id
                     WHERE f.status IN ('pending', 'handling') AND f.round = q.round
                       AND q.state IN ('forwarded', 'handling')
                     GROUP BY f.problem_id) o
               WHERE p.id = o.problem_id AND p.open_deadline IS DISTINCT FROM o.earliest""", [])
        return created

    def _letters(self, cursor, scale: Scale) -> int:
        """Letter problems get their letter: paper ones from an opening of a box, online ones straight in."""
        if not self._missing(cursor, """constituents_problem p WHERE p.source IN ('letter', 'online')
                AND p.text LIKE '%%（编号%%' AND NOT EXISTS (SELECT 1 FROM mailbox_letter l WHERE l.problem_id = p.id)"""):
            return 0
        cursor.execute(
            """CREATE TEMP TABLE scale_opening ON COMMIT DROP AS
               SELECT o.id, o.mailbox_id, o.opened_at, row_number() OVER (ORDER BY o.id) - 1 AS rn
               FROM mailbox_opening o""", [])
        openings = self._count(cursor, "scale_opening")
        staff = self._any_staff(cursor)
        self._bulk(cursor, "mailbox_letter")
        cursor.execute(
            """INSERT INTO mailbox_letter (problem_id, channel, opening_id, mailbox_id, sender_name, sender_contact,
                   received_at, delivered_at, delivered_by_id, replied_at, reply, public_reply, tracking_digest,
                   created_at)
               SELECT p.id, CASE p.source WHEN 'letter' THEN 'paper' ELSE 'online' END,
                      CASE p.source WHEN 'letter' THEN o.id END, CASE p.source WHEN 'letter' THEN o.mailbox_id END,
                      CASE WHEN p.id %% 4 = 0 THEN '' ELSE '来信人' || p.id %% 1000 END, '',
                      p.raised_on::timestamp AT TIME ZONE 'Asia/Shanghai',
                      CASE WHEN p.state <> 'registered' OR p.id %% 3 <> 0
                           THEN p.raised_on::timestamp AT TIME ZONE 'Asia/Shanghai' + interval '1 day' END,
                      CASE WHEN p.state <> 'registered' OR p.id %% 3 <> 0 THEN %s END,
                      CASE WHEN p.state <> 'registered' THEN p.raised_on::timestamp AT TIME ZONE 'Asia/Shanghai'
                           + interval '2 days' END,
                      CASE WHEN p.state <> 'registered' THEN '已阅，请转交有关部门办理。' ELSE '' END, '', NULL, now()
               FROM constituents_problem p
               JOIN scale_opening o ON o.rn = p.id %% %s
               WHERE p.source IN ('letter', 'online') AND p.text LIKE '%%（编号%%'
                 AND NOT EXISTS (SELECT 1 FROM mailbox_letter l WHERE l.problem_id = p.id)""",
            [staff, max(openings, 1)])
        return cursor.rowcount

    def _summaries(self, cursor, scale: Scale) -> int:
        """Last quarter's summary for most groups, two in three of them submitted."""
        cursor.execute(
            """WITH q AS (SELECT extract(year FROM d)::int AS y, extract(quarter FROM d)::int AS q
                          FROM (SELECT current_date - interval '3 months' AS d) x)
               INSERT INTO mailbox_quarterlysummary (group_id, year, quarter, status, remarks, snapshot, opened_at,
                   submitted_at, submitted_by_id)
               SELECT g.id, q.y, q.q, CASE WHEN g.id %% 3 = 0 THEN 'draft' ELSE 'submitted' END, '', '{}'::jsonb,
                      now(), CASE WHEN g.id %% 3 = 0 THEN NULL ELSE now() END, NULL
               FROM deputies_deputygroup g CROSS JOIN q WHERE g.id %% 10 <> 0
               ON CONFLICT DO NOTHING""", [])
        return cursor.rowcount
