"""`manage.py deliver_outbox`: send due outbox mails (retries after failures) and purge old sent rows."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from unse.accounts.services.outbox import outbox_deliver_due


class Command(BaseCommand):
    help = "보낼 차례가 된 메일(재시도 포함)을 보내고 오래된 발송 기록을 지웁니다."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=500, help="한 번에 보낼 최대 개수")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["limit"] < 1:
            raise CommandError("--limit은 1 이상이어야 합니다.", returncode=2)
        run = outbox_deliver_due(limit=options["limit"])
        self.stdout.write(
            f"보낼 메일 {run.due}개 중 {run.sent}개를 보냈습니다. 오래된 발송 기록 {run.purged}개를 지웠습니다."
        )
