"""The one idempotent release step: migrate, create the DB cache table if used, collect static files."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "마이그레이션, 캐시 테이블, 정적 파일을 준비합니다 (여러 번 실행해도 안전)."

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=1)
        if any(str(c["BACKEND"]).endswith("DatabaseCache") for c in settings.CACHES.values()):
            call_command("createcachetable", verbosity=1)
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(self.style.SUCCESS("release: ok"))
