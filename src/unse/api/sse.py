"""The SSE response: an open comment at once, events as they come, keep-alives, no proxy buffering."""

from __future__ import annotations

from collections.abc import AsyncIterator

from django.http import StreamingHttpResponse

from unse.readings.db import release_request_connection
from unse.readings.events import SSE_KEEPALIVE, SSE_OPEN
from unse.readings.services import ReadingSession, rate_headers


async def _body(session: ReadingSession) -> AsyncIterator[bytes]:
    # Django cancels this generator (CancelledError) when the client disconnects; closing `events`
    # detaches this client from the flight at once, and the last one to leave cancels the upstream.
    events = session.events()
    try:
        # Response middleware (session save, last-seen update) ran after the view: release what it opened.
        await release_request_connection()
        yield SSE_OPEN
        async for event in events:
            yield SSE_KEEPALIVE if event is None else event.raw
    finally:
        await events.aclose()


def sse_response(session: ReadingSession) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_body(session), content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache, no-store, no-transform"
    response["X-Accel-Buffering"] = "no"
    if session.rate is not None:
        for name, value in rate_headers(session.rate).items():
            response[name] = value
    return response
