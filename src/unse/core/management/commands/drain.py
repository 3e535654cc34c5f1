"""`manage.py drain on|off|status`: the drain file that flips /ready/ to 503 on every worker."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from unse.core.drain import drain_file, drain_start, drain_stop, is_draining


class Command(BaseCommand):
    help = "준비 상태(/ready/)를 503으로 바꿔 로드밸런서가 새 요청을 보내지 않게 합니다 (on/off/status)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["on", "off", "status"])

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "on":
            drain_start()
        elif action == "off":
            drain_stop()
        state = "draining" if is_draining() else "serving"
        self.stdout.write(f"{state} (drain file: {drain_file()})")
