"""`/api/v1/chats…`: the 상담 chat over JSON and SSE. Login required (401 AUTH_REQUIRED), CSRF-checked on
writes, never cached; another user's chat answers 404 like a missing one. Handlers parse, call one
service/selector, serialize.
"""

from __future__ import annotations

from typing import Any, Literal, cast

import orjson
from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.cache import add_never_cache_headers
from ninja import Field, Router, Schema
from pydantic import ConfigDict

from unse.chats.selectors import chat_detail, chat_page, chat_to_dict
from unse.chats.services import chat_create, chat_delete, chat_turn_open
from unse.core.csrf import acsrf_require
from unse.core.db import db_call
from unse.core.errors import ErrorCode, ServiceError
from unse.core.event_stream import event_stream_response
from unse.core.json_api import BirthIn, error_responses
from unse.core.request import UserLike, get_request_id

router = Router(tags=["상담"])

ERRORS: dict[int, Any] = error_responses(400, 401, 403, 404, 429, 500, 503)


class ChatIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reading_id: str | None = Field(
        None, max_length=64, description="저장된 풀이의 공개 ID(birth와 둘 중 하나)"
    )
    birth: BirthIn | None = Field(
        None, description="생년월일시(reading_id와 둘 중 하나). 저장하지 않고 명식의 사실만 남깁니다."
    )
    mode: Literal["plain", "warm"] = Field(
        "plain", description="plain: 담백한 말투, warm: 글 전체를 해요체로 쓰는 다정한 말투"
    )


class MessageIn(Schema):
    model_config = ConfigDict(extra="forbid")

    content: str = Field(..., description="질문(1,000자 이내)")


class ChatOut(Schema):
    chat_id: str
    title: str
    mode: str
    topic: str
    reading_id: str | None
    day_master: str | None
    pillars: dict[str, str] | None
    reference_date: str
    message_count: int | None
    builtin_ready: bool = Field(description="AI 없이도 기본 풀이로 답할 자료가 있는지")
    created_at: str
    updated_at: str


class MessageOut(Schema):
    message_id: str
    role: Literal["user", "assistant"]
    content: str
    html: str
    generated_by: dict[str, Any] | None
    notices: list[Any]
    grounded: bool
    created_at: str


class ChatDetailOut(ChatOut):
    messages: list[MessageOut]


class ChatListOut(Schema):
    items: list[ChatOut]


def _json(data: dict[str, Any], *, status: int = 200) -> HttpResponse:
    response = HttpResponse(orjson.dumps(data), status=status, content_type="application/json")
    add_never_cache_headers(response)
    return response


async def _member(request: HttpRequest, *, write: bool) -> UserLike:
    user = await request.auser()
    if not user.is_authenticated or getattr(user, "deleted_at", None) is not None:
        raise ServiceError(ErrorCode.AUTH_REQUIRED)
    if write:
        await acsrf_require(request)
    return cast(UserLike, user)


@router.post("/chats", response={201: ChatOut, **ERRORS}, summary="상담 시작(풀이 또는 생년월일시로)")
async def chat_create_view(request: HttpRequest, payload: ChatIn) -> HttpResponse:
    user = await _member(request, write=True)
    chat = await db_call(
        chat_create,
        user_id=int(user.pk),
        reading_id=payload.reading_id,
        birth=payload.birth.to_engine() if payload.birth is not None else None,
        mode=payload.mode,
    )
    return _json(chat_to_dict(chat, message_count=0), status=201)


@router.get("/chats", response={200: ChatListOut, **ERRORS}, summary="내 상담 목록(최근 대화 순)")
async def chat_list_view(request: HttpRequest) -> HttpResponse:
    user = await _member(request, write=False)
    return _json(await db_call(chat_page, user_id=int(user.pk), limit=int(settings.CHAT_LIST_LIMIT)))


@router.get("/chats/{chat_id}", response={200: ChatDetailOut, **ERRORS}, summary="상담과 대화 내용")
async def chat_detail_view(request: HttpRequest, chat_id: str) -> HttpResponse:
    user = await _member(request, write=False)
    return _json(await db_call(chat_detail, user_id=int(user.pk), public_id=chat_id))


@router.delete("/chats/{chat_id}", response={204: None, **ERRORS}, summary="상담 삭제")
async def chat_delete_view(request: HttpRequest, chat_id: str) -> HttpResponse:
    user = await _member(request, write=True)
    await db_call(chat_delete, user_id=int(user.pk), public_id=chat_id)
    response = HttpResponse(status=204)
    add_never_cache_headers(response)
    return response


@router.post(
    "/chats/{chat_id}/messages",
    response={200: None, **ERRORS},
    summary="질문하고 답 받기(Server-Sent Events)",
    description=(
        'text/event-stream. `meta`(chat_id, question_id, flags, context) → `notice`(0개 이상) → `delta`({"text"}) → '
        "`done`(message_id, generated_by, usage) 또는 `error`(오류 객체). 위기 신호가 있는 질문에는 AI를 부르지 않고 "
        "도움받을 곳(자살예방 상담전화 109)을 안내합니다."
    ),
)
async def chat_message_create(
    request: HttpRequest, chat_id: str, payload: MessageIn
) -> StreamingHttpResponse:
    user = await _member(request, write=True)
    turn = await chat_turn_open(
        user=user, chat_id=chat_id, content=payload.content, request_id=get_request_id(request)
    )
    return event_stream_response(
        turn.events(), headers=turn.rate.headers() if turn.rate is not None else None
    )
