"""`manage.py admin_totp USERNAME [--replace]`: enrol a staff account's TOTP device for /admin/ and print
what the authenticator app needs, as a QR code in the terminal and as text (docs/operations.md "Admin
access"). The QR code is drawn here so that the secret never goes through a web QR generator."""

from __future__ import annotations

import io
from typing import Any

import segno
from django.core.management.base import BaseCommand, CommandError, CommandParser

from unse.ops.services import AdminTotpError, admin_totp_enrol

MAX_COLUMNS = 80
QUIET_ZONE = 4  # modules: the QR standard's minimum
WHITE_ON_BLACK = "\x1b[97;40m"
RESET = "\x1b[0m"


class Command(BaseCommand):
    help = "관리자 계정에 OTP(TOTP) 기기를 등록하고 인증 앱에 넣을 주소와 비밀 키, QR 코드를 보여 줍니다."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="스태프 계정 이름")
        parser.add_argument("--replace", action="store_true", help="이미 있는 기기를 지우고 새로 등록")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            device = admin_totp_enrol(username=options["username"], replace=options["replace"])
        except AdminTotpError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        secret = device.config_url.split("secret=", 1)[1].split("&", 1)[0]
        self.stdout.write("인증 앱(Google Authenticator 등)에 비밀 키를 직접 입력하거나 QR 코드를 찍으세요.")
        # The text first: the device is saved already, and a terminal that cannot show the QR code must not
        # cost the operator the secret.
        self.stdout.write(f"주소: {device.config_url}")
        self.stdout.write(f"비밀 키: {secret}")
        self._write_qr(device.config_url)
        self.stdout.write("/admin/ 로그인 때 비밀번호와 함께 앱의 6자리 숫자를 넣습니다.")

    def _write_qr(self, address: str) -> None:
        """The address as a QR code of half-block characters (two rows of modules per line, with the standard
        quiet zone), or a line saying why there is none."""
        code = segno.make_qr(address, error="m")
        width, _ = code.symbol_size(border=QUIET_ZONE)
        if width > MAX_COLUMNS:  # a very long account name: the code would wrap in the terminal
            self.stdout.write(
                f"QR 코드가 {MAX_COLUMNS}칸보다 넓어서 보여 드릴 수 없습니다. 비밀 키를 입력하세요."
            )
            return
        picture = io.StringIO()
        code.terminal(out=picture, compact=True, border=QUIET_ZONE)
        lines = picture.getvalue().splitlines()
        if self.stdout.isatty():
            # segno draws light modules as blocks in the text colour: white on black whatever the terminal's
            # theme (dark on light would be an inverted code, which some scanners refuse).
            lines = [f"{WHITE_ON_BLACK}{line}{RESET}" for line in lines]
        try:
            # Whole lines: Django's output wrapper ends every write with a newline of its own.
            self.stdout.write("\n".join(lines))
        except UnicodeEncodeError:  # e.g. a cp949 terminal: Korean prints, block characters do not
            self.stdout.write("이 터미널은 QR 코드를 그릴 수 없습니다. 위의 비밀 키를 입력하세요.")
