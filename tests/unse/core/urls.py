"""Test-only URLconf: the core routes plus views that fail in each way the error model covers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import include, path

from unse.core.errors import ErrorCode, ServiceError


def sync_service_error(request: HttpRequest) -> HttpResponse:
    raise ServiceError(ErrorCode.RATE_LIMITED, retry_after=42, details={"limit": "5/m"})


async def async_service_error(request: HttpRequest) -> HttpResponse:
    raise ServiceError(ErrorCode.AI_UNAVAILABLE, retry_after=30, headers={"X-Extra": "yes"})


async def async_bug(request: HttpRequest) -> HttpResponse:
    raise ZeroDivisionError("secret internals 1234")


def sync_bug(request: HttpRequest) -> HttpResponse:
    raise KeyError("secret internals 5678")


def not_found(request: HttpRequest) -> HttpResponse:
    raise Http404("no such chart")


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def database_down(request: HttpRequest) -> HttpResponse:
    raise OperationalError("connection refused")


async def ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse("정상")


async def stream(request: HttpRequest) -> StreamingHttpResponse:
    async def chunks() -> AsyncIterator[bytes]:
        for index in range(3):
            yield f"data: {index}\n\n".encode()
            await asyncio.sleep(0)

    return StreamingHttpResponse(chunks(), content_type="text/event-stream")


failing = [
    path("service-error/", sync_service_error),
    path("service-error-async/", async_service_error),
    path("bug-async/", async_bug),
    path("bug/", sync_bug),
    path("not-found/", not_found),
    path("forbidden/", forbidden),
    path("database-down/", database_down),
    path("ok/", ok),
    path("stream/", stream),
]

urlpatterns = [
    path("accounts/", include("allauth.urls")),
    path("", include("unse.core.urls")),
    path("t/", include(failing)),
    path("api/t/", include(failing)),
]

handler400 = "unse.core.responses.bad_request"
handler403 = "unse.core.responses.permission_denied"
handler404 = "unse.core.responses.page_not_found"
handler500 = "unse.core.responses.server_error"
