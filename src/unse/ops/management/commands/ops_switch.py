"""`manage.py ops_switch list | get NAME | set NAME VALUE --actor USER | reset NAME --actor USER |
breaker-reset PROVIDER --actor USER`: the console's switches from a shell (same service, same audit)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from unse.core.switch_store import switch_get, switch_rows
from unse.core.switches import SWITCHES, SwitchValueError, switch_format
from unse.ops import services
from unse.ops.models import AuditSource


class Command(BaseCommand):
    help = "운영 스위치를 보거나 바꿉니다(모든 변경은 감사 기록에 남습니다)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=("list", "get", "set", "reset", "breaker-reset"))
        parser.add_argument("name", nargs="?", default="")
        parser.add_argument("value", nargs="?", default=None)
        parser.add_argument(
            "--actor", default="", help="변경하는 관리자 계정 이름(set/reset/breaker-reset에 필수)"
        )

    def _actor(self, username: str) -> Any:
        if not username:
            raise CommandError("--actor 관리자 계정 이름이 필요합니다.", returncode=2)
        user = get_user_model().objects.filter(username=username, is_staff=True, is_active=True).first()
        if user is None:
            raise CommandError(f"'{username}' 관리자 계정이 없습니다(활성 스태프 계정만 가능).", returncode=2)
        return user

    def handle(self, *args: Any, **options: Any) -> None:
        action, name, value = options["action"], options["name"], options["value"]
        try:
            if action == "list":
                for row in switch_rows():
                    mark = "*" if row["overridden"] else " "
                    shown = switch_format(row["name"], row["value"]).replace("\n", "; ")
                    self.stdout.write(f"{mark} {row['name']} = {shown}")
                return
            if action == "breaker-reset":
                services.breaker_reset_by_operator(
                    actor=self._actor(options["actor"]), provider=name, source=AuditSource.COMMAND
                )
                self.stdout.write(f"{name} 차단기를 초기화했습니다.")
                return
            if name not in SWITCHES:
                raise SwitchValueError(f"알 수 없는 스위치: {name or '(없음)'}")
            if action == "get":
                self.stdout.write(json.dumps(switch_get(name), ensure_ascii=False))
            elif action == "set":
                if value is None:
                    raise SwitchValueError("바꿀 값을 입력해 주세요.")
                stored = services.switch_set(
                    actor=self._actor(options["actor"]), name=name, value=value, source=AuditSource.COMMAND
                )
                self.stdout.write(f"{name} = {switch_format(name, stored)}")
            else:
                default = services.switch_reset(
                    actor=self._actor(options["actor"]), name=name, source=AuditSource.COMMAND
                )
                self.stdout.write(f"{name} = {switch_format(name, default)} (기본값)")
        except SwitchValueError as exc:
            raise CommandError(str(exc), returncode=2) from exc
