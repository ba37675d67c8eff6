"""District-wide figures read from summary rows (FigureSnapshot) kept current by beat.

At a province's scale the staff home's tiles count millions of rows; computing them
on every page view took tens of seconds. Each figure here is a function returning
JSON-ready data over the whole district; `refresh_district_figures` (beat, every
few minutes) stores them, and a page shows the stored numbers with "数据更新于 …".
Only people who see the whole district (`user.sees_district`) are shown them: for
anyone else the pages count their own scope live, through visible_to, as before.
"""

from __future__ import annotations

import datetime as dt
import json

from django.utils import timezone
from django.utils.module_loading import import_string

# key → function returning the figure's data (JSON-ready). Apps above liaison are named, never imported here.
FIGURES: dict[str, str] = {
    "constituents.district_dashboard": "constituents.templatetags.constituents_tags.district_dashboard_figures",
    "mailbox.district_dashboard": "mailbox.templatetags.mailbox_tags.district_dashboard_figures",
    "liaison.district_groups": "liaison.views.district_group_figures",
}
# Figures of a period ("<prefix><period>"): those a page opens on are drawn by the beat job (OPENED_ON),
# any other the first time someone opens it; then kept current by the same job like the fixed ones.
PERIOD_FIGURES: dict[str, str] = {
    "mailbox.rollup:": "mailbox.selectors.quarter_problem_counts",
    "mailbox.board:": "mailbox.summary_views.board_figures",
    "constituents.departments:": "constituents.figures.stored_roll_up",
    "constituents.department_groups:": "constituents.figures.stored_group_rows",
    # The district home's charts, drawn here rather than on a page view (liaison.charts.district_stored).
    "charts.constituents:": "constituents.charts.district_snapshot",
    "charts.mailbox:": "mailbox.charts.district_snapshot",
    "charts.reports:": "reports.charts.district_snapshot",
    # 群众反映集中的问题 by place kind and year ("constituency/2026", "community/all").
    "constituents.common_problems:": "constituents.selectors.common_problem_figures",
    # 评优参考 of a year: the candidates and the groups judged by the office's conditions.
    "reports.evaluation:": "reports.archive.evaluation_figures",
}

# The periods a page opens on when no one picks one, kept by the beat job from the day they begin, so
# that no person's page view draws them: at a province's scale each took 4–13 s inside the request
# (the staff home's charts, the board, the roll-up). "year" is this year (the home's charts, the board,
# 有关部门办理情况), "last_quarter" the quarter just ended (the roll-up, with its district line of the
# department figures), "current" a figure with no period of its own, anything else is that period itself.
# Other periods are drawn when someone first opens them and kept current from then on.
OPENED_ON: dict[str, tuple[str, ...]] = {
    "mailbox.rollup:": ("last_quarter",),
    "mailbox.board:": ("year",),
    "constituents.departments:": ("year", "last_quarter"),
    "constituents.department_groups:": ("year",),
    "charts.constituents:": ("year",),
    "charts.mailbox:": ("current",),
    "charts.reports:": ("year",),
    "constituents.common_problems:": ("constituency/all",),  # by constituency, every year
    "reports.evaluation:": ("year",),
}


def opened_on(today: dt.date) -> set[str]:
    """The keys of OPENED_ON's periods on `today` (Shanghai's date)."""
    quarter = (today.month - 1) // 3 + 1
    periods = {"year": str(today.year), "current": "current",
               "last_quarter": f"{today.year}-{quarter - 1}" if quarter > 1 else f"{today.year - 1}-4"}
    return {prefix + periods.get(name, name) for prefix, names in OPENED_ON.items() for name in names}


def _compute(key: str):
    for prefix, path in PERIOD_FIGURES.items():
        if key.startswith(prefix):
            return import_string(path)(key.removeprefix(prefix))
    return import_string(FIGURES[key])()


# Lists too long to read whole for a page of them: kept in parts of PART rows, each its own row
# "<key>#<n>", and the figure's own row says {"parts": …, "length": …} in the list's place. A
# province's 8,000 groups are 2.7 MB of JSON, which PostgreSQL unpacked on every page view to cut
# out a hundred (11–15 ms); a page now reads its part (perf, issue 11).
PARTED: dict[str, str] = {"constituents.department_groups:": "groups"}
PART = 100


def _parted(key: str) -> str | None:
    return next((list_key for prefix, list_key in PARTED.items() if key.startswith(prefix)), None)


def _part_key(key: str, n: int) -> str:
    return f"{key}#{n}"


def refresh(key: str):
    from django.db import transaction

    from .models import FigureSnapshot

    data, now = _compute(key), timezone.now()
    list_key = _parted(key)
    with transaction.atomic():
        if list_key is not None:
            rows = data.get(list_key) or []
            parts = [FigureSnapshot(key=_part_key(key, n), data={"rows": rows[start:start + PART]}, computed_at=now)
                     for n, start in enumerate(range(0, len(rows), PART))]
            FigureSnapshot.objects.bulk_create(parts, update_conflicts=True, unique_fields=["key"],
                                               update_fields=["data", "computed_at"])
            FigureSnapshot.objects.filter(key__startswith=_part_key(key, "")).exclude(
                key__in=[part.key for part in parts]).delete()
            data = {**data, list_key: {"parts": len(parts), "length": len(rows)}}
        snapshot, _ = FigureSnapshot.objects.update_or_create(key=key, defaults={"data": data, "computed_at": now})
    return snapshot


def refresh_all() -> int:
    from .models import FigureSnapshot

    keys = set(FIGURES) | opened_on(timezone.localdate()) | {
        key for key in FigureSnapshot.objects.values_list("key", flat=True)
        if key.startswith(tuple(PERIOD_FIGURES)) and "#" not in key  # a list's parts come with their figure
    }
    for key in sorted(keys):
        refresh(key)
    return len(keys)


def figures_slice(key: str, list_key: str, start: int, stop: int) -> tuple[dict, list, int, dt.datetime]:
    """Like figures(), with only the rows start:stop of the list data[list_key], and its length:
    a province's snapshot lists thousands of groups, a page shows a hundred. A list kept in parts
    (PARTED) is read from the figure's row and the parts the rows lie in (one query); any other from
    the stored JSON, which PostgreSQL cuts the slice out of (one query), elsewhere read whole."""
    from django.db import connection

    if _parted(key) == list_key:
        rest, parts, computed_at = _parts(key, range(start // PART, (max(stop, start + 1) - 1) // PART + 1))
        kept = rest.pop(list_key, [])
        if isinstance(kept, list):  # stored whole, before it was kept in parts
            return rest, kept[start:stop], len(kept), computed_at
        rows = [row for part in parts for row in part]
        offset = start - start // PART * PART
        return rest, rows[offset:offset + stop - start], kept["length"], computed_at
    row = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The page's rows picked by a JSON path, by their index: walking a province's 8,000 groups
            # to keep a hundred (jsonb_array_elements … WITH ORDINALITY) took 26 ms, this 8 ms.
            cursor.execute(
                """SELECT data - %s, jsonb_path_query_array(data, %s::jsonpath, %s::jsonb),
                          coalesce(jsonb_array_length(data -> %s), 0), computed_at
                   FROM liaison_figuresnapshot WHERE key = %s""",
                [list_key, f'lax $."{list_key}"[$from to $last]', json.dumps({"from": start, "last": stop - 1}),
                 list_key, key],
            )
            row = cursor.fetchone()
    if row is None:
        data, computed_at = figures(key)
        rows = data.get(list_key) or []
        return {k: v for k, v in data.items() if k != list_key}, rows[start:stop], len(rows), computed_at
    rest, rows, total, computed_at = row
    return _json(rest), _json(rows), total, computed_at


def _parts(key: str, numbers) -> tuple[dict, list[list], dt.datetime]:
    """The figure's own data and its parts `numbers` (those it has) in one query; computed now if the
    beat job has not stored it yet."""
    from .models import FigureSnapshot

    wanted = {_part_key(key, n): n for n in numbers}

    def read() -> dict:
        return {row[0]: row[1:] for row in FigureSnapshot.objects.filter(key__in=[key, *wanted])
                .values_list("key", "data", "computed_at")}

    rows = read()
    if key not in rows:
        refresh(key)
        rows = read()
    data, computed_at = rows.pop(key)
    return dict(data), [rows[part][0]["rows"] for part in sorted(rows, key=wanted.__getitem__)], computed_at


def figures_pick(key: str, names) -> tuple[dict, dt.datetime]:
    """Like figures(), with only the top-level entries `names` of the data (those it has): the
    quarterly roll-up needs the district line of a province's department figures (150 KB of JSON)
    and a page of groups of its problem counts, not the whole. PostgreSQL picks them out of the
    stored JSON (one query); elsewhere the whole snapshot is read and picked from."""
    from django.db import connection

    names = [str(name) for name in names]
    row = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The stored JSON is unpacked once (the CTE's copy): picked name by name from the
            # table's value it is unpacked for each name (a province's 100 groups: 30 ms, not 0.5).
            cursor.execute(
                """WITH snapshot AS MATERIALIZED (
                       SELECT data || '{}'::jsonb AS data, computed_at FROM liaison_figuresnapshot WHERE key = %s)
                   SELECT coalesce((SELECT jsonb_object_agg(name, data -> name) FROM unnest(%s::text[]) AS name
                                    WHERE data ? name), '{}'::jsonb), computed_at
                   FROM snapshot""",
                [key, names],
            )
            row = cursor.fetchone()
    if row is None:
        data, computed_at = figures(key)
        return {name: data[name] for name in names if name in data}, computed_at
    picked, computed_at = row
    return _json(picked), computed_at


def figures_path(key: str, path: str, variables: dict) -> list | None:
    """The items of a stored figure a JSON path picks, e.g. a page of one of its lists or one group's rows
    (`lax $."groups"[$from to $last]`), cut out by PostgreSQL in one query; None where the database
    cannot (the caller reads the figure whole) or the figure is not stored yet."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT jsonb_path_query_array(data, %s::jsonpath, %s::jsonb) FROM liaison_figuresnapshot WHERE key = %s",
            [path, json.dumps(variables), key],
        )
        row = cursor.fetchone()
    return None if row is None else _json(row[0])


def _json(value):
    return json.loads(value) if isinstance(value, str) else value  # psycopg2 parses jsonb itself


def figures(key: str) -> tuple[dict, dt.datetime]:
    """The stored figure and when it was computed; computed now if the beat job has not run yet."""
    row = stored_row(key)
    if row is None:
        refresh(key)
        row = stored_row(key)
    data, list_key = row[2], _parted(key)
    if list_key is not None and isinstance(data.get(list_key), dict):  # the whole list, from its parts
        data = {**data, list_key: [item for part in _parts(key, range(data[list_key]["parts"]))[1] for item in part]}
    return data, row[1]


def stored_row(key: str, *, unless: tuple | None = None) -> tuple | None:
    """(pk, computed_at, data) of the figure's row, or None; data is None when (pk, computed_at) is `unless`
    (the caller keeps what it drew from that row). One query. On PostgreSQL it is written out: a home page
    reads six snapshots, and building each query through the ORM cost more than running it."""
    from django.db import connection

    if connection.vendor == "postgresql":
        kept_pk, kept_at = unless or (None, None)
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT id, computed_at, CASE WHEN id = %s AND computed_at = %s THEN NULL ELSE data END
                   FROM liaison_figuresnapshot WHERE key = %s""",
                [kept_pk, kept_at, key],
            )
            row = cursor.fetchone()
        return None if row is None else (row[0], row[1], None if row[2] is None else _json(row[2]))
    from django.db.models import Case, F, JSONField, Value, When

    from .models import FigureSnapshot

    data = F("data") if unless is None else Case(
        When(pk=unless[0], computed_at=unless[1], then=Value(None, output_field=JSONField())),
        default=F("data"), output_field=JSONField(),
    )
    return FigureSnapshot.objects.filter(key=key).values_list("pk", "computed_at", data).first()
