"""Build the demo district. Each app that has a `demo` module adds its part, in
INSTALLED_APPS order, so this command imports no app above `liaison`."""

from __future__ import annotations

import importlib
import random
import time
from unittest import mock

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from liaison.demo_clock import settle_notifications

DEMO_PASSWORD = "Demo@2026"
DEMO_ACCOUNTS = [
    ("staff", "联络工委工作人员"),
    ("committee", "常委会委员（只读）"),
    ("liaison", "第一代表组联络员"),
    ("deputy", "第一代表组代表"),
    ("deputy2", "第二代表组代表"),
    ("dept", "承办单位：区住房和城乡建设局"),
    ("dept2", "承办单位：区民政局"),
    ("admin", "系统管理员（超级用户）"),
]


class Command(BaseCommand):
    help = "生成示范区演示数据（仅在设置 LIAISON_ALLOW_DEMO=true 时可用，make run / make dev 会设置）。"

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="已有数据时什么也不做")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **options):
        # An explicit switch, not DEBUG: `make run` serves the demo in production mode.
        if not settings.LIAISON_ALLOW_DEMO:
            raise CommandError("演示数据只能在设置了 LIAISON_ALLOW_DEMO=true 的环境中生成（make run / make dev 会设置）。")
        from deputies.models import Term

        if Term.objects.exists():
            if options["if_empty"]:
                self.stdout.write("已有数据，跳过演示数据生成。")
                return
            raise CommandError("数据库里已经有数据；演示数据只能在空库中生成。")
        rng = random.Random(options["seed"])
        context: dict = {"rng": rng, "password": DEMO_PASSWORD}
        started = time.monotonic()
        # The demo's notices are stamped in the past and count as e-mailed then
        # (demo_clock.settle_notifications); their texts are not sent either.
        with mock.patch("liaison.notifications._queue_texts"), transaction.atomic():
            seed_every_app(context, done=lambda label: self.stdout.write(f"  {label}：完成"))
        settle_notifications()  # after the commit: some notices are sent on commit
        self.stdout.write(self.style.SUCCESS(f"示范区演示数据已生成（{time.monotonic() - started:.1f} 秒）。"))
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, label in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<10}{label}")


def seed_every_app(context: dict, *, done=lambda label: None) -> None:
    """Each app's `demo.seed(context)`, in app order (apps without a demo module are skipped)."""
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as error:
            if error.name == f"{config.name}.demo":
                continue
            raise
        module.seed(context)
        done(config.verbose_name)
