"""What an open stream holds in a real worker (issue 19): no OS thread of its own.

Django starts a thread for a request's first thread-sensitive call and keeps it until the response ends;
its request_started receivers made that call for every request, so every open stream held an idle thread
(≈ 20 KiB of memory and a thread start each). config/asgi.py disconnects them (they have nothing to do in
a fresh request context); this counts the worker's threads with 20, then 40 open streams.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import psutil
import pytest

from tests.fakellm_fixture import FakeLLMHandle
from tests.reliability.conftest import HTTPS, ai_env, birth, start_app

pytestmark = [pytest.mark.integration, pytest.mark.slow]

BATCH = 20


async def test_open_streams_hold_no_thread_each(
    tmp_path: Path, sqlite_url: str, fake_llm: FakeLLMHandle, app_servers
) -> None:
    fake_llm.control(tokens=200, tps=2, ttft=0)  # about 100 s per answer: every stream stays open
    env = ai_env(fake_llm, AI_MAX_STREAMS_PER_CLIENT="1000", RATE_LIMIT_ANON="")
    app = start_app(tmp_path, database_url=sqlite_url, **env)
    app_servers.append(app)
    worker = psutil.Process(app.process.pid)
    release = asyncio.Event()

    async def stream(client: httpx.AsyncClient, index: int, opened: asyncio.Queue[int]) -> None:
        body = {"birth": birth(index), "kind": "saju"}
        async with client.stream(
            "POST", app.url("/api/v1/readings/stream"), json=body, headers=HTTPS
        ) as response:
            assert response.status_code == 200
            async for line in response.aiter_lines():
                if line == "event: delta":
                    await opened.put(index)
                    await release.wait()
                    return

    async def open_batch(client: httpx.AsyncClient, first: int) -> list[asyncio.Task[None]]:
        opened: asyncio.Queue[int] = asyncio.Queue()
        tasks = [asyncio.ensure_future(stream(client, first + i, opened)) for i in range(BATCH)]
        for _ in range(BATCH):
            await asyncio.wait_for(opened.get(), timeout=60)
        return tasks

    limits = httpx.Limits(max_connections=2 * BATCH, max_keepalive_connections=0)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        # The first batch also starts the worker's shared pools (the loop's executor for database calls).
        tasks = await open_batch(client, 0)
        with_first_batch = worker.num_threads()
        tasks += await open_batch(client, BATCH)
        with_both_batches = worker.num_threads()
        release.set()
        await asyncio.gather(*tasks)
    # One thread per stream would be 20 more. Without one, only the loop's default executor may still grow
    # (by the concurrent database calls: at most READINGS_OPENING_CONCURRENCY openings at a time).
    growth = with_both_batches - with_first_batch
    assert growth < BATCH // 2, (with_first_batch, with_both_batches)
