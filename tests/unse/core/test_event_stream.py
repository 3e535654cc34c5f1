"""The one error event of every stream: the error object, its request id, and `retry_after` rounded up; an
event's wire form and the stream response."""

from __future__ import annotations

from collections.abc import AsyncIterator

import orjson
import pytest

from unse.core.errors import ErrorCode
from unse.core.event_stream import (
    SSE_KEEPALIVE,
    SSE_OPEN,
    EventName,
    StreamEvent,
    error_event,
    event_stream_response,
    retry_after_seconds,
    with_request_id,
)


@pytest.mark.parametrize(
    ("hint", "seconds"), [(None, None), (0, 0), (0.2, 1), (1.0, 1), (2.5, 3), (3, 3), (59.01, 60)]
)
def test_retry_after_is_whole_seconds_rounded_up(hint: float | None, seconds: int | None) -> None:
    # A client told to wait never comes back before the hint (1.2 s -> 2 s, not 1 s).
    assert retry_after_seconds(hint) == seconds


def test_the_error_event_carries_the_error_object() -> None:
    event = error_event(ErrorCode.AI_BUSY, request_id="r-1", retry_after=2.5)
    assert event.name == EventName.ERROR and event.terminal
    assert event.data == {
        "error": {
            "code": "AI_BUSY",
            "message": ErrorCode.AI_BUSY.message,
            "request_id": "r-1",
            "details": {"retry_after": 3},
        }
    }
    assert event.raw == b"event: error\ndata: " + event.raw_data + b"\n\n"
    assert error_event(ErrorCode.INTERNAL).data["error"]["details"] == {}


def test_a_shared_error_event_gets_each_clients_request_id() -> None:
    shared = error_event(ErrorCode.AI_TIMEOUT, retry_after=1)
    mine = with_request_id(shared, "client-7")
    assert mine.data["error"]["request_id"] == "client-7"
    assert shared.data["error"]["request_id"] == ""
    assert StreamEvent.from_wire(mine.name, mine.raw_data) == mine


def test_an_events_json_is_read_back_from_its_wire_form() -> None:
    # The event keeps only its wire form (issue 19); the JSON mirrored to Redis is cut out of it.
    for name in (EventName.DELTA, "알림"):
        event = StreamEvent.make(name, {"text": "오늘은 맑음"})
        assert event.raw_data == orjson.dumps({"text": "오늘은 맑음"})
        assert StreamEvent.from_wire(name, event.raw_data) == event


async def test_the_stream_response_sends_its_parts_and_a_replaced_content_as_django_does() -> None:
    async def events() -> AsyncIterator[StreamEvent | None]:
        yield StreamEvent.make(EventName.DELTA, {"text": "가"})
        yield None

    response = event_stream_response(events())
    assert [part async for part in response] == [
        SSE_OPEN,
        b'event: delta\ndata: {"text":"\xea\xb0\x80"}\n\n',
        SSE_KEEPALIVE,
    ]

    async def text_parts() -> AsyncIterator[str]:
        yield "나"

    # A middleware that replaces the content gets Django's conversions (str parts become bytes).
    response = event_stream_response(events())
    response.streaming_content = text_parts()
    assert [part async for part in response] == ["나".encode()]
