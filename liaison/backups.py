"""Backups (issue 9 §7): the database plus the stored files, with a manifest
and checksums, into var/backups/<timestamp>/; and the way back.

- PostgreSQL: `pg_dump --format=custom` / `pg_restore --clean --if-exists`.
- SQLite (the embedded default): SQLite's online backup API, so a backup
  taken while the app runs is consistent.
- Files: MEDIA_ROOT (activity photos) as media.tar.gz, PRIVATE_MEDIA_ROOT (reply attachments, stored
  PDFs, export workbooks) as private.tar.gz.

manifest.json records when, which engine, the row count of every table and
the SHA-256 of every file of the backup; SHA256SUMS is the same checksums in
`sha256sum -c` form. `restore` refuses a backup whose checksums do not match.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

DB_DUMP_PG = "database.dump"
DB_DUMP_SQLITE = "database.sqlite3"
MEDIA_ARCHIVE = "media.tar.gz"
# Reply attachments, stored PDFs and export workbooks: outside MEDIA_ROOT (liaison/storage.py).
PRIVATE_ARCHIVE = "private.tar.gz"
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"


class BackupError(Exception):
    pass


def backups_root() -> Path:
    return Path(getattr(settings, "BACKUP_ROOT", settings.BASE_DIR / "var" / "backups"))


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def table_counts(db_connection=None) -> dict[str, int]:
    """Rows per table of the project's schema (what a restore must give back)."""
    db_connection = db_connection or connection
    counts = {}
    with db_connection.cursor() as cursor:
        for table in sorted(db_connection.introspection.table_names(cursor)):
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 — names from the catalogue
            counts[table] = cursor.fetchone()[0]
    return counts


def _pg_env(db: dict) -> dict:
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_args(db: dict) -> list[str]:
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return args


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} 失败：{result.stderr.strip()[:500]}")


def backup_create(*, root: Path | None = None, alias: str = "default") -> Path:
    """Write a new backup folder and return it."""
    root = root or backups_root()
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    target = root / stamp
    suffix = 1
    while target.exists():
        suffix += 1
        target = root / f"{stamp}-{suffix}"
    target.mkdir(parents=True)

    db_connection = connections[alias]
    db = db_connection.settings_dict
    vendor = db_connection.vendor
    if vendor == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target / DB_DUMP_PG),
              *_pg_args(db), str(db["NAME"])], _pg_env(db))
    elif vendor == "sqlite":
        db_connection.ensure_connection()
        destination = sqlite3.connect(target / DB_DUMP_SQLITE)
        try:
            db_connection.connection.backup(destination)
        finally:
            destination.close()
    else:
        raise BackupError(f"不支持的数据库：{vendor}")

    _archive(Path(settings.MEDIA_ROOT), target / MEDIA_ARCHIVE, "media")
    _archive(Path(settings.PRIVATE_MEDIA_ROOT), target / PRIVATE_ARCHIVE, "private")

    files = {path.name: sha256(path) for path in sorted(target.iterdir())}
    manifest = {
        "created_at": timezone.now().isoformat(),
        "database_vendor": vendor,
        "database_name": Path(str(db["NAME"])).name,
        "tables": table_counts(db_connection),
        "files": files,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    (target / SUMS).write_text(
        "".join(f"{digest}  {name}\n" for name, digest in {**files, MANIFEST: sha256(target / MANIFEST)}.items()),
        encoding="utf-8",
    )
    return target


def backup_verify(folder: Path) -> dict:
    """Check every file against SHA256SUMS; returns the manifest."""
    sums = folder / SUMS
    if not sums.exists():
        raise BackupError(f"{folder} 不是完整的备份（缺少 {SUMS}）。")
    for line in sums.read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        path = folder / name
        if not path.exists() or sha256(path) != digest:
            raise BackupError(f"备份文件 {name} 缺失或已损坏（校验和不符），不能恢复。")
    return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))


def latest_backup(root: Path | None = None) -> Path:
    root = root or backups_root()
    folders = sorted(p for p in root.glob("*") if (p / MANIFEST).exists()) if root.exists() else []
    if not folders:
        raise BackupError(f"{root} 下没有备份。")
    return folders[-1]


def _archive(folder: Path, archive_path: Path, arcname: str) -> None:
    with tarfile.open(archive_path, "w:gz") as archive:
        if folder.exists():
            archive.add(folder, arcname=arcname)


def _unpack(archive_path: Path, arcname: str, root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive_path, "r:gz") as archive:
        for member in archive.getmembers():
            relative = Path(member.name).relative_to(arcname) if member.name != arcname else Path()
            if member.isdir() or not str(relative) or not member.isfile():
                continue
            destination = (root / relative).resolve()
            if root.resolve() not in destination.parents:  # a hostile archive cannot write elsewhere
                raise BackupError(f"备份中的文件路径不正确：{member.name}")
            destination.parent.mkdir(parents=True, exist_ok=True)
            with archive.extractfile(member) as source, destination.open("wb") as out:
                shutil.copyfileobj(source, out)


def backup_restore(*, folder: Path, database_url: str | None = None, media_root: Path | None = None,
                   private_root: Path | None = None) -> dict:
    """Restore the database (into `database_url`, default the configured one) and the files."""
    manifest = backup_verify(folder)
    target = dj_database_url.parse(database_url) if database_url else connections["default"].settings_dict
    engine = target["ENGINE"]
    if manifest["database_vendor"] == "postgresql":
        if "postgresql" not in engine:
            raise BackupError("这是 PostgreSQL 的备份，只能恢复到 PostgreSQL 数据库。")
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
              "--dbname", str(target["NAME"]), *_pg_args(target), str(folder / DB_DUMP_PG)], _pg_env(target))
    else:
        if "sqlite" not in engine:
            raise BackupError("这是 SQLite 的备份，只能恢复到 SQLite 数据库文件。")
        path = Path(str(target["NAME"]))
        if not database_url:
            connections.close_all()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".restoring")
        shutil.copyfile(folder / DB_DUMP_SQLITE, tmp)
        os.replace(tmp, path)

    _unpack(folder / MEDIA_ARCHIVE, "media", Path(media_root or settings.MEDIA_ROOT))
    if (folder / PRIVATE_ARCHIVE).exists():  # backups made before private files were included
        _unpack(folder / PRIVATE_ARCHIVE, "private", Path(private_root or settings.PRIVATE_MEDIA_ROOT))
    return manifest


def sqlite_table_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        tables = [row[0] for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {table: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in tables}  # noqa: S608


def postgres_table_counts(database_url: str) -> dict[str, int]:
    import psycopg2

    parts = urlsplit(database_url)
    with psycopg2.connect(host=parts.hostname, port=parts.port or 5432, user=parts.username,
                          password=parts.password, dbname=parts.path.lstrip("/")) as db, db.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608
            counts[table] = cursor.fetchone()[0]
        return counts
