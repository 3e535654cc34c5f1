"""Stored readings: one row per cache key, never raw birth data.

A row is only written for a complete, sanitized and grounded answer (or a complete built-in reading under
the built-in interpreter's own key), never for a partial stream. `public_id` is what the API shows; the
integer pk never leaves the server.
"""

from __future__ import annotations

import secrets

from django.db import models

PUBLIC_ID_BYTES = 16


def new_public_id() -> str:
    return secrets.token_urlsafe(PUBLIC_ID_BYTES)


class GeneratedBy(models.TextChoices):
    AI = "ai", "AI 생성"
    RULES = "rules", "규칙 기반 기본 풀이"


class Reading(models.Model):
    public_id = models.CharField("공개 ID", max_length=32, unique=True, default=new_public_id, editable=False)
    cache_key = models.CharField("캐시 키", max_length=64, unique=True)
    fingerprint = models.CharField("명식 지문(HMAC)", max_length=64, db_index=True)
    kind = models.CharField("종류", max_length=16)
    topic = models.CharField("주제", max_length=16)
    mode = models.CharField("말투", max_length=16)
    prompt_version = models.CharField("프롬프트 버전", max_length=120)
    model = models.CharField("모델", max_length=120)
    provider = models.CharField("제공자", max_length=60)
    period = models.CharField("기간", max_length=16)
    generated_by = models.CharField("생성 방식", max_length=8, choices=GeneratedBy.choices)
    text = models.TextField("풀이(Markdown, 정제됨)")
    # `render_markdown(text)`, rendered when the row is written (unse.readings.cached): a cache hit serves it
    # as is. Nullable (expand step of a rolling deploy: the previous release inserts rows without them);
    # rows without a current version are rendered on their first read and written back.
    # NULL means "not rendered by this release" (an empty string would be a rendering), hence DJ001 is waived.
    html = models.TextField("렌더링된 HTML(정제됨)", null=True, blank=True)  # noqa: DJ001
    html_version = models.CharField("HTML 렌더 버전", max_length=40, null=True, blank=True)  # noqa: DJ001
    facts = models.JSONField("명식 사실(개인정보 없음)", default=dict)
    prompt_tokens = models.PositiveIntegerField("입력 토큰", default=0)
    completion_tokens = models.PositiveIntegerField("출력 토큰", default=0)
    created_at = models.DateTimeField("생성 시각", auto_now_add=True)

    class Meta:
        db_table = "readings_reading"
        verbose_name = "풀이"
        verbose_name_plural = "풀이"
        indexes = [models.Index(fields=["fingerprint", "kind", "period"], name="readings_fp_kind_period")]

    def __str__(self) -> str:
        return f"{self.kind}/{self.topic}/{self.mode} {self.period} ({self.model})"
