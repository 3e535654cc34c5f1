"""`manage.py generate_daily_fortunes`: tomorrow's daily fortune for every target user.

Date logic (seed 004): `--date` is the base date (default: today in Asia/Seoul); the fortunes are
for the NEXT day. Exit status: 0 on success, 1 when failures exceed DAILY_FORTUNE_MAX_FAILURE_SHARE,
2 on bad options (one Korean line, no traceback).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from unse.core.clock import kst_today
from unse.fortunes.batch.run import BatchPlan, BatchProcessDied, batch_execute
from unse.fortunes.batch.work import DailyFortuneWork

USAGE_EXIT = 2
FAILURE_EXIT = 1


def _usage_error(message: str) -> CommandError:
    return CommandError(message, returncode=USAGE_EXIT)


class Command(BaseCommand):
    help = "기준일 다음 날의 오늘의 운세를 대상 사용자 모두에게 미리 생성합니다."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            dest="base_date",
            help="기준일 YYYY-MM-DD (기본: 오늘, 한국 시간). 다음 날 운세를 만듭니다.",
        )
        parser.add_argument("--workers", type=str, default=None, help="동시에 처리할 사용자 수")
        parser.add_argument(
            "--processes",
            type=str,
            default=None,
            help="프로세스 수 (기본 DAILY_FORTUNE_PROCESSES): 대상을 나눠 여러 코어에서 처리합니다",
        )
        parser.add_argument("--user-id", dest="user_id", type=str, default=None, help="이 사용자만 처리")
        parser.add_argument(
            "--dry-run", action="store_true", help="AI 호출과 저장 없이 무엇을 할지만 알려 줍니다"
        )
        parser.add_argument("--limit", type=str, default=None, help="최대 처리 인원")
        parser.add_argument("--force", action="store_true", help="이미 있는 운세도 다시 생성합니다")

    @staticmethod
    def _positive(name: str, raw: str | None) -> int | None:
        if raw is None:
            return None
        try:
            value = int(raw)
        except ValueError:
            raise _usage_error(f"{name} 값은 1 이상의 정수여야 합니다: {raw!r}") from None
        if value < 1:
            raise _usage_error(f"{name} 값은 1 이상의 정수여야 합니다: {raw!r}")
        return value

    def _plan(self, options: dict[str, Any]) -> BatchPlan:
        raw_date = options.get("base_date")
        if raw_date:
            try:
                base = date.fromisoformat(raw_date)
            except ValueError:
                raise _usage_error(f"--date 는 YYYY-MM-DD 형식이어야 합니다: {raw_date!r}") from None
        else:
            base = kst_today()
        workers = self._positive("--workers", options.get("workers")) or settings.DAILY_FORTUNE_WORKERS
        return BatchPlan(
            base_date=base,
            workers=workers,
            user_id=self._positive("--user-id", options.get("user_id")),
            dry_run=bool(options.get("dry_run")),
            limit=self._positive("--limit", options.get("limit")),
            force=bool(options.get("force")),
            processes=self._positive("--processes", options.get("processes"))
            or settings.DAILY_FORTUNE_PROCESSES,
        )

    def handle(self, *args: Any, **options: Any) -> None:
        plan = self._plan(options)
        self.stdout.write(
            f"기준일 {plan.base_date.isoformat()} → {plan.target_date.isoformat()} 운세"
            f" (동시 처리 {plan.workers}{f', 프로세스 {plan.processes}개' if plan.processes > 1 else ''}"
            f"{', 시험 실행' if plan.dry_run else ''}{', 강제 재생성' if plan.force else ''})"
        )
        try:
            summary, run = batch_execute(
                plan=plan,
                work=DailyFortuneWork(target_date=plan.target_date, validate_chart=plan.dry_run),
                stream=self.stdout,
                emit=self.stdout.write,
            )
        except BatchProcessDied as error:
            raise CommandError(
                f"작업 프로세스가 비정상 종료했습니다 ({error}). 다시 실행하면 남은 사용자만 처리합니다.",
                returncode=FAILURE_EXIT,
            ) from error
        self.stdout.write(summary.to_text())
        self.stdout.write(f"배치 기록 #{run.pk}")
        if not summary.ok:
            raise CommandError(
                f"실패율 {summary.failure_share:.1%} 가 허용치 {summary.max_failure_share:.1%} 를 넘었습니다.",
                returncode=FAILURE_EXIT,
            )
