"""`manage.py repair_favourite_dates [--dry-run]`: fix favourite dates saved outside 1900–2100 (issue 20)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from unse.accounts.services.favourites import favourites_out_of_range_repair


class Command(BaseCommand):
    help = "1900–2100년 밖으로 저장된 즐겨찾기 날짜를 가장 가까운 지원 날짜로 옮기고 원래 날짜를 메모에 남깁니다."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="고치지 않고 대상 수만 알려 줍니다")

    def handle(self, *args: Any, **options: Any) -> None:
        count = favourites_out_of_range_repair(dry_run=options["dry_run"])
        if options["dry_run"]:
            self.stdout.write(f"[시험 실행] 범위 밖 즐겨찾기 날짜 {count}개를 고칠 예정입니다.")
        else:
            self.stdout.write(f"범위 밖 즐겨찾기 날짜 {count}개를 고쳤습니다.")
