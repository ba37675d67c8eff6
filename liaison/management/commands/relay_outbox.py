"""Publish the task outbox and retry pending e-mails and texts, once or in a loop.

Beat runs the same every minute (`liaison.tasks.relay_outbox`). This command is
for a deployment without beat, or to catch up by hand after an outage:
`python manage.py relay_outbox` or `python manage.py relay_outbox --every 30`.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "发出发件箱中暂存的后台任务，并重试未发送的邮件和短信"

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=0, help="每隔多少秒重复一次（默认只运行一次）")

    def handle(self, *args, every: float = 0, **options):
        from liaison.tasks import relay_outbox

        while True:
            result = relay_outbox()
            self.stdout.write(
                f"已发布任务 {result['published']} 个，发送邮件 {result['emails']} 封，短信 {result['texts']} 条"
            )
            if not every:
                return
            time.sleep(every)
