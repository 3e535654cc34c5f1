"""What an open AI stream keeps alive (issue 19: memory per open stream). A stream may stay open for
minutes; once text flows, neither the built-in fallback nor another provider can follow, so the chart,
its analysis, the prompt and the chart document of the `meta` event are let go, and what stays is
right-sized (events: unse.core.jsonbytes) or packed (the facts to store: unse.core.packing). Real pipeline: the engine,
the AI layer, the fake LLM over HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import tracemalloc
from collections.abc import AsyncGenerator
from typing import Any

import pytest
from django.test import override_settings

from saju.analysis import Analysis
from tests.unse.readings.llm_fixtures import LLM
from tests.unse.readings.test_pipeline import kwargs
from unse.core.event_stream import EventName, StreamEvent
from unse.readings.services.open import reading_open
from unse.readings.warm import worker_warm

pytestmark = pytest.mark.django_db(transaction=True)

STREAMS = 24
# Python memory the service keeps per open stream (TOKENS tokens of text each), the fake LLM's side excluded:
# 31-32 KiB measured here, 60 KiB before the analysis, the prompt and the chart document were let go and kept
# JSON was right-sized.
KEPT_PER_STREAM = 44 * 1024
KEPT_FLOOR = 8 * 1024
TOKENS = 40
NOT_THE_SERVICE = (
    "*/tools/fakellm/*",
    "*/aiohttp/web*",
    "*/asyncio/streams.py",
    "*/aiohttp/base_protocol.py",
    "*/tracemalloc.py",
)


def _births() -> list[dict[str, object]]:
    return [
        {
            "datetime": f"19{60 + i}-0{1 + i % 9}-1{i % 10}T0{i % 10}:1{i % 10}",
            "timezone": "Asia/Seoul",
            "gender": "female" if i % 2 else "male",
        }
        for i in range(STREAMS)
    ]


def _analyses() -> int:
    return sum(type(o) is Analysis for o in gc.get_objects())  # isinstance would evaluate lazy objects


def _kept_bytes(snapshot: tracemalloc.Snapshot) -> int:
    filters = [tracemalloc.Filter(False, pattern) for pattern in NOT_THE_SERVICE]
    return sum(stat.size for stat in snapshot.filter_traces(filters).statistics("filename"))


async def _open_to_first_delta(
    birth: dict[str, object], topic: str | None = None
) -> AsyncGenerator[StreamEvent | None, None]:
    session = await reading_open(**kwargs(birth=birth, topic=topic))
    stream = session.events()
    async for event in stream:
        if event is not None and event.name == EventName.DELTA:
            return stream
        assert event is None or event.name in {EventName.META, EventName.NOTICE}, event
    raise AssertionError("the stream ended before its first delta")


async def _closed(
    streams: list[AsyncGenerator[StreamEvent | None, None]], tasks: set[asyncio.Task[Any]], llm: LLM
) -> None:
    """Close the streams, let the fake LLM's held answers end, and wait until every task started since
    `tasks` (the generations, the fake's handlers) has ended."""
    for stream in streams:
        await stream.aclose()
    llm.fake.cut_release.set()
    started = asyncio.all_tasks() - tasks - {asyncio.current_task()}
    if started:
        await asyncio.wait(started, timeout=10)


async def test_an_open_stream_keeps_no_analysis_and_little_memory(llm: LLM) -> None:
    # Every answer sends TOKENS tokens, then waits (for the test's release) without closing: the text each
    # stream holds does not depend on how long the test takes, and no stream ends before it is measured.
    llm.set(tokens=10 * TOKENS, tps=400, fault="cut", cut_after=TOKENS, cut_hold=300)
    births = _births()
    streams: list[AsyncGenerator[StreamEvent | None, None]] = []
    provider = llm.provider(first_token_timeout=5.0, total_timeout=600.0, max_retries=0)
    limits = {"RATE_LIMIT_ANON": "", "RATE_LIMIT_ANON_GLOBAL": "", "LLM_PROVIDERS": [provider]}
    with override_settings(AI_MAX_STREAMS_PER_CLIENT=STREAMS, AI_MAX_STREAMS_PER_WORKER=STREAMS, **limits):
        try:
            # As a served worker does before it serves (config/asgi.py); then the same charts under another
            # topic (another reading), so that the worker's memos and connections are not counted.
            worker_warm()
            for birth in births:
                warm = await _open_to_first_delta(birth, topic="love")
                await warm.aclose()
            gc.collect()
            analyses, tasks = _analyses(), asyncio.all_tasks()
            tracemalloc.start()
            for birth in births:
                streams.append(await _open_to_first_delta(birth))
            gc.collect()
            assert _analyses() == analyses  # was one more per open stream
            with_streams = _kept_bytes(tracemalloc.take_snapshot())
            # What the streams held is what their closing gives back: memos filled meanwhile stay in both.
            await _closed(streams, tasks, llm)
            gc.collect()
            kept = (with_streams - _kept_bytes(tracemalloc.take_snapshot())) / len(births)
            # Above the floor: the streams were open when measured (a stream that ended holds next to nothing).
            assert KEPT_FLOOR < kept < KEPT_PER_STREAM, f"{kept / 1024:.1f} KiB per open stream"
        finally:
            llm.fake.cut_release.set()
            tracemalloc.stop()
            for stream in streams:
                with contextlib.suppress(Exception):
                    await stream.aclose()
