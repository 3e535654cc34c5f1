"""Test-only routes served by the real app in integration tests: a gated stream (each chunk is sent only
after the client confirmed the previous one, which proves nothing is buffered on the way) and whoami."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import include, path

from unse.core.request import client_ip

_GATE_POLL_SECONDS = 0.02
_GATE_GIVE_UP_SECONDS = 60.0


async def _wait_for(ack: Path) -> bool:
    waited = 0.0
    while waited < _GATE_GIVE_UP_SECONDS:
        if await asyncio.to_thread(ack.exists):
            return True
        await asyncio.sleep(_GATE_POLL_SECONDS)
        waited += _GATE_POLL_SECONDS
    return False


async def gated_stream(request: HttpRequest) -> StreamingHttpResponse:
    chunks = int(request.GET.get("chunks", "3"))
    gate = Path(request.GET["gate"])

    async def events() -> AsyncIterator[bytes]:
        for index in range(chunks):
            yield f"data: {index}\n\n".encode()
            if not await _wait_for(gate / f"ack-{index}"):
                yield b"event: gave-up\ndata: no ack\n\n"
                return
        yield b"event: end\ndata: done\n\n"

    response = StreamingHttpResponse(events(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    return response


async def whoami(request: HttpRequest) -> HttpResponse:
    return JsonResponse(
        {"client_ip": client_ip(request), "secure": request.is_secure(), "host": request.get_host()}
    )


async def count_users(request: HttpRequest) -> HttpResponse:
    from django.contrib.auth import get_user_model

    return JsonResponse({"users": await get_user_model().objects.acount()})


urlpatterns = [
    path("it/db/", count_users),
    path("", include("tests.unse.core.urls")),
    path("it/stream/", gated_stream),
    path("it/whoami/", whoami),
]

handler400 = "unse.core.responses.bad_request"
handler403 = "unse.core.responses.permission_denied"
handler404 = "unse.core.responses.page_not_found"
handler500 = "unse.core.responses.server_error"
