"""`manage.py admin_totp USERNAME [--replace]`: enrol a staff account's TOTP device for /admin/ and print
what the authenticator app needs, as a QR code in the terminal and as text (docs/operations.md "Admin
access"). The QR code is drawn here so that the secret never goes through a web QR generator."""

from __future__ import annotations

import io
from typing import Any

import segno
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
            "인증 앱(Google Authenticator 등)으로 아래 QR 코드를 찍거나 비밀 키를 직접 입력하세요."
        )
        # Half-block characters (two rows of modules per line) with the standard quiet zone: phones read it
        # from a terminal of 80 columns. Rendered whole first: Django's output wrapper ends every write with
        # a newline of its own.
        picture = io.StringIO()
        segno.make(device.config_url, error="m").terminal(out=picture, compact=True)
        self.stdout.write(picture.getvalue(), ending="")
        self.stdout.write(f"주소: {device.config_url}")
        self.stdout.write(f"비밀 키: {secret}")
        self.stdout.write("/admin/ 로그인 때 비밀번호와 함께 앱의 6자리 숫자를 넣습니다.")
