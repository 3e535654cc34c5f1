"""`manage.py rotate_field_encryption`: re-encrypt every encrypted column with the first configured key."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from unse.accounts.services.encryption import encryption_rotate


class Command(BaseCommand):
    help = "암호화된 개인정보를 FIELD_ENCRYPTION_KEYS의 첫 번째 키로 다시 암호화합니다."

    def handle(self, *args: Any, **options: Any) -> None:
        for label, count in encryption_rotate().items():
            self.stdout.write(f"{label}: {count}개 다시 암호화")
