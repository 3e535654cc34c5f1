"""Streamed answers as Server-Sent Events: the event type, its wire form (encoded once, shared by every
attached client), the one error event, and the one streaming response of the JSON API.

Readings and chats both stream `meta`, `notice`*, `delta`*, then `done` or `error`; `None` in an event
iterator is a keep-alive tick. The response sends an SSE comment at once (so proxies and clients see the
stream open), keep-alive comments while idle, and disables proxy buffering (`X-Accel-Buffering: no`).
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson
from django.http import StreamingHttpResponse

from unse.core.db import release_request_connection
from unse.core.errors import ErrorCode

SSE_OPEN = b": stream open\n\n"
SSE_KEEPALIVE = b": keep-alive\n\n"


class EventName:
    META = "meta"
    NOTICE = "notice"
    DELTA = "delta"
    DONE = "done"
    ERROR = "error"


TERMINAL_EVENTS = frozenset({EventName.DONE, EventName.ERROR})


_SSE_DATA_OFFSET = len(b"event: \ndata: ")


def encode_sse(name: str, data_json: bytes) -> bytes:
    # orjson never emits a newline without OPT_INDENT, so one `data:` line is always enough.
    return b"event: " + name.encode() + b"\ndata: " + data_json + b"\n\n"


@dataclass(frozen=True, slots=True)
class StreamEvent:
    name: str
    data: dict[str, Any]
    # The wire form only: orjson's own output (a buffer of 4 KiB or more, unshrunk) is let go once copied
    # into it, so an event held by a flight or a slow client costs its size (unse.core.jsonbytes).
    raw: bytes = field(default=b"", compare=False, repr=False)

    @classmethod
    def make(cls, name: str, data: dict[str, Any]) -> StreamEvent:
        return cls(name=name, data=data, raw=encode_sse(name, orjson.dumps(data)))

    @classmethod
    def from_wire(cls, name: str, data_json: bytes) -> StreamEvent:
        return cls(name=name, data=orjson.loads(data_json), raw=encode_sse(name, data_json))

    @property
    def raw_data(self) -> bytes:
        """The event's JSON (the `data:` line's value), as sent."""
        return self.raw[len(self.name.encode()) + _SSE_DATA_OFFSET : -2]

    @property
    def terminal(self) -> bool:
        return self.name in TERMINAL_EVENTS


def retry_after_seconds(retry_after: float | None) -> int | None:
    """Whole seconds to wait, rounded up: a client told to wait 2 s after a 1.2 s hint never comes early."""
    return None if retry_after is None else max(0, math.ceil(retry_after))


def error_event(code: ErrorCode, *, request_id: str = "", retry_after: float | None = None) -> StreamEvent:
    """The `error` event: the one error object (docs/errors.md); `retry_after` in whole seconds, rounded up.
    A generation shared by several clients publishes it with an empty request id, and each client's relay
    fills in its own (`with_request_id`)."""
    seconds = retry_after_seconds(retry_after)
    details: dict[str, Any] = {} if seconds is None else {"retry_after": seconds}
    return StreamEvent.make(
        EventName.ERROR,
        {"error": {"code": code.name, "message": code.message, "request_id": request_id, "details": details}},
    )


def with_request_id(event: StreamEvent, request_id: str) -> StreamEvent:
    """An `error` event carrying this client's request id."""
    error = dict(event.data["error"])
    error["request_id"] = request_id
    return StreamEvent.make(EventName.ERROR, {"error": error})


async def _body(events: AsyncIterator[StreamEvent | None]) -> AsyncIterator[bytes]:
    # Django cancels this generator (CancelledError) when the client disconnects; closing `events` detaches
    # this client at once (the last client of a reading's flight cancels the upstream provider call).
    try:
        # Response middleware (session save, last-seen update) ran after the view: release what it opened.
        await release_request_connection()
        yield SSE_OPEN
        async for event in events:
            yield SSE_KEEPALIVE if event is None else event.raw
    finally:
        aclose = getattr(events, "aclose", None)
        if aclose is not None:
            await aclose()


class EventStreamResponse(StreamingHttpResponse):
    """Its parts are bytes already: Django's two wrapping generators (and `make_bytes` per part) are skipped,
    two generators less per event and per open stream (issue 19)."""

    def __init__(self, parts: AsyncIterator[bytes], *, content_type: str) -> None:
        super().__init__(parts, content_type=content_type)
        self._parts = parts

    def __aiter__(self) -> AsyncIterator[bytes]:
        # Only while the content is still ours: a middleware that sets `streaming_content` gets Django's
        # path (its conversions, its fallback for a sync iterator).
        parts = self._parts
        current: object = self._iterator  # type: ignore[attr-defined]  # not in django-stubs
        if current is parts:
            return parts
        wrapped: AsyncIterator[bytes] = super().__aiter__()
        return wrapped


def event_stream_response(
    events: AsyncIterator[StreamEvent | None], *, headers: Mapping[str, str] | None = None
) -> StreamingHttpResponse:
    """The `text/event-stream` response of an event iterator (its rate-limit headers in `headers`)."""
    response = EventStreamResponse(_body(events), content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache, no-store, no-transform"
    response["X-Accel-Buffering"] = "no"
    for name, value in (headers or {}).items():
        response[name] = value
    return response
