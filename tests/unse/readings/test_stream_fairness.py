"""One client cannot starve the others of AI streams (issue 20, finding 3): before, one charged request plus
19 joiners from one IP filled a worker cap of 20 and a different IP got 503 AI_BUSY. Concurrency test on the
real pipeline (real engine, real AI layer, the fake LLM over HTTP)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator
from typing import Any

import pytest
from django.test import override_settings

from tests.unse.readings.llm_fixtures import LLM
from tests.unse.readings.test_pipeline import kwargs
from unse.ai import streamcap
from unse.core.errors import ErrorCode, ServiceError
from unse.core.event_stream import EventName, StreamEvent
from unse.readings.services.open import reading_open
from unse.readings.services.session import ReadingSession

pytestmark = pytest.mark.django_db(transaction=True)

Stream = AsyncGenerator[StreamEvent | None, None]


async def _start(session: ReadingSession) -> tuple[Stream, StreamEvent | None]:
    """The stream and the first event after `meta` (from here on the stream holds its slot, if it got one)."""
    stream = session.events()
    meta = await anext(stream)
    assert meta is not None and meta.name == EventName.META
    return stream, await anext(stream)


def _error_code(event: StreamEvent | None) -> str | None:
    if event is not None and event.name == EventName.ERROR:
        return str(event.data["error"]["code"])
    return None


async def test_one_client_with_joiners_cannot_fill_the_worker(
    llm: LLM, providers: list[dict[str, Any]]
) -> None:
    llm.set(tokens=3000, tps=200)  # the generation outlives the test's checks
    hog = "ip:198.51.100.7"
    streams: list[Stream] = []
    with override_settings(AI_MAX_STREAMS_PER_WORKER=20):
        try:
            # One charged request and 19 joiners of it, all at once, from one client.
            sessions = await asyncio.gather(*(reading_open(**kwargs(client_subject=hog)) for _ in range(20)))
            assert sum(session.joined for session in sessions) == 19
            # The leader's stream first (a page opens it before its followers can exist), then all joiners.
            sessions.sort(key=lambda session: session.joined)
            started = [await _start(sessions[0])]
            started += await asyncio.gather(*(_start(session) for session in sessions[1:]))
            streams.extend(stream for stream, _ in started)
            codes = [_error_code(first) for _, first in started]
            assert streamcap.client_streams(hog) == 3 and codes.count(None) == 3  # AI_MAX_STREAMS_PER_CLIENT
            assert codes.count(ErrorCode.AI_TOO_MANY_STREAMS.name) == 17
            assert streamcap.open_streams() == 1  # joiners never took a leader's slot

            # Another client with another reading is served, not AI_BUSY.
            other = await reading_open(**kwargs(client_subject="ip:203.0.113.5", topic="love"))
            stream, first = await _start(other)
            streams.append(stream)
            assert _error_code(first) is None

            # The same client's next new request is refused before anything streams, with its own code.
            with pytest.raises(ServiceError) as refused:
                await reading_open(**kwargs(client_subject=hog, topic="wealth"))
            assert refused.value.code is ErrorCode.AI_TOO_MANY_STREAMS and refused.value.retry_after
        finally:
            for stream in streams:
                with contextlib.suppress(Exception):
                    await stream.aclose()
    assert streamcap.client_streams(hog) == 0 and streamcap.open_streams() == 0


async def test_joiners_have_their_own_pool(llm: LLM, providers: list[dict[str, Any]]) -> None:
    llm.set(tokens=3000, tps=200)
    streams: list[Stream] = []
    with override_settings(AI_MAX_STREAMS_PER_WORKER=1, AI_MAX_JOINERS_PER_WORKER=2):
        try:
            leader = await reading_open(**kwargs())
            stream, _ = await _start(leader)
            streams.append(stream)
            joiners = [await reading_open(**kwargs()) for _ in range(2)]  # other clients, same reading
            for joiner in joiners:
                assert joiner.joined
                stream, first = await _start(joiner)
                streams.append(stream)
                assert _error_code(first) is None  # the leader's cap of 1 is full, joiners still follow
            with pytest.raises(ServiceError) as busy:
                await reading_open(**kwargs())  # the joiners' pool is full too
            assert busy.value.code is ErrorCode.AI_BUSY
        finally:
            for stream in streams:
                with contextlib.suppress(Exception):
                    await stream.aclose()
