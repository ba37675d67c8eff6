"""`make backup` / `make restore` (issue 9 §7): a backup restores into a fresh
database with the same rows and the same files. Runs on PostgreSQL when
DATABASE_URL says so (pg_dump / pg_restore), else on SQLite files."""

from __future__ import annotations

import os
import uuid

import pytest
from django.core.management import call_command
from django.db import connection

from constituents.tests.factories import ConstituentFactory
from liaison.backups import (
    MEDIA_ARCHIVE,
    PRIVATE_ARCHIVE,
    BackupError,
    backup_create,
    backup_restore,
    postgres_table_counts,
    sha256,
    sqlite_table_counts,
)

# pg_dump reads committed rows only.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    photo = settings.MEDIA_ROOT / "activities" / "2026" / "11" / "1-photo.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(os.urandom(4096))
    return photo


@pytest.fixture
def fresh_database(tmp_path):
    """A new, empty database to restore into; dropped afterwards on PostgreSQL."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg2

    db = connection.settings_dict
    name = f"{db['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], password=db["PASSWORD"],
                             dbname="postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{name}"
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()


def restored_counts(url: str) -> dict[str, int]:
    if url.startswith("sqlite:///"):
        return sqlite_table_counts(url.removeprefix("sqlite:///"))
    return postgres_table_counts(url)


def test_a_backup_restores_into_a_fresh_database_with_the_same_rows_and_files(
    media, fresh_database, tmp_path, community_a, staff_user, settings,
):
    ConstituentFactory.create_batch(3, community=community_a)
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    attachment = settings.PRIVATE_MEDIA_ROOT / "forwardings" / "7" / "reply.pdf"  # a department's reply
    attachment.parent.mkdir(parents=True)
    attachment.write_bytes(os.urandom(2048))
    folder = backup_create(root=tmp_path / "backups")
    assert {p.name for p in folder.iterdir()} >= {"manifest.json", "SHA256SUMS", MEDIA_ARCHIVE, PRIVATE_ARCHIVE}

    manifest = backup_restore(folder=folder, database_url=fresh_database, media_root=tmp_path / "restored-media",
                              private_root=tmp_path / "restored-private")
    restored_attachment = tmp_path / "restored-private" / "forwardings" / "7" / "reply.pdf"
    assert sha256(restored_attachment) == sha256(attachment)
    assert manifest["tables"]["constituents_constituent"] == 3
    assert manifest["tables"]["liaison_user"] >= 1
    assert restored_counts(fresh_database) == manifest["tables"]
    restored_photo = tmp_path / "restored-media" / media.relative_to(media.parents[3])
    assert sha256(restored_photo) == sha256(media)


def test_a_damaged_backup_is_refused(media, fresh_database, tmp_path, db):
    folder = backup_create(root=tmp_path / "backups")
    archive = folder / MEDIA_ARCHIVE
    archive.write_bytes(archive.read_bytes() + b"tampered")
    with pytest.raises(BackupError, match="校验和不符"):
        backup_restore(folder=folder, database_url=fresh_database, media_root=tmp_path / "restored-media")


def test_the_backup_command_writes_under_var_backups(media, tmp_path, settings, db, capsys):
    settings.BACKUP_ROOT = tmp_path / "var-backups"
    call_command("backup")
    assert "备份完成" in capsys.readouterr().out
    assert len(list((tmp_path / "var-backups").iterdir())) == 1
