"""Reads that tolerate replication lag go to a PostgreSQL streaming replica (docs/SCALE_OUT.md).

Off unless REPLICA_DATABASE_URL is set: then settings add a "replica" database and
this router. Only the figures pages read through it — the committee's read-heavy,
district-wide counts, which are minutes old by design — and only outside a
transaction, so a write followed by its own read never sees a stale row. Every
write, and every other read, goes to "default" (the primary).
"""

from __future__ import annotations

from django.db import connections, transaction

# Models whose reads may lag a few seconds behind the primary.
LAG_TOLERANT = frozenset({"liaison.figuresnapshot"})


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if model._meta.label_lower not in LAG_TOLERANT or "replica" not in connections.databases:
            return None
        if transaction.get_connection("default").in_atomic_block:
            return "default"
        return "replica"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"  # the replica follows the primary's WAL; never migrate it
