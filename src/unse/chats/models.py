"""상담 chats: a chat per chart conversation, its messages; both belong to one user (CASCADE on 탈퇴).

No birth date, time or name is stored here: a chat keeps the chart *facts* the model may see and the
engine's rule-based reading sections the built-in interpreter answers from. `public_id` (random,
URL-safe) is what URLs show; another user's id answers 404 exactly like a missing one.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models

from unse.accounts.crypto import EncryptedTextField

PUBLIC_ID_BYTES = 16


def new_public_id() -> str:
    return secrets.token_urlsafe(PUBLIC_ID_BYTES)


class Chat(models.Model):
    public_id = models.CharField("공개 ID", max_length=32, unique=True, default=new_public_id, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chats")
    title = models.CharField("제목", max_length=80)
    mode = models.CharField("말투", max_length=16, default="plain")
    topic = models.CharField("주제", max_length=16, default="general")
    source_reading = models.ForeignKey(
        "readings.Reading", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    fingerprint = models.CharField("명식 지문(HMAC)", max_length=64)
    facts = models.JSONField("명식 사실(개인정보 없음)", default=dict)
    sections = models.JSONField("규칙 기반 풀이 절", default=list)
    reference_date = models.DateField("기준일")
    created_at = models.DateTimeField("생성", auto_now_add=True)
    updated_at = models.DateTimeField("최근 대화", auto_now=True)

    class Meta:
        db_table = "chats_chat"
        verbose_name = "상담"
        verbose_name_plural = "상담"
        indexes = [models.Index(fields=["user", "-updated_at"], name="chats_user_updated")]

    def __str__(self) -> str:
        return self.title


class Role(models.TextChoices):
    USER = "user", "사용자"
    ASSISTANT = "assistant", "상담가"


class AnswerSource(models.TextChoices):
    AI = "ai", "AI 생성"
    RULES = "rules", "규칙 기반 기본 풀이"
    SAFETY = "safety", "안전 안내"


class ChatMessage(models.Model):
    public_id = models.CharField("공개 ID", max_length=32, unique=True, default=new_public_id, editable=False)
    chat = models.ForeignKey(Chat, on_delete=models.CASCADE, related_name="messages")
    # Denormalized owner: owner-scoped queries, and the account export/deletion find messages directly.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_messages")
    role = models.CharField("역할", max_length=16, choices=Role.choices)
    # Encrypted at rest like profiles (users type phone numbers, names, worries): docs/privacy.md.
    content = EncryptedTextField("내용(암호화)")
    # Our own classification of a question (topic labels, safety flags): what earlier turns are summarized by.
    topics = models.JSONField("주제", default=list)
    flags = models.JSONField("안전 표시", default=list)
    # Assistant messages only: a short note written by our code (never by the model) that stands for the
    # answer in later contexts, so an earlier answer's text is never fed back to the model (seed 003 #5).
    note = models.CharField("답변 요약", max_length=200, blank=True)
    source = models.CharField("생성 방식", max_length=8, choices=AnswerSource.choices, blank=True)
    provider = models.CharField("제공자", max_length=60, blank=True)
    model = models.CharField("모델", max_length=120, blank=True)
    grounded = models.BooleanField("명식 일치", default=True)
    notices = models.JSONField("안내", default=list)
    prompt_tokens = models.PositiveIntegerField("입력 토큰", default=0)
    completion_tokens = models.PositiveIntegerField("출력 토큰", default=0)
    created_at = models.DateTimeField("시각", auto_now_add=True)

    class Meta:
        db_table = "chats_message"
        verbose_name = "상담 메시지"
        verbose_name_plural = "상담 메시지"
        indexes = [models.Index(fields=["chat", "-created_at"], name="chats_message_chat_created")]

    def __str__(self) -> str:
        return f"{self.role}: {self.content[:30]}"
