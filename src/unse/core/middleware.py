"""The service's own middleware (order in config/settings/base.py MIDDLEWARE):

1. `request_context_middleware` (first): request id, log context, one access log line, metrics.
2. `health_middleware`: answers /health/, /ready/ and /metrics before host validation, the HTTPS
   redirect, sessions and maintenance mode, so probes on 127.0.0.1 and inside containers always work.
3. ... Django's and allauth's middleware ...
4. `maintenance_middleware` (after authentication): 503 + Retry-After for everyone but superusers.
5. `ErrorMiddleware` (last): any exception raised by a view -> the error model (JSON or Korean page).

All but the last are written sync+async so an async request never hops to a thread for them.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

import structlog
from asgiref.sync import async_to_sync, iscoroutinefunction
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.decorators import sync_and_async_middleware
from django.utils.deprecation import MiddlewareMixin

from unse.core import health, metrics
from unse.core.errors import ErrorCode
from unse.core.maintenance import ais_maintenance_active, is_exempt_path, is_maintenance_active
from unse.core.probes import metrics_view, ready_view
from unse.core.request import REQUEST_ID_HEADER, assign_request_id, client_ip
from unse.core.responses import error_response, exception_response

access_logger = structlog.get_logger("unse.access")

GetResponse = Callable[[HttpRequest], HttpResponseBase]
AsyncGetResponse = Callable[[HttpRequest], Awaitable[HttpResponseBase]]
Middleware = Callable[[HttpRequest], HttpResponseBase | Awaitable[HttpResponseBase]]


def _begin(request: HttpRequest) -> str:
    request_id = assign_request_id(request)
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(request_id=request_id)
    return request_id


def _route_of(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is not None and match.route:
        return str(match.route)
    return getattr(request, "unse_route", "<unmatched>")


def _finish(request: HttpRequest, response: HttpResponseBase, request_id: str, started: float) -> None:
    response[REQUEST_ID_HEADER] = request_id
    elapsed = time.perf_counter() - started
    route = _route_of(request)
    metrics.observe_request(
        method=request.method or "", route=route, status=response.status_code, seconds=elapsed
    )
    if route in settings.ACCESS_LOG_SKIP_ROUTES:
        return
    access_logger.info(
        "request",
        method=request.method,
        path=request.path,
        route=route,
        status=response.status_code,
        duration_ms=round(elapsed * 1000, 2),
        client_ip=client_ip(request),
        streaming=bool(getattr(response, "streaming", False)),
    )


@sync_and_async_middleware
def request_context_middleware(get_response: GetResponse | AsyncGetResponse) -> Middleware:
    if iscoroutinefunction(get_response):
        async_get_response: AsyncGetResponse = get_response

        async def async_middleware(request: HttpRequest) -> HttpResponseBase:
            request_id = _begin(request)
            started = time.perf_counter()
            metrics.HTTP_IN_PROGRESS.inc()
            try:
                response = await async_get_response(request)
            finally:
                metrics.HTTP_IN_PROGRESS.dec()
            _finish(request, response, request_id, started)
            return response

        return async_middleware

    sync_get_response: GetResponse = get_response  # type: ignore[assignment]

    def middleware(request: HttpRequest) -> HttpResponseBase:
        request_id = _begin(request)
        started = time.perf_counter()
        metrics.HTTP_IN_PROGRESS.inc()
        try:
            response = sync_get_response(request)
        finally:
            metrics.HTTP_IN_PROGRESS.dec()
        _finish(request, response, request_id, started)
        return response

    return middleware


_PROBES = {
    "/health/": ("health/", health.health),
    "/ready/": ("ready/", ready_view),
    "/metrics": ("metrics", metrics_view),
}


@sync_and_async_middleware
def health_middleware(get_response: GetResponse | AsyncGetResponse) -> Middleware:
    # The probe views are async; a sync stack (only in unusual test setups) runs them via async_to_sync.
    if iscoroutinefunction(get_response):
        async_get_response: AsyncGetResponse = get_response

        async def async_middleware(request: HttpRequest) -> HttpResponseBase:
            probe = _PROBES.get(request.path_info)
            if probe is None:
                return await async_get_response(request)
            request.unse_route = probe[0]  # type: ignore[attr-defined]
            return await probe[1](request)

        return async_middleware

    sync_get_response: GetResponse = get_response  # type: ignore[assignment]

    def middleware(request: HttpRequest) -> HttpResponseBase:
        probe = _PROBES.get(request.path_info)
        if probe is None:
            return sync_get_response(request)
        request.unse_route = probe[0]  # type: ignore[attr-defined]
        return async_to_sync(probe[1])(request)

    return middleware


def _maintenance_response(request: HttpRequest) -> HttpResponse:
    return error_response(
        request, ErrorCode.MAINTENANCE, retry_after=int(settings.MAINTENANCE_RETRY_AFTER_SECONDS)
    )


@sync_and_async_middleware
def maintenance_middleware(get_response: GetResponse | AsyncGetResponse) -> Middleware:
    if iscoroutinefunction(get_response):
        async_get_response: AsyncGetResponse = get_response

        async def async_middleware(request: HttpRequest) -> HttpResponseBase:
            if is_exempt_path(request.path_info) or not await ais_maintenance_active():
                return await async_get_response(request)
            user = await request.auser()
            if user.is_active and getattr(user, "is_superuser", False):
                return await async_get_response(request)
            return _maintenance_response(request)

        return async_middleware

    sync_get_response: GetResponse = get_response  # type: ignore[assignment]

    def middleware(request: HttpRequest) -> HttpResponseBase:
        if is_exempt_path(request.path_info) or not is_maintenance_active():
            return sync_get_response(request)
        user = request.user
        if user.is_active and getattr(user, "is_superuser", False):
            return sync_get_response(request)
        return _maintenance_response(request)

    return middleware


class ErrorMiddleware(MiddlewareMixin):
    """Django calls process_exception for exceptions raised by views (sync or async); the answer is
    the error model. Exceptions raised outside views reach handler400/403/404/500 (config/urls.py),
    which use the same renderer."""

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse:
        return exception_response(request, exception)
