"""Reads of chats (sync ORM; async callers go through `unse.core.db.db_call`). Always owner-scoped."""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from unse.chats.models import AnswerSource, Chat, ChatMessage, Role
from unse.core.errors import ErrorCode, ServiceError
from unse.readings.labels import generated_by
from unse.readings.models import GeneratedBy
from unse.readings.sanitize import render_markdown

CHAT_NOT_FOUND = "상담을 찾을 수 없습니다. 상담 목록에서 다시 골라 주세요."
SAFETY_LABEL = "위기 상황 안내는 서비스가 미리 준비한 글입니다(AI가 생성하지 않음)."
HISTORY_FIELDS = ("role", "content", "topics", "flags", "note")


def chat_get(*, user_id: int, public_id: str) -> Chat:
    """The user's chat; someone else's id answers exactly like a missing one (404)."""
    chat = Chat.objects.filter(user_id=user_id, public_id=public_id).first()
    if chat is None:
        raise ServiceError(ErrorCode.NOT_FOUND, message=CHAT_NOT_FOUND)
    return chat


def chat_messages(*, chat_id: int) -> list[ChatMessage]:
    return list(ChatMessage.objects.filter(chat_id=chat_id).order_by("created_at", "id"))


def chat_message_count(*, chat_id: int) -> int:
    return ChatMessage.objects.filter(chat_id=chat_id).count()


def chat_history_rows(*, chat_id: int, limit: int) -> list[dict[str, Any]]:
    """The latest `limit` messages, oldest first, as plain rows (one query)."""
    rows = list(
        ChatMessage.objects.filter(chat_id=chat_id)
        .order_by("-created_at", "-id")
        .values(*HISTORY_FIELDS)[:limit]
    )
    rows.reverse()
    return rows


def message_generated_by(message: ChatMessage) -> dict[str, Any] | None:
    if message.role != Role.ASSISTANT:
        return None
    if message.source == AnswerSource.SAFETY:
        return {"type": "safety", "provider": "builtin", "model": "safety", "label": SAFETY_LABEL}
    kind = GeneratedBy.AI if message.source == AnswerSource.AI else GeneratedBy.RULES
    return generated_by(kind, provider=message.provider, model=message.model)


def message_to_dict(message: ChatMessage) -> dict[str, Any]:
    return {
        "message_id": message.public_id,
        "role": message.role,
        "content": message.content,
        "html": render_markdown(message.content),
        "generated_by": message_generated_by(message),
        "notices": list(message.notices or []),
        "grounded": message.grounded,
        "created_at": message.created_at.isoformat(),
    }


def chat_to_dict(chat: Chat, *, message_count: int | None = None) -> dict[str, Any]:
    facts = chat.facts if isinstance(chat.facts, dict) else {}
    count = message_count if message_count is not None else getattr(chat, "message_count", None)
    return {
        "chat_id": chat.public_id,
        "title": chat.title,
        "mode": chat.mode,
        "topic": chat.topic,
        "reading_id": chat.source_reading.public_id
        if chat.source_reading_id and chat.source_reading
        else None,
        "day_master": facts.get("일간"),
        "pillars": facts.get("사주"),
        "reference_date": chat.reference_date.isoformat(),
        "message_count": count,
        "builtin_ready": bool(chat.sections),
        "created_at": chat.created_at.isoformat(),
        "updated_at": chat.updated_at.isoformat(),
    }


def chat_detail(*, user_id: int, public_id: str) -> dict[str, Any]:
    chat = Chat.objects.select_related("source_reading").filter(user_id=user_id, public_id=public_id).first()
    if chat is None:
        raise ServiceError(ErrorCode.NOT_FOUND, message=CHAT_NOT_FOUND)
    messages = chat_messages(chat_id=chat.pk)
    return {
        **chat_to_dict(chat, message_count=len(messages)),
        "messages": [message_to_dict(m) for m in messages],
    }


def chat_page(*, user_id: int, limit: int) -> dict[str, Any]:
    chats = list(
        Chat.objects.select_related("source_reading")
        .filter(user_id=user_id)
        .annotate(message_count=Count("messages"))
        .order_by("-updated_at", "-id")[:limit]
    )
    return {"items": [chat_to_dict(chat) for chat in chats]}
