"""Daily fortune endpoints: `POST /api/v1/daily` (any birth) and `GET /api/v1/fortunes/today` (logged in).

Both read and write the readings pipeline's `daily` reading (chart fingerprint, KST date, prompt
version), so they find what the nightly batch stored (docs/batch.md).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from ninja import Field, Router, Schema
from pydantic import ConfigDict

from unse.accounts.selectors.profiles import profile_default_get
from unse.core.clock import kst_today
from unse.core.errors import ErrorCode, ServiceError
from unse.core.json_api import BirthIn, api_caller, api_caller_and, error_responses, json_response
from unse.fortunes.daily import DailyFortune, daily_request
from unse.fortunes.services import fortune_today_get
from unse.readings.api import ReadingOut, session_response, with_rate_headers
from unse.readings.sanitize import render_markdown
from unse.readings.services.open import reading_get_or_create, reading_open

router = Router(tags=["daily"])

ERRORS: dict[int, Any] = error_responses(400, 401, 403, 404, 429, 500, 502, 503, 504)
# How far from today a daily fortune may be asked for (the engine is exact far beyond; this bounds the cache).
MAX_DAYS_FROM_TODAY = 366


class DailyIn(Schema):
    model_config = ConfigDict(extra="forbid")

    birth: BirthIn
    date: dt.date | None = Field(None, description="운세 날짜 YYYY-MM-DD (기본: 오늘, 한국 시간)")


class DailyOut(ReadingOut):
    date: str = Field(description="운세 날짜(KST)")


def _fortune_json(request_id: str, fortune: DailyFortune) -> dict[str, Any]:
    meta = fortune.meta
    return {
        "request_id": request_id,
        "date": fortune.day.isoformat(),
        "reading_id": fortune.reading_id,
        "cached": fortune.cached,
        "text": fortune.text,
        "html": fortune.html if fortune.html is not None else render_markdown(fortune.text),
        "notices": list(fortune.notices),
        "generated_by": fortune.generated_by,
        "usage": {},
        "kind": meta.kind,
        "topic": meta.topic,
        "mode": meta.mode,
        "period": meta.period,
        "chart": meta.chart,
    }


def _checked_day(day: dt.date | None) -> dt.date:
    today = kst_today()
    if day is None:
        return today
    if abs((day - today).days) > MAX_DAYS_FROM_TODAY:
        raise ServiceError(
            ErrorCode.VALIDATION_ERROR,
            message=f"운세 날짜는 오늘로부터 {MAX_DAYS_FROM_TODAY}일 이내여야 합니다.",
            details={"field": "date"},
        )
    return day


@router.post(
    "/daily",
    response={200: DailyOut, **ERRORS},
    summary="오늘의 운세(일진) — JSON 또는 ?stream=1 SSE",
    description=(
        "생년월일시와 날짜(기본: 오늘, KST)로 그날의 일진과 타고난 명식의 관계를 풉니다. "
        "`?stream=1`이면 text/event-stream(meta → notice* → delta* → done|error)으로 보냅니다. "
        "같은 명식·날짜·프롬프트 버전이면 저장된 운세(야간 배치가 미리 만든 것 포함)를 그대로 돌려줍니다."
    ),
)
async def daily_create(
    request: HttpRequest, payload: DailyIn, stream: bool = False
) -> HttpResponse | StreamingHttpResponse:
    caller = await api_caller(request)
    day = _checked_day(payload.date)
    wanted = daily_request(birth=payload.birth.to_engine(), day=day)
    if stream:
        return session_response(await reading_open(request=wanted, caller=caller))
    result = await reading_get_or_create(request=wanted, caller=caller)
    response = json_response(_fortune_json(caller.request_id, DailyFortune.from_result(result, day=day)))
    return with_rate_headers(response, result.rate)


@router.get(
    "/fortunes/today",
    response={200: DailyOut, **ERRORS},
    summary="내 오늘의 운세(기본 프로필)",
    description=(
        "로그인한 사용자의 기본 프로필로 오늘(KST)의 운세를 돌려줍니다. 야간 배치가 저장한 운세를 "
        "색인 조회 한 번으로 읽고, 없으면 그 자리에서 만들어 저장합니다."
    ),
)
async def fortune_today(request: HttpRequest) -> HttpResponse:
    # The session, the user and the default profile in one worker-thread hop (BENCHMARKS.md "Cached path").
    caller, profile = await api_caller_and(request, lambda user: profile_default_get(user_id=user.pk))
    if caller.user is None:
        raise ServiceError(ErrorCode.AUTH_REQUIRED)
    fortune = await fortune_today_get(
        user=caller.user, profile=profile, client_subject=caller.client_subject, request_id=caller.request_id
    )
    return json_response(_fortune_json(caller.request_id, fortune))
