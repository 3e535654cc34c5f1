"""What a stream says about itself in Korean: who wrote the text (`generated_by`) and why a fallback or a
mismatch happened (`notice` events). Shared by readings and the 상담 chat."""

from __future__ import annotations

from typing import Any

from unse.core.errors import ErrorCode
from unse.core.event_stream import EventName, StreamEvent
from unse.readings.models import GeneratedBy

GROUNDING_NOTICE_CODE = "GROUNDING_MISMATCH"

NOTICE_MESSAGES: dict[str, str] = {
    ErrorCode.AI_UNAVAILABLE.name: "AI 풀이 서비스에 연결할 수 없어 기본 풀이를 보여 드려요. 잠시 후 다시 요청하시면 AI 풀이를 받을 수 있어요.",
    ErrorCode.AI_TIMEOUT.name: "AI 응답이 너무 늦어 기본 풀이를 보여 드려요. 잠시 후 다시 요청하시면 AI 풀이를 받을 수 있어요.",
    ErrorCode.AI_BAD_RESPONSE.name: "AI가 올바르지 않은 답변을 보내 기본 풀이를 보여 드려요. 잠시 후 다시 요청해 주세요.",
    ErrorCode.AI_BUSY.name: "AI 풀이 요청이 몰려 있어 기본 풀이를 보여 드려요. 잠시 후 다시 요청해 주세요.",
    ErrorCode.AI_QUOTA.name: "오늘 AI 풀이 제공량이 모두 소진되어 기본 풀이를 보여 드려요. 내일 다시 AI 풀이를 받으실 수 있어요.",
    GROUNDING_NOTICE_CODE: "AI 풀이에 실제 명식과 다른 내용이 있어 저장하지 않았어요. 위 명식표를 기준으로 읽어 주시고, 다시 요청하면 새 풀이를 받을 수 있어요.",
}


def notice_event(
    code: str, *, message: str | None = None, details: dict[str, Any] | None = None
) -> StreamEvent:
    return StreamEvent.make(
        EventName.NOTICE,
        {"code": code, "message": message or NOTICE_MESSAGES[code], "details": details or {}},
    )


def generated_by(kind: GeneratedBy, *, provider: str, model: str) -> dict[str, Any]:
    label = (
        "AI가 생성한 풀이입니다." if kind is GeneratedBy.AI else "규칙 기반으로 자동 생성한 기본 풀이입니다."
    )
    return {"type": kind.value, "provider": provider, "model": model, "label": label}
