"""Trigram (pg_trgm) GIN indexes for the search box: Chinese substrings at a million rows.

`icontains` compiles to `UPPER(col::text) LIKE UPPER(%s)` on PostgreSQL, so the indexes are
on `UPPER(col)`; pg_trgm uses them for patterns of three characters or more. On SQLite
(the newcomer's setup) this migration does nothing: search is a plain contains match there.
"""

from django.db import migrations

INDEXES = [
    ("search_problem_text_trgm", "constituents_problem", "text"),
    ("search_constituent_name_trgm", "constituents_constituent", "name"),
    ("search_suggestion_title_trgm", "constituents_suggestion", "title"),
    ("search_suggestion_content_trgm", "constituents_suggestion", "content"),
    ("search_activity_summary_trgm", "constituents_contactactivity", "summary"),
    ("search_activity_place_trgm", "constituents_contactactivity", "place"),
    ("search_deputy_name_trgm", "deputies_deputy", "name"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ("constituents", "0011_problem_linked_to"),
        ("deputies", "0004_merge_20261130_1912"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
