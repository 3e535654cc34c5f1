"""Charts, readings and topic readings over JSON and SSE (anonymous users welcome): parse, call one
service, serialize. Also the JSON shape of a reading, which the daily-fortune endpoints reuse."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from ninja import Field, Router, Schema
from pydantic import ConfigDict

from saju.chart import chart_to_json
from saju.compat.serialize import compat_to_json
from saju.reading.gunghap import gunghap_reading_to_json
from unse.ai.ratelimit import RateDecision
from unse.core.event_stream import event_stream_response
from unse.core.json_api import BirthIn, ErrorOut, api_caller, error_responses, json_response
from unse.core.request import get_request_id
from unse.readings.labels import generated_by
from unse.readings.models import GeneratedBy
from unse.readings.pair import gunghap_compute
from unse.readings.requests import gunghap_request, reading_request
from unse.readings.sanitize import render_markdown
from unse.readings.services.charts import chart_compute
from unse.readings.services.gunghap import gunghap_get_or_create, gunghap_open
from unse.readings.services.open import reading_get_or_create, reading_open, reading_stored_get
from unse.readings.services.session import ReadingResult, ReadingSession
from unse.readings.topics import TOPIC_NAMES, topic_request
from unse.readings.yearly import yearly_document, yearly_request

router = Router(tags=["readings"])
topics_router = Router(tags=["topics"])

ERRORS: dict[int, Any] = error_responses(400, 403, 429, 500, 502, 503, 504)
TOPIC_ERRORS: dict[int, Any] = error_responses(400, 403, 404, 429, 500, 502, 503, 504)
MODE_DESCRIPTION = "plain: 담백한 말투, warm: 글 전체를 해요체로 쓰는 다정한 말투"


# --- schemas --------------------------------------------------------------------------------------------


class ChartIn(Schema):
    model_config = ConfigDict(extra="forbid")

    birth: BirthIn


class ReadingIn(Schema):
    model_config = ConfigDict(extra="forbid")

    birth: BirthIn
    kind: Literal["saju", "daily"] = Field(
        "saju", description="saju: 전체 풀이(올해 세운 포함), daily: 오늘의 운세(KST)"
    )
    topic: Literal["general", "personality", "career", "love", "wealth", "health", "study"] | None = Field(
        None, description="풀이 주제(기본 general)"
    )
    mode: Literal["plain", "warm"] = Field("plain", description=MODE_DESCRIPTION)


class TopicIn(Schema):
    model_config = ConfigDict(extra="forbid")

    birth: BirthIn
    mode: Literal["plain", "warm"] = Field("plain", description=MODE_DESCRIPTION)


class ChartOut(Schema):
    request_id: str
    chart: dict[str, Any]
    analysis: dict[str, Any]


class NoticeOut(Schema):
    code: str
    message: str
    details: dict[str, Any]


class GeneratedByOut(Schema):
    type: Literal["ai", "rules"]
    provider: str
    model: str
    label: str


class ReadingOut(Schema):
    request_id: str
    reading_id: str | None = Field(description="저장된 풀이의 공개 ID(저장되지 않았으면 null)")
    cached: bool
    text: str = Field(description="풀이(Markdown, 정제됨)")
    html: str = Field(description="안전하게 렌더링한 HTML")
    notices: list[NoticeOut]
    generated_by: GeneratedByOut
    usage: dict[str, int]
    kind: str
    topic: str
    mode: str
    period: str
    chart: dict[str, Any]


class StoredReadingOut(Schema):
    reading_id: str
    kind: str
    topic: str
    mode: str
    period: str
    text: str
    html: str
    generated_by: GeneratedByOut
    created_at: str


# --- serializers ----------------------------------------------------------------------------------------


def rate_headers(rate: RateDecision | None) -> dict[str, str]:
    """X-RateLimit-Limit/Remaining/Reset (and Retry-After when refused) of the decision that allowed it."""
    return rate.headers() if rate is not None else {}


def reading_result_json(request_id: str, result: ReadingResult) -> dict[str, Any]:
    meta = result.meta
    return {
        "request_id": request_id,
        "reading_id": result.reading_id,
        "cached": result.cached,
        "text": result.text,
        "html": result.html if result.html is not None else render_markdown(result.text),
        "notices": list(result.notices),
        "generated_by": result.generated_by,
        "usage": result.usage,
        "kind": meta.kind,
        "topic": meta.topic,
        "mode": meta.mode,
        "period": meta.period,
        "chart": meta.chart,
    }


def with_rate_headers(response: HttpResponse, rate: RateDecision | None) -> HttpResponse:
    for name, value in rate_headers(rate).items():
        response[name] = value
    return response


def reading_response(request_id: str, result: ReadingResult) -> HttpResponse:
    """The JSON answer of a reading, with the rate-limit headers of the decision that allowed it."""
    return with_rate_headers(json_response(reading_result_json(request_id, result)), result.rate)


def session_response(session: ReadingSession) -> StreamingHttpResponse:
    """The SSE answer of a reading session, with its rate-limit headers."""
    return event_stream_response(session.events(), headers=rate_headers(session.rate))


# --- endpoints ------------------------------------------------------------------------------------------


@router.post("/charts", response={200: ChartOut, **ERRORS}, summary="명식과 분석(AI 없음)")
async def chart_create(request: HttpRequest, payload: ChartIn) -> HttpResponse:
    result = chart_compute(birth=payload.birth.to_engine())
    return json_response({"request_id": get_request_id(request), **result.as_json()})


@router.post("/readings", response={200: ReadingOut, **ERRORS}, summary="풀이 전체(JSON)")
async def reading_create(request: HttpRequest, payload: ReadingIn) -> HttpResponse:
    caller = await api_caller(request)
    wanted = reading_request(
        birth=payload.birth.to_engine(), kind=payload.kind, topic=payload.topic, mode=payload.mode
    )
    result = await reading_get_or_create(request=wanted, caller=caller)
    return reading_response(caller.request_id, result)


@router.post(
    "/readings/stream",
    response={200: None, **ERRORS},
    summary="풀이 스트림(Server-Sent Events)",
    description=(
        "text/event-stream. 이벤트 순서: `meta`(명식, cached, request_id) → `notice`(0개 이상, code 포함) → "
        '`delta`({"text": ...}) → `done`(reading_id, usage, generated_by) 또는 `error`(오류 객체). '
        "연결 직후 SSE 주석을 보내고 약 15초마다 keep-alive 주석을 보냅니다."
    ),
)
async def reading_stream_create(request: HttpRequest, payload: ReadingIn) -> StreamingHttpResponse:
    caller = await api_caller(request)
    wanted = reading_request(
        birth=payload.birth.to_engine(), kind=payload.kind, topic=payload.topic, mode=payload.mode
    )
    return session_response(await reading_open(request=wanted, caller=caller))


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


@topics_router.post(
    "/topics/{topic}",
    response={200: ReadingOut, **TOPIC_ERRORS},
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
    wanted = topic_request(topic=topic, birth=payload.birth.to_engine(), mode=payload.mode)
    if stream:
        return session_response(await reading_open(request=wanted, caller=caller))
    return reading_response(caller.request_id, await reading_get_or_create(request=wanted, caller=caller))


# --- 신년운세 (issue 17) ---------------------------------------------------------------------------------


class YearlyIn(Schema):
    model_config = ConfigDict(extra="forbid")

    birth: BirthIn
    year: int | None = Field(
        None, ge=1900, le=2100, description="사주 연도(입춘부터 다음 입춘 전까지). 기본: 오늘(KST)이 속한 해"
    )
    mode: Literal["plain", "warm"] = Field("plain", description=MODE_DESCRIPTION)


class YearlyOut(ReadingOut):
    year: int
    fortune: dict[str, Any] = Field(description="세운·대운·열두 달의 사실과 점수(근거 포함)")
    rules: dict[str, Any] = Field(description="규칙 기반 풀이(한눈에 보기, 주제, 재물·일·관계·건강, 열두 달)")


@router.post(
    "/yearly",
    response={200: YearlyOut, **ERRORS},
    summary="신년운세(한 해의 세운과 열두 달) — JSON 또는 ?stream=1 SSE",
    description=(
        "같은 명식·연도·말투·프롬프트 버전·모델이면 저장된 풀이를 그대로 돌려줍니다. "
        "`?stream=1`이면 text/event-stream(meta → notice* → delta* → done|error)으로 보냅니다. "
        "연도는 태어난 해부터 2100년까지입니다."
    ),
)
async def yearly_reading_create(
    request: HttpRequest, payload: YearlyIn, stream: bool = False
) -> HttpResponse | StreamingHttpResponse:
    caller = await api_caller(request)
    wanted = yearly_request(birth=payload.birth.to_engine(), year=payload.year, mode=payload.mode)
    if stream:
        return session_response(await reading_open(request=wanted, caller=caller))
    result = await reading_get_or_create(request=wanted, caller=caller)
    body = {**reading_result_json(caller.request_id, result), **yearly_document(request=wanted)}
    return with_rate_headers(json_response(body), result.rate)


# --- 궁합 (two charts) -------------------------------------------------------------------------------------

gunghap_router = Router(tags=["gunghap"])
RELATION_DESCRIPTION = (
    "두 사람의 관계: couple 연인·부부, friend 친구, work 동료·사업, parent A가 부모(B가 자녀), "
    "child A가 자녀(B가 부모), sibling 형제·자매 (기본 couple)"
)


class GunghapIn(Schema):
    model_config = ConfigDict(extra="forbid")

    a: BirthIn = Field(description="첫째 사람(A)의 출생 정보(/api/v1/readings의 birth와 같은 형식)")
    b: BirthIn = Field(description="둘째 사람(B)의 출생 정보")
    relation: Literal["couple", "friend", "work", "parent", "child", "sibling"] = Field(
        "couple", description=RELATION_DESCRIPTION
    )


class GunghapOut(Schema):
    request_id: str
    relation: str
    charts: dict[str, Any] = Field(description="두 사람의 명식: {a, b} (chart_to_json, 같은 기둥 순서)")
    compatibility: dict[str, Any] = Field(
        description="궁합 사실(분야, 이름, 자리, 점수, 규칙), 점수와 분야별 내역(점수 × 가중치), 참고 사항"
    )
    reading: dict[str, Any] = Field(
        description="규칙 기반 궁합 풀이: 한눈에 보기, 분야별 결론과 근거, 용어 풀이"
    )


@gunghap_router.post(
    "/gunghap",
    response={200: GunghapOut, **error_responses(400, 403, 500)},
    summary="궁합: 두 명식의 관계, 점수와 그 근거, 규칙 기반 풀이(AI 없음)",
    description=(
        "점수 = 50 + Σ(분야 점수(상한 적용) × 관계별 가중치), 0~100. A와 B를 바꿔도 점수는 같고 방향이 있는 "
        "사실만 서로 바뀝니다(parent ↔ child). 잘못된 입력은 400 VALIDATION_ERROR이며 메시지가 어느 사람의 "
        "입력인지(첫째 사람(A)/둘째 사람(B)) 밝히고 details.field가 a.birth / b.birth입니다."
    ),
)
async def gunghap_create(request: HttpRequest, payload: GunghapIn) -> HttpResponse:
    result = gunghap_compute(a=payload.a.to_engine(), b=payload.b.to_engine(), relation=payload.relation)
    return json_response(
        {
            "request_id": get_request_id(request),
            "relation": result.compat.relation.value,
            "charts": {"a": chart_to_json(result.a.chart), "b": chart_to_json(result.b.chart)},
            "compatibility": compat_to_json(result.compat),
            "reading": gunghap_reading_to_json(result.reading),
        }
    )


@gunghap_router.post(
    "/gunghap/reading",
    response={200: ReadingOut, **ERRORS},
    summary="궁합 AI 풀이 — JSON 또는 ?stream=1 SSE",
    description=(
        "캐시 우선·단일 비행·한도·예산·차단기·규칙 기반 풀이로의 대체는 /api/v1/readings와 같습니다. "
        "`?stream=1`이면 text/event-stream(meta → notice* → delta* → done|error)으로 보냅니다. meta.chart는 "
        "{a, b, relation}입니다. 같은 두 사람·관계·프롬프트 버전·모델·연도면 A와 B의 순서와 상관없이 저장된 "
        "풀이를 돌려주며, 글 속 두 사람은 요청의 A·B로 바르게 불립니다."
    ),
)
async def gunghap_reading_create(
    request: HttpRequest, payload: GunghapIn, stream: bool = False
) -> HttpResponse | StreamingHttpResponse:
    caller = await api_caller(request)
    wanted = gunghap_request(a=payload.a.to_engine(), b=payload.b.to_engine(), relation=payload.relation)
    if stream:
        opened = await gunghap_open(request=wanted, caller=caller)
        return event_stream_response(opened.events(), headers=rate_headers(opened.session.rate))
    return reading_response(caller.request_id, await gunghap_get_or_create(request=wanted, caller=caller))
