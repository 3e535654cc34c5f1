"""`GET /api/v1/calendar/{year}/{month}`: the 만세력 month document, the same for everyone.

Cacheable by design: a strong ETag over the bytes (so a new engine or holiday table changes it), a day of
`Cache-Control: public` and a per-process memo of the serialized document; `If-None-Match` answers 304.
The personal layer (days touching a chart) is never here: it is computed per user on the page.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router

from saju.almanac import month_calendar
from saju.almanac.document import month_calendar_json
from saju.errors import SajuError
from unse.core.errors import ErrorCode, ServiceError
from unse.core.json_api import error_responses
from unse.core.jsonbytes import dumps_kept

router = Router(tags=["calendar"])

CACHE_CONTROL = "public, max-age=86400"
MEMO_MONTHS = 512
ETAG_CHARS = 32


@lru_cache(maxsize=MEMO_MONTHS)
def calendar_month_bytes(year: int, month: int) -> tuple[bytes, str]:
    """The month document as JSON bytes and its ETag (memoized per process)."""
    body = dumps_kept(month_calendar_json(month_calendar(year, month)))
    return body, f'"{hashlib.sha256(body).hexdigest()[:ETAG_CHARS]}"'


def _etag_matches(request: HttpRequest, etag: str) -> bool:
    header = request.headers.get("If-None-Match", "")
    return any(tag.strip().removeprefix("W/") == etag for tag in header.split(",")) or header.strip() == "*"


@router.get(
    "/calendar/{year}/{month}",
    response={200: dict[str, Any], 304: None, **error_responses(400)},
    summary="만세력 한 달(양력·음력·일진·절기·기둥·손 없는 날·공휴일)",
    description=(
        "모든 사람에게 같은 문서입니다: ETag와 Cache-Control(public, 하루)을 붙이고, If-None-Match가 맞으면 "
        "304로 답합니다. 범위는 1900년 1월부터 2100년 12월까지입니다. 문서 형식: docs/calendar.md."
    ),
)
def calendar_month_get(request: HttpRequest, year: int, month: int) -> HttpResponse:
    try:
        body, etag = calendar_month_bytes(year, month)
    except SajuError as exc:
        raise ServiceError(
            ErrorCode.VALIDATION_ERROR, message=exc.message, details={"engine_code": exc.code}
        ) from exc
    if _etag_matches(request, etag):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = CACHE_CONTROL
    return response
