"""The console's models: the staff audit trail, and its proxy of the runtime switches (unse.core.models)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from unse.core.models import RuntimeSwitch as CoreRuntimeSwitch


class RuntimeSwitch(CoreRuntimeSwitch):
    """The console's view of the switches' table (its admin pages, `ops.*_runtimeswitch` permissions)."""

    class Meta:
        proxy = True
        verbose_name = "운영 스위치"
        verbose_name_plural = "운영 스위치"


class AuditSource(models.TextChoices):
    CONSOLE = "console", "운영 콘솔"
    COMMAND = "command", "관리 명령"
    ADMIN = "admin", "관리자 화면 변경"
    ACCESS = "access", "개인정보 열람"


class AuditEntry(models.Model):
    """Who did what, with the value before and after, and when. Rows are never edited."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="관리자",
    )
    actor_username = models.CharField("관리자 이름", max_length=150)
    source = models.CharField("출처", max_length=16, choices=AuditSource.choices)
    action = models.CharField("행위", max_length=64)
    target = models.CharField("대상", max_length=200, blank=True)
    before = models.JSONField("변경 전", null=True, blank=True)
    after = models.JSONField("변경 후", null=True, blank=True)
    created_at = models.DateTimeField("시각", auto_now_add=True, db_index=True)

    class Meta:
        db_table = "ops_audit_entry"
        verbose_name = "감사 기록"
        verbose_name_plural = "감사 기록"
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{self.actor_username} {self.action} {self.target}"
