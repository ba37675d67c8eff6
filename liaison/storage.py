"""Private files (rendered PDFs, export workbooks, departments' reply attachments): outside MEDIA_ROOT, handed out only by views
that check visible_to. Lives in liaison because every app may store such files."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """Served only through a scoped view, never as /media/.
    The folder is read from settings.PRIVATE_MEDIA_ROOT on each use (tests point it elsewhere)."""

    @property
    def base_location(self):
        return Path(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return str(Path(self.base_location).resolve())

    @property
    def base_url(self):
        return None


def private_storage() -> FileSystemStorage:
    return PrivateStorage()
