from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from liaison.backups import BackupError, backup_restore, latest_backup


class Command(BaseCommand):
    help = "从备份恢复数据库和上传的文件（默认最近一次备份）。会覆盖当前数据，请先停止服务。"

    def add_arguments(self, parser):
        parser.add_argument("folder", nargs="?", help="备份目录，如 var/backups/20261130-030000；默认最近一次")
        parser.add_argument("--database-url", help="恢复到另一个数据库（默认当前配置的数据库）")
        parser.add_argument("--media-root", help="恢复文件到另一个目录（默认 MEDIA_ROOT）")
        parser.add_argument("--private-root", help="恢复不公开的文件（答复附件等）到另一个目录（默认 PRIVATE_MEDIA_ROOT）")
        parser.add_argument("--yes", action="store_true", help="不再确认")

    def handle(self, *args, folder=None, database_url=None, media_root=None, private_root=None, yes=False, **options):
        try:
            source = Path(folder) if folder else latest_backup()
            if not yes and input(f"将用 {source} 覆盖当前数据，输入 yes 继续：").strip() != "yes":
                raise CommandError("已取消。")
            manifest = backup_restore(folder=source, database_url=database_url,
                                      media_root=Path(media_root) if media_root else None,
                                      private_root=Path(private_root) if private_root else None)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(
            f"已恢复 {source}（{manifest['created_at']} 的备份，{len(manifest['tables'])} 张表）。"
        ))
