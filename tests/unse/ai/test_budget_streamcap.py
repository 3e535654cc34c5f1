"""Daily token budget (atomic, KST day, Redis or local) and the per-worker stream cap."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest

from unse.ai import streamcap
from unse.ai.budget import (
    UNLIMITED,
    budget_day,
    token_budget_remaining,
    token_budget_spend,
    token_budget_spent,
    tokens_estimate,
)
from unse.core.errors import ErrorCode, ServiceError

pytestmark = pytest.mark.usefixtures("ai_clients")


@pytest.fixture(params=["ai_local", "ai_redis"])
def backend(request: pytest.FixtureRequest) -> str:
    request.getfixturevalue(request.param)
    return str(request.param)


async def test_concurrent_spending_is_counted_exactly(backend: str, settings: Any) -> None:
    settings.AI_DAILY_TOKEN_BUDGET = 10_000
    await asyncio.gather(*(token_budget_spend(7) for _ in range(200)))
    assert await token_budget_spent() == 1400
    assert await token_budget_remaining() == 10_000 - 1400


async def test_remaining_never_goes_below_zero(backend: str, settings: Any) -> None:
    settings.AI_DAILY_TOKEN_BUDGET = 100
    await token_budget_spend(150)
    assert await token_budget_remaining() == 0


async def test_zero_budget_means_unlimited(ai_local: None, settings: Any) -> None:
    settings.AI_DAILY_TOKEN_BUDGET = 0
    await token_budget_spend(10**9)
    assert await token_budget_remaining() == UNLIMITED


async def test_budget_survives_redis_outage(ai_redis_down: None, settings: Any) -> None:
    settings.AI_DAILY_TOKEN_BUDGET = 1000
    await token_budget_spend(300)
    assert await token_budget_remaining() == 700


def test_budget_day_is_the_korean_date() -> None:
    assert budget_day(datetime(2026, 3, 1, 15, 30, tzinfo=UTC)) == "2026-03-02"
    assert budget_day(datetime(2026, 3, 1, 14, 59, tzinfo=UTC)) == "2026-03-01"


async def test_stream_cap_refuses_with_ai_busy(settings: Any) -> None:
    settings.AI_MAX_STREAMS_PER_WORKER = 2
    settings.AI_STREAM_RETRY_AFTER_SECONDS = 7
    assert streamcap.open_streams() == 0
    async with streamcap.stream_slot(), streamcap.stream_slot():
        assert streamcap.open_streams() == 2
        with pytest.raises(ServiceError) as info:
            async with streamcap.stream_slot():
                pass
        assert info.value.code is ErrorCode.AI_BUSY
        assert info.value.status == 503
        assert info.value.retry_after == 7
        assert info.value.headers["Retry-After"] == "7"
    assert streamcap.open_streams() == 0
    async with streamcap.stream_slot():
        assert streamcap.open_streams() == 1


async def test_stream_slot_is_released_on_error_and_cancel(settings: Any) -> None:
    settings.AI_MAX_STREAMS_PER_WORKER = 1

    entered = asyncio.Event()

    async def hold() -> None:
        async with streamcap.stream_slot():
            entered.set()
            await asyncio.sleep(3600)

    task = asyncio.create_task(hold())
    await entered.wait()
    assert streamcap.open_streams() == 1
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    with pytest.raises(RuntimeError):
        async with streamcap.stream_slot():
            raise RuntimeError("boom")
    assert streamcap.open_streams() == 0


async def test_the_batch_reserve_is_closed_to_interactive_readings(backend: str, settings: Any) -> None:
    settings.AI_DAILY_TOKEN_BUDGET = 10_000
    settings.AI_BATCH_TOKEN_SHARE = 0.4
    await token_budget_spend(5_000)  # interactive readings spend their whole pool (6,000) ...
    await token_budget_spend(1_000)
    assert await token_budget_remaining() == 0
    assert await token_budget_remaining(batch=True) == 4_000  # ... the batch still has its 4,000
    await token_budget_spend(3_000, batch=True)
    assert await token_budget_remaining() == 0 and await token_budget_remaining(batch=True) == 1_000


async def test_batch_spending_comes_out_of_its_reserve_first(backend: str, settings: Any) -> None:
    settings.AI_DAILY_TOKEN_BUDGET = 10_000
    settings.AI_BATCH_TOKEN_SHARE = 0.4
    await token_budget_spend(3_000, batch=True)
    assert await token_budget_remaining() == 6_000  # inside the reserve: the interactive pool is untouched
    await token_budget_spend(2_000, batch=True)
    assert await token_budget_remaining() == 5_000  # 1,000 beyond the reserve came from the shared pool
    assert await token_budget_remaining(batch=True) == 5_000


def test_a_text_without_usage_is_charged_an_estimate() -> None:
    assert tokens_estimate("") == 0
    assert tokens_estimate("a") == 1
    assert tokens_estimate("오늘은 좋은 날입니다.") == 8  # 30 bytes / 4, rounded up
    assert tokens_estimate("ab", "cd") == 1
