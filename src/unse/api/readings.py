"""Charts and readings endpoints (anonymous users welcome): parse, call one service, serialize."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from ninja import Router

from unse.api.common import api_caller, json_response, reading_response
from unse.api.schemas import (
    ChartIn,
    ChartOut,
    ErrorOut,
    ReadingIn,
    ReadingOut,
    StoredReadingOut,
    error_responses,
)
from unse.api.sse import sse_response
from unse.core.request import get_request_id
from unse.readings.models import GeneratedBy
from unse.readings.pipeline import generated_by
from unse.readings.services import chart_compute, reading_get_or_create, reading_open, reading_stored_get

router = Router(tags=["readings"])

ERRORS: dict[int, Any] = error_responses(400, 403, 429, 500, 502, 503, 504)


@router.post("/charts", response={200: ChartOut, **ERRORS}, summary="명식과 분석(AI 없음)")
async def chart_create(request: HttpRequest, payload: ChartIn) -> HttpResponse:
    result = chart_compute(birth=payload.birth.to_engine())
    return json_response({"request_id": get_request_id(request), **result.as_json()})


@router.post("/readings", response={200: ReadingOut, **ERRORS}, summary="풀이 전체(JSON)")
async def reading_create(request: HttpRequest, payload: ReadingIn) -> HttpResponse:
    caller = await api_caller(request)
    result = await reading_get_or_create(
        birth=payload.birth.to_engine(), kind=payload.kind, topic=payload.topic, mode=payload.mode, **caller
    )
    return reading_response(caller["request_id"], result)


@router.post(
    "/readings/stream",
    response={200: None, **ERRORS},
    summary="풀이 스트림(Server-Sent Events)",
    description=(
        "text/event-stream. 이벤트 순서: `meta`(명식, cached, request_id) → `notice`(0개 이상, code 포함) → "
        "`delta`({\"text\": ...}) → `done`(reading_id, usage, generated_by) 또는 `error`(오류 객체). "
        "연결 직후 SSE 주석을 보내고 약 15초마다 keep-alive 주석을 보냅니다."
    ),
)
async def reading_stream_create(request: HttpRequest, payload: ReadingIn) -> StreamingHttpResponse:
    caller = await api_caller(request)
    session = await reading_open(
        birth=payload.birth.to_engine(), kind=payload.kind, topic=payload.topic, mode=payload.mode, **caller
    )
    return sse_response(session)


@router.get("/readings/{reading_id}", response={200: StoredReadingOut, 404: ErrorOut}, summary="저장된 풀이")
async def reading_detail(request: HttpRequest, reading_id: str) -> HttpResponse:
    reading = await reading_stored_get(public_id=reading_id)
    by = generated_by(GeneratedBy(reading.generated_by), provider=reading.provider, model=reading.model)
    return json_response(
        {
            "reading_id": reading.public_id,
            "kind": reading.kind,
            "topic": reading.topic,
            "mode": reading.mode,
            "period": reading.period,
            "text": reading.text,
            "html": reading.html,
            "generated_by": by,
            "created_at": reading.created_at.isoformat(),
        }
    )
