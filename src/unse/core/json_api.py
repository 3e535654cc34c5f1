"""What every app's JSON API (django-ninja) shares: the error handlers (every failure becomes the one error
object `{"error": {...}}`), the error and birth schemas, the JSON response, and the caller of a request.

Each app owns its router (`unse/<app>/api.py`); the root NinjaAPI is assembled in `config/api.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, TypeVar

import orjson
from django.contrib.auth import get_user
from django.http import HttpRequest, HttpResponse
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import ConfigDict

from saju.errors import SajuError
from saju.korean import josa
from unse.core.csrf import acsrf_require
from unse.core.db import db_call
from unse.core.errors import ErrorCode, ServiceError
from unse.core.request import Caller, client_ip, client_subject, get_request_id
from unse.core.responses import error_response, exception_response, service_error_response

T = TypeVar("T")

_HTTP_STATUS_CODES: dict[int, ErrorCode] = {
    400: ErrorCode.VALIDATION_ERROR,
    401: ErrorCode.AUTH_REQUIRED,
    403: ErrorCode.PERMISSION_DENIED,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    413: ErrorCode.PAYLOAD_TOO_LARGE,
}


def _validation_details(errors: list[dict[str, Any]]) -> dict[str, Any]:
    fields = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "payload")]
        fields.append({"field": ".".join(location), "problem": str(error.get("msg", ""))})
    return {"fields": fields}


# Payloads about two people (궁합) put each person's fields under "a" and "b": the message names the person.
PERSON_FIELDS: dict[str, str] = {"a": "첫째 사람(A)", "b": "둘째 사람(B)"}


def _validation_message(fields: list[dict[str, str]]) -> str:
    people = [PERSON_FIELDS[p] for p in ("a", "b") if any(f["field"].split(".")[0] == p for f in fields)]
    if people:
        who = f"{josa(people[0], '과', '와')} {people[1]}" if len(people) == 2 else people[0]
        return f"{who}의 입력값을 확인해 주세요. 잘못된 항목은 details.fields에 있습니다."
    return "입력값을 확인해 주세요. 잘못된 항목은 details.fields에 있습니다."


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ServiceError)
    def on_service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
        return service_error_response(request, exc)

    @api.exception_handler(NinjaValidationError)
    def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        details = _validation_details(list(exc.errors))
        return error_response(
            request,
            ErrorCode.VALIDATION_ERROR,
            message=_validation_message(details["fields"]),
            details=details,
        )

    @api.exception_handler(SajuError)
    def on_saju_error(request: HttpRequest, exc: SajuError) -> HttpResponse:
        return error_response(
            request, ErrorCode.VALIDATION_ERROR, message=exc.message, details={"engine_code": exc.code}
        )

    @api.exception_handler(AuthenticationError)
    def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(request, ErrorCode.AUTH_REQUIRED)

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = _HTTP_STATUS_CODES.get(exc.status_code)
        if code is None:
            return exception_response(request, exc)
        return error_response(request, code)

    @api.exception_handler(Exception)
    def on_exception(request: HttpRequest, exc: Exception) -> HttpResponse:
        return exception_response(request, exc)


# --- schemas --------------------------------------------------------------------------------------------


class BirthIn(Schema):
    """A birth, with exactly the keys of the engine's batch input (omitted keys take the engine's defaults)."""

    model_config = ConfigDict(extra="forbid")

    datetime: str = Field(
        ...,
        description="태어난 날짜와 시각(현지 벽시계), 예: 1990-05-17T14:30 또는 1990-05-17",
        examples=["1990-05-17T14:30"],
    )
    timezone: str | None = Field(None, description="IANA 시간대, 기본 Asia/Seoul", examples=["Asia/Seoul"])
    calendar: Literal["solar", "lunar"] | None = Field(None, description="양력(solar) 또는 음력(lunar)")
    leap: bool | None = Field(None, description="음력 윤달 여부")
    longitude: float | None = Field(None, description="출생지 경도(진태양시·지방시 보정에 사용)")
    time_basis: Literal["civil", "standard", "lmt", "tst", "table"] | None = Field(
        None, description="시각 기준"
    )
    day_change: Literal["midnight", "yajasi", "23h"] | None = Field(
        None, description="날짜가 바뀌는 시각의 관례"
    )
    fold: int | None = Field(None, description="서머타임 종료 등으로 두 번 있는 시각의 선택(0 또는 1)")
    time_unknown: bool | None = Field(None, description="태어난 시간을 모름")
    gender: Literal["female", "male"] | None = Field(None, description="대운 방향 계산에 필요")

    def to_engine(self) -> dict[str, object]:
        return self.model_dump(exclude_unset=True)


class ErrorBody(Schema):
    code: str
    message: str
    request_id: str
    details: dict[str, Any]


class ErrorOut(Schema):
    error: ErrorBody


def error_responses(*statuses: int) -> dict[int, Any]:
    """The `response=` entries of an operation's documented error statuses (all the one error object)."""
    return dict.fromkeys(statuses, ErrorOut)


def json_response(data: dict[str, Any], *, status: int = 200) -> HttpResponse:
    return HttpResponse(orjson.dumps(data), status=status, content_type="application/json")


# --- the caller -------------------------------------------------------------------------------------------


def _user_and(request: HttpRequest, read: Callable[[Any], T] | None) -> tuple[Any, T | None]:
    # Django's own sync loader (session row, user row, session-hash check), cached on the request the way
    # AuthenticationMiddleware's lazy `request.user` / `request.auser()` cache it, so nothing loads it again.
    user = get_user(request)
    request._cached_user = request._acached_user = user  # type: ignore[attr-defined]  # noqa: SLF001 - Django's own cache slots
    return user, (read(user) if read is not None and user.is_authenticated else None)


async def api_caller_and(
    request: HttpRequest, read: Callable[[Any], T] | None = None
) -> tuple[Caller, T | None]:
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
    caller = Caller(
        user=user if user.is_authenticated else None,
        client_subject=subject,
        request_id=get_request_id(request),
    )
    return caller, extra


async def api_caller(request: HttpRequest) -> Caller:
    """Who asks (user, rate-limit subject, request id); CSRF-checked when logged in."""
    caller, _ = await api_caller_and(request)
    return caller
