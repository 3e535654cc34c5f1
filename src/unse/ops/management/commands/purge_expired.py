"""`manage.py purge_expired [--dry-run] [--readings-days N] [--staff-log-days N] [--batch-run-days N]`."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from unse.ops.services import retention_purge

LABELS = {
    "readings": "저장되지 않은 풀이",
    "staff_access_logs": "관리자 열람 기록",
    "audit_entries": "감사 기록",
    "batch_runs": "운세 배치 실행 기록",
}


def _days(value: str) -> int:
    try:
        days = int(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError("일수는 0 이상의 정수여야 합니다.") from exc
    if days < 0:
        raise argparse.ArgumentTypeError("일수는 0 이상의 정수여야 합니다.")
    return days


class Command(BaseCommand):
    help = "보관 기간이 지난 풀이와 기록을 삭제합니다(docs/privacy.md). 0일 = 영구 보관."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="삭제하지 않고 개수만 셉니다.")
        parser.add_argument("--readings-days", type=_days, default=None, help="RETENTION_READINGS_DAYS 대신")
        parser.add_argument(
            "--staff-log-days", type=_days, default=None, help="RETENTION_STAFF_LOG_DAYS 대신"
        )
        parser.add_argument(
            "--batch-run-days", type=_days, default=None, help="RETENTION_BATCH_RUN_DAYS 대신"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = retention_purge(
            readings_days=options["readings_days"],
            staff_log_days=options["staff_log_days"],
            batch_run_days=options["batch_run_days"],
            dry_run=options["dry_run"],
        )
        verb = "삭제 예정" if options["dry_run"] else "삭제"
        for key, count in result.as_dict().items():
            self.stdout.write(f"{LABELS[key]}: {count}개 {verb}")
