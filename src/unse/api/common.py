"""What the readings-style JSON handlers share: the caller (user, rate-limit subject, request id; CSRF
checked for logged-in users, see unse.api.csrf), and the JSON shape of a reading result."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import orjson
from django.contrib.auth import get_user
from django.http import HttpRequest, HttpResponse

from unse.ai.ratelimit import client_subject
from unse.api.csrf import acsrf_require
from unse.core.request import client_ip, get_request_id
from unse.readings.db import db_call
from unse.readings.sanitize import render_markdown
from unse.readings.services import ReadingResult, rate_headers

T = TypeVar("T")


def _user_and(request: HttpRequest, read: Callable[[Any], T] | None) -> tuple[Any, T | None]:
    # Django's own sync loader (session row, user row, session-hash check), cached on the request the way
    # AuthenticationMiddleware's lazy `request.user` / `request.auser()` cache it, so nothing loads it again.
    user = get_user(request)
    request._cached_user = request._acached_user = user  # type: ignore[attr-defined]
    return user, (read(user) if read is not None and user.is_authenticated else None)


async def api_caller_and(
    request: HttpRequest, read: Callable[[Any], T] | None = None
) -> tuple[dict[str, Any], T | None]:
    """`api_caller`, plus `read(user)` (a sync selector; logged-in users only, else None) run in the same
    worker-thread hop as the user load.

    With a session cookie the session, the user and `read` are loaded in ONE `db_call` (a pool thread,
    connection released after it on PostgreSQL; on SQLite the pool thread keeps its connection) instead of
    `request.auser()`'s two hops to the request's own thread — a fresh thread per request, whose SQLite
    connection was opened and closed again for every request (BENCHMARKS.md "Cached path").
    Without one (anonymous) nothing touches the database: `request.auser()` answers on the loop.
    """
    session = getattr(request, "session", None)
    if session is not None and session.session_key is not None and not hasattr(request, "_acached_user"):
        user, extra = await db_call(_user_and, request, read)
    else:
        user = await request.auser()
        extra = await db_call(read, user) if read is not None and user.is_authenticated else None
    if user.is_authenticated:
        await acsrf_require(request)
    subject = f"user:{user.pk}" if user.is_authenticated else client_subject(client_ip(request))
    return {"user": user, "client_subject": subject, "request_id": get_request_id(request)}, extra


async def api_caller(request: HttpRequest) -> dict[str, Any]:
    """The keyword arguments every readings service takes about who asks; CSRF-checked when logged in."""
    caller, _ = await api_caller_and(request)
    return caller


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
