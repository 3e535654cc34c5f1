"""`manage.py admin_totp USERNAME [--replace]`: enrol a staff account's TOTP device for /admin/ and print
what the authenticator app needs (docs/operations.md "Admin access")."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from unse.ops.services import AdminTotpError, admin_totp_enrol


class Command(BaseCommand):
    help = "관리자 계정에 OTP(TOTP) 기기를 등록하고 인증 앱에 넣을 주소와 비밀 키를 보여 줍니다."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="스태프 계정 이름")
        parser.add_argument("--replace", action="store_true", help="이미 있는 기기를 지우고 새로 등록")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            device = admin_totp_enrol(username=options["username"], replace=options["replace"])
        except AdminTotpError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        secret = device.config_url.split("secret=", 1)[1].split("&", 1)[0]
        self.stdout.write(
            "인증 앱(Google Authenticator 등)에 아래 주소를 QR로 넣거나 비밀 키를 직접 입력하세요."
        )
        self.stdout.write(f"주소: {device.config_url}")
        self.stdout.write(f"비밀 키: {secret}")
        self.stdout.write("/admin/ 로그인 때 비밀번호와 함께 앱의 6자리 숫자를 넣습니다.")
