"""What the readings-style JSON handlers share: the caller (user, rate-limit subject, request id; CSRF
checked for logged-in users, see unse.api.csrf), and the JSON shape of a reading result."""

from __future__ import annotations

from typing import Any

import orjson
from django.http import HttpRequest, HttpResponse

from unse.ai.ratelimit import client_subject
from unse.api.csrf import acsrf_require
from unse.core.request import client_ip, get_request_id
from unse.readings.sanitize import render_markdown
from unse.readings.services import ReadingResult, rate_headers


async def api_caller(request: HttpRequest) -> dict[str, Any]:
    """The keyword arguments every readings service takes about who asks; CSRF-checked when logged in."""
    user = await request.auser()
    if user.is_authenticated:
        await acsrf_require(request)
    subject = f"user:{user.pk}" if user.is_authenticated else client_subject(client_ip(request))
    return {"user": user, "client_subject": subject, "request_id": get_request_id(request)}


def json_response(data: dict[str, Any], *, status: int = 200) -> HttpResponse:
    return HttpResponse(orjson.dumps(data), status=status, content_type="application/json")


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
        "kind": meta["kind"],
        "topic": meta["topic"],
        "mode": meta["mode"],
        "period": meta["period"],
        "chart": meta["chart"],
    }


def reading_response(request_id: str, result: ReadingResult) -> HttpResponse:
    """The JSON answer of a reading, with the rate-limit headers of the decision that allowed it."""
    return with_rate_headers(json_response(reading_result_json(request_id, result)), result)


def with_rate_headers(response: HttpResponse, result: ReadingResult) -> HttpResponse:
    if result.rate is not None:
        for name, value in rate_headers(result.rate).items():
            response[name] = value
    return response
