"""Streaming rules: DB work only before the first streamed byte or after the end; no pooled connection held
while a stream is open; no sync ORM on the event loop (the suite runs without DJANGO_ALLOW_ASYNC_UNSAFE)."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.db import connection
from django.db.backends.utils import CursorWrapper

from tests.unse.readings.llm_fixtures import BIRTH, LLM, subject
from unse.core.event_stream import EventName
from unse.core.request import Caller
from unse.readings.requests import reading_request
from unse.readings.services.open import reading_stream

pytestmark = pytest.mark.django_db(transaction=True)


def kwargs() -> dict[str, Any]:
    return {
        "request": reading_request(birth=BIRTH),
        "caller": Caller(user=None, client_subject=subject(), request_id="rid-db"),
    }


def test_async_unsafe_is_not_allowed_in_this_suite() -> None:
    assert not os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")


async def test_no_query_runs_while_the_answer_is_streaming(
    llm: LLM, providers: list[dict[str, Any]], monkeypatch
) -> None:
    llm.set(tokens=150, tps=300)
    seen = {"events": 0}
    queries: list[tuple[int, int, str]] = []
    original = CursorWrapper.execute

    def recording(self: CursorWrapper, sql: str, params: Any = None) -> Any:
        queries.append((seen["events"], llm.stats.completed, sql.split()[0]))
        return original(self, sql, params)

    monkeypatch.setattr(CursorWrapper, "execute", recording)
    deltas = 0
    async for event in reading_stream(**kwargs()):
        if event is None:
            continue
        seen["events"] += 1
        deltas += event.name == EventName.DELTA
    assert deltas > 1
    assert any(kind == "SELECT" for _, _, kind in queries)  # the cache lookup
    assert any(kind == "INSERT" for _, _, kind in queries)  # the store
    for events_seen, upstream_completed, kind in queries:
        # Either before the first streamed byte, or after the upstream answer was complete.
        assert events_seen == 0 or upstream_completed == 1, (events_seen, upstream_completed, kind)


@pytest.mark.postgres
async def test_an_open_stream_holds_no_pooled_connection(llm: LLM, providers: list[dict[str, Any]]) -> None:
    if connection.vendor != "postgresql" or connection.pool is None:
        pytest.skip("needs PostgreSQL with Django's connection pool")
    pool = connection.pool
    llm.set(tokens=400, tps=200)

    def checked_out() -> int:
        stats = pool.get_stats()
        return int(stats.get("pool_size", 0)) - int(stats.get("pool_available", 0))

    baseline = checked_out()
    deltas = 0
    async for event in reading_stream(**kwargs()):
        if event is not None and event.name == EventName.DELTA:
            deltas += 1
            if deltas in (1, 5, 10):
                assert checked_out() <= baseline
    assert deltas >= 10


@pytest.mark.postgres
async def test_a_signed_in_users_stream_holds_no_pooled_connection(
    llm: LLM, providers: list[dict[str, Any]]
) -> None:
    """The session/user lookup of `request.auser()` opens a connection in the request's thread; it must be
    released before the first byte too."""
    if connection.vendor != "postgresql" or connection.pool is None:
        pytest.skip("needs PostgreSQL with Django's connection pool")
    import orjson
    from django.contrib.auth import get_user_model
    from django.test import AsyncClient

    pool = connection.pool
    user = await get_user_model().objects.acreate(username="streamer", email="streamer@example.com")
    client = AsyncClient()
    await client.aforce_login(user)
    # The setup above left a connection open in the thread that runs thread-sensitive ORM calls (where the
    # request's session and user lookups run too): release it so the baseline is what the stream must keep.
    from asgiref.sync import sync_to_async
    from django.db import connections

    await sync_to_async(connections.close_all)()
    llm.set(tokens=300, tps=200)

    def checked_out() -> int:
        stats = pool.get_stats()
        return int(stats.get("pool_size", 0)) - int(stats.get("pool_available", 0))

    baseline = checked_out()
    response = await client.post(
        "/api/v1/readings/stream", data=orjson.dumps({"birth": BIRTH}), content_type="application/json"
    )
    assert response.status_code == 200
    deltas = 0
    async for chunk in response.streaming_content:
        if b"event: delta" in chunk:
            deltas += 1
            if deltas in (1, 3, 6):
                assert checked_out() <= baseline
    assert deltas >= 6
