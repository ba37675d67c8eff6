from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from liaison.backups import BackupError, backup_create


class Command(BaseCommand):
    help = "备份数据库和上传的文件到 var/backups/<时间>/（含清单和校验和）。"

    def handle(self, *args, **options):
        try:
            folder = backup_create()
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"备份完成：{folder}"))
