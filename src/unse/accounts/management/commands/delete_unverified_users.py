"""`manage.py delete_unverified_users --days 3 [--dry-run]`: free the e-mails held by never-verified accounts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from unse.accounts.services.deletion import unverified_users_delete


class Command(BaseCommand):
    help = "이메일 인증을 마치지 않은 채 지정한 날수가 지난 계정을 지웁니다."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, default=settings.UNVERIFIED_ACCOUNT_DAYS, help="가입 후 지난 날수"
        )
        parser.add_argument("--dry-run", action="store_true", help="지우지 않고 대상 수만 알려 줍니다")

    def handle(self, *args: Any, **options: Any) -> None:
        days: int = options["days"]
        if days < 1:
            raise CommandError("--days는 1 이상이어야 합니다.", returncode=2)
        count = unverified_users_delete(days=days, dry_run=options["dry_run"])
        if options["dry_run"]:
            self.stdout.write(f"[시험 실행] {days}일 넘게 인증하지 않은 계정 {count}개를 지울 예정입니다.")
        else:
            self.stdout.write(f"{days}일 넘게 인증하지 않은 계정 {count}개를 지웠습니다.")
