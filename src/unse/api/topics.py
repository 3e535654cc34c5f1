"""Topic readings: `POST /api/v1/topics/{career|love|wealth|health|study}` (JSON, or SSE with `?stream=1`).

Anonymous users welcome, like `/api/v1/readings`; parse, call one service, serialize.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from ninja import Field, Router, Schema
from pydantic import ConfigDict

from unse.api.common import api_caller, reading_response
from unse.api.schemas import BirthIn, ReadingOut, error_responses
from unse.api.sse import sse_response
from unse.readings.topics import TOPIC_NAMES, topic_reading_get_or_create, topic_reading_open

router = Router(tags=["topics"])

ERRORS: dict[int, Any] = error_responses(400, 403, 404, 429, 500, 502, 503, 504)


class TopicIn(Schema):
    model_config = ConfigDict(extra="forbid")

    birth: BirthIn
    mode: Literal["plain", "warm"] = Field(
        "plain", description="plain: 담백한 말투, warm: '선생님'이라 부르는 다정한 말투"
    )


@router.post(
    "/topics/{topic}",
    response={200: ReadingOut, **ERRORS},
    summary="주제별 풀이(직업·연애·재물·건강·학업) — JSON 또는 ?stream=1 SSE",
    description=(
        f"topic: {', '.join(TOPIC_NAMES)}. 주제마다 근거로 삼는 분석 항목이 정해져 있습니다(docs/topics-and-chat.md). "
        "`?stream=1`이면 text/event-stream(meta → notice* → delta* → done|error)으로 보냅니다. "
        "같은 명식·주제·말투·프롬프트 버전이면 저장된 풀이를 그대로 돌려줍니다(/api/v1/readings의 같은 주제와 같은 풀이)."
    ),
)
async def topic_reading_create(
    request: HttpRequest, topic: str, payload: TopicIn, stream: bool = False
) -> HttpResponse | StreamingHttpResponse:
    caller = await api_caller(request)
    options: dict[str, Any] = {
        "topic": topic,
        "birth": payload.birth.to_engine(),
        "mode": payload.mode,
        **caller,
    }
    if stream:
        return sse_response(await topic_reading_open(**options))
    result = await topic_reading_get_or_create(**options)
    return reading_response(caller["request_id"], result)
