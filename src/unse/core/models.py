"""The runtime switches' table (read by every worker within seconds, docs/operations.md).

The table was created by the ops app (`ops_runtime_switch`); the model moved here with the store so that
every layer can read switches without importing the console. The console keeps a proxy of it
(`unse.ops.models.RuntimeSwitch`) for its admin pages and permissions.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class RuntimeSwitch(models.Model):
    """One overridden switch; a switch without a row has its environment default (unse.core.switches)."""

    name = models.CharField("스위치", max_length=64, unique=True)
    value = models.JSONField("값")
    updated_at = models.DateTimeField("변경 시각", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="변경한 관리자",
    )

    class Meta:
        db_table = "ops_runtime_switch"
        verbose_name = "운영 스위치"
        verbose_name_plural = "운영 스위치"
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name
