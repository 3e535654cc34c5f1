"""Turning the one error model (unse.core.errors) into HTTP responses: JSON under /api/ (and for
clients that ask for JSON), a Korean HTML page everywhere else. Never a traceback.
"""

from __future__ import annotations

from typing import Any

import sentry_sdk
import structlog
from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.db import DataError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.utils.html import escape
from psycopg_pool import PoolTimeout

from unse.core.errors import ErrorCode, ServiceError, error_payload
from unse.core.request import get_request_id

logger = structlog.get_logger("unse.errors")

# Pages with their own wording; every other code uses the generic page with the code's message.
_TEMPLATES: dict[ErrorCode, str] = {
    ErrorCode.MAINTENANCE: "core/maintenance.html",
}
_TITLES: dict[int, str] = {
    400: "잘못된 요청",
    401: "로그인이 필요합니다",
    403: "접근할 수 없습니다",
    404: "페이지를 찾을 수 없습니다",
    405: "지원하지 않는 요청",
    409: "이미 처리된 요청",
    413: "요청이 너무 큽니다",
    415: "지원하지 않는 형식",
    429: "잠시 후 다시 시도해 주세요",
    500: "일시적인 오류",
    502: "일시적인 오류",
    503: "잠시 이용할 수 없습니다",
    504: "응답이 늦어지고 있습니다",
}


def wants_json(request: HttpRequest) -> bool:
    path = request.path_info or request.path
    if any(path.startswith(prefix) for prefix in settings.JSON_ERROR_PATH_PREFIXES):
        return True
    accept = request.META.get("HTTP_ACCEPT", "")
    if "text/html" in accept:
        return False
    return "application/json" in accept or "text/event-stream" in accept


def _render_html(request: HttpRequest, code: ErrorCode, message: str, request_id: str) -> str:
    context = {
        "code": code.name,
        "status": code.status,
        "title": _TITLES.get(code.status, "오류"),
        "message": message,
        "request_id": request_id,
    }
    # A code's own page, else the status's page (errors/404.html, ...), else the generic one.
    own = _TEMPLATES.get(code)
    template = [own] if own else [f"errors/{code.status}.html", "errors/error.html"]
    try:
        return render_to_string(template, context, request=request)
    except Exception:
        # The error page must not fail with the thing that failed (a broken base template, or a
        # context processor that needs the database that is down): fall back to plain markup.
        logger.warning("error_page_render_failed", template=template, exc_info=True)
        return (
            '<!doctype html><html lang="ko"><head><meta charset="utf-8">'
            f"<title>{escape(context['title'])}</title></head><body>"
            f"<h1>{escape(context['title'])}</h1><p>{escape(message)}</p>"
            f"<p>요청 번호: <code>{escape(request_id)}</code></p></body></html>"
        )


def error_response(
    request: HttpRequest,
    code: ErrorCode,
    *,
    message: str | None = None,
    details: dict[str, Any] | None = None,
    retry_after: int | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    request_id = get_request_id(request)
    response: HttpResponse
    if wants_json(request):
        payload = error_payload(code, request_id=request_id, message=message, details=details)
        response = JsonResponse(payload, status=code.status, json_dumps_params={"ensure_ascii": False})
    else:
        html = _render_html(request, code, message or code.message, request_id)
        response = HttpResponse(html, status=code.status, content_type="text/html; charset=utf-8")
    for name, value in (headers or {}).items():
        response[name] = value
    if retry_after is not None:
        response["Retry-After"] = str(int(retry_after))
    response["Cache-Control"] = "no-store"
    # Django's django.request logger would log this response again; what needs logging was logged here.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def service_error_response(request: HttpRequest, error: ServiceError) -> HttpResponse:
    return error_response(
        request,
        error.code,
        message=error.message,
        details=error.details,
        retry_after=error.retry_after,
        headers=error.headers,
    )


def _is_database_outage(exc: BaseException) -> bool:
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    return isinstance(exc, PoolTimeout)


def classify_exception(exc: BaseException) -> ServiceError | None:
    """Known exception -> its service error; None for a bug (answered as INTERNAL and logged)."""
    if isinstance(exc, ServiceError):
        return exc
    if isinstance(exc, Http404):
        return ServiceError(ErrorCode.NOT_FOUND)
    if isinstance(exc, PermissionDenied):
        return ServiceError(ErrorCode.PERMISSION_DENIED)
    if isinstance(exc, RequestDataTooBig):
        return ServiceError(ErrorCode.PAYLOAD_TOO_LARGE)
    if isinstance(exc, BadRequest | SuspiciousOperation):
        return ServiceError(ErrorCode.VALIDATION_ERROR)
    if isinstance(exc, MultiPartParserError):
        return ServiceError(ErrorCode.MALFORMED_BODY)
    if isinstance(exc, DataError):  # a value the database refuses (a NUL byte on PostgreSQL, an overflow)
        return ServiceError(ErrorCode.VALIDATION_ERROR)
    if _is_database_outage(exc):
        return ServiceError(ErrorCode.DB_UNAVAILABLE, retry_after=settings.DB_UNAVAILABLE_RETRY_AFTER_SECONDS)
    return None


def exception_response(request: HttpRequest, exc: BaseException) -> HttpResponse:
    error = classify_exception(exc)
    if error is not None:
        if error.code.status >= 500:
            # A raised ServiceError is an expected condition; a translated library error keeps its trace.
            trace = None if isinstance(exc, ServiceError) else exc
            logger.warning("service_error", code=error.code.name, path=request.path, exc_info=trace)
        return service_error_response(request, error)
    logger.error("unhandled_exception", path=request.path, method=request.method, exc_info=exc)
    sentry_sdk.capture_exception(exc)  # a no-op unless SENTRY_DSN initialized it (config/settings/base.py)
    return error_response(request, ErrorCode.INTERNAL)


# --- Django's handlerNNN and CSRF failure view --------------------------------------------------------


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, ErrorCode.VALIDATION_ERROR)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, ErrorCode.PERMISSION_DENIED)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, ErrorCode.NOT_FOUND)


def server_error(request: HttpRequest) -> HttpResponse:
    # Reached for exceptions outside views (e.g. in a middleware): Django logs those itself, with the
    # exception, through django.request once this response comes back.
    response = error_response(request, ErrorCode.INTERNAL)
    response._has_been_logged = False  # type: ignore[attr-defined]
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    logger.info("csrf_failed", reason=reason, path=request.path)
    return error_response(request, ErrorCode.CSRF_FAILED)
