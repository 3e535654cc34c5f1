"""Circuit breaker: thresholds, half-open probe, reset, shared state through Redis, local fallback."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import pytest

from unse.ai import breaker, metrics
from unse.ai.breaker import (
    BreakerState,
    breaker_allow,
    breaker_record,
    breaker_reset,
    breaker_state,
    breaker_states,
)
from unse.ai.redis import close_ai_redis

pytestmark = pytest.mark.usefixtures("ai_clients")
BACKENDS = ["ai_local", "ai_redis"]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    request.getfixturevalue(request.param)
    return str(request.param)


async def _calls(provider: str, outcomes: list[bool]) -> None:
    for ok in outcomes:
        if await breaker_allow(provider):
            await breaker_record(provider, ok=ok)


async def test_ten_percent_failures_never_open(backend: str) -> None:
    rng = random.Random(4)
    outcomes = [rng.random() >= 0.10 for _ in range(1000)]
    # the worst case of a 10 % rate too: failures evenly spread, one in every ten calls
    outcomes += [i % 10 != 9 for i in range(500)]
    await _calls("p", outcomes)
    assert await breaker_state("p") is BreakerState.CLOSED
    assert await breaker_allow("p") is True


async def test_full_outage_opens_and_refuses_calls(backend: str, settings: Any) -> None:
    await _calls("p", [True] * 50)
    await _calls("p", [False] * settings.AI_BREAKER_CONSECUTIVE_FAILURES)
    assert await breaker_state("p") is BreakerState.OPEN
    assert await breaker_allow("p") is False
    assert metrics.BREAKER_STATE.labels("p")._value.get() == 2  # visible in /metrics


async def test_failure_rate_over_the_window_opens(backend: str, settings: Any) -> None:
    settings.AI_BREAKER_CONSECUTIVE_FAILURES = 1000
    settings.AI_BREAKER_MIN_CALLS = 20
    await _calls("p", [True, False] * 10)  # 50 % over 20 calls, never more than one failure in a row
    assert await breaker_state("p") is BreakerState.OPEN


async def test_below_min_calls_the_rate_rule_waits(backend: str, settings: Any) -> None:
    settings.AI_BREAKER_CONSECUTIVE_FAILURES = 1000
    settings.AI_BREAKER_MIN_CALLS = 20
    await _calls("p", [False, True] * 5)
    assert await breaker_state("p") is BreakerState.CLOSED


async def test_half_open_lets_one_probe_through_and_success_closes(backend: str, settings: Any) -> None:
    settings.AI_BREAKER_OPEN_SECONDS = 0
    await _calls("p", [False] * settings.AI_BREAKER_CONSECUTIVE_FAILURES)
    assert await breaker_state("p") is BreakerState.HALF_OPEN
    assert await breaker_allow("p") is True  # the probe
    assert await breaker_allow("p") is False  # everyone else waits for the probe's result
    await breaker_record("p", ok=True)
    assert await breaker_state("p") is BreakerState.CLOSED
    assert await breaker_allow("p") is True


async def test_failed_probe_opens_again(backend: str, settings: Any) -> None:
    settings.AI_BREAKER_OPEN_SECONDS = 0
    await _calls("p", [False] * settings.AI_BREAKER_CONSECUTIVE_FAILURES)
    assert await breaker_allow("p") is True
    settings.AI_BREAKER_OPEN_SECONDS = 3600
    await breaker_record("p", ok=False)
    assert await breaker_state("p") is BreakerState.OPEN
    assert await breaker_allow("p") is False


async def test_reset_closes_without_redeploy(backend: str, settings: Any) -> None:
    settings.AI_BREAKER_OPEN_SECONDS = 3600
    await _calls("p", [False] * settings.AI_BREAKER_CONSECUTIVE_FAILURES)
    assert await breaker_state("p") is BreakerState.OPEN
    await breaker_reset("p")
    assert await breaker_state("p") is BreakerState.CLOSED
    assert await breaker_allow("p") is True


async def test_breakers_are_per_provider(backend: str, settings: Any) -> None:
    settings.LLM_PROVIDERS = [{"name": "a"}, {"name": "b"}]
    settings.AI_BREAKER_OPEN_SECONDS = 3600
    await _calls("a", [False] * settings.AI_BREAKER_CONSECUTIVE_FAILURES)
    assert await breaker_states() == {"a": BreakerState.OPEN, "b": BreakerState.CLOSED}


def _state_seen_by_another_worker(provider: str) -> BreakerState:
    """A second breaker instance: its own thread, event loop and Redis connection."""

    async def look() -> BreakerState:
        try:
            return await breaker_state(provider)
        finally:
            await close_ai_redis()

    return asyncio.run(look())


@pytest.mark.redis
async def test_state_is_shared_through_redis(ai_redis: str, settings: Any) -> None:
    settings.AI_BREAKER_OPEN_SECONDS = 3600
    await _calls("shared", [False] * settings.AI_BREAKER_CONSECUTIVE_FAILURES)
    assert breaker._local == {}  # nothing was decided locally
    assert await asyncio.to_thread(_state_seen_by_another_worker, "shared") is BreakerState.OPEN
    await breaker_reset("shared")
    assert await asyncio.to_thread(_state_seen_by_another_worker, "shared") is BreakerState.CLOSED


async def test_redis_down_falls_back_to_local_state(ai_redis_down: None, settings: Any) -> None:
    before = metrics.BREAKER_BACKEND_FALLBACKS._value.get()
    assert await breaker_allow("p") is True
    await _calls("p", [False] * settings.AI_BREAKER_CONSECUTIVE_FAILURES)
    assert await breaker_state("p") is BreakerState.OPEN
    assert breaker._local["p"].state is BreakerState.OPEN
    assert metrics.BREAKER_BACKEND_FALLBACKS._value.get() > before


def _cfg(**overrides: float) -> breaker.BreakerConfig:
    values: dict[str, Any] = {
        "window_seconds": 30,
        "min_calls": 20,
        "failure_rate": 0.5,
        "consecutive": 3,
        "open_seconds": 15.0,
        "probe_lease_seconds": 30.0,
        "probe_seconds": 1.0,
    }
    values.update(overrides)
    return breaker.BreakerConfig(**values)


def test_recovery_follows_the_provider_open_time_grows_only_while_probes_fail() -> None:
    cfg = _cfg()
    local = breaker._Local()
    now = 100.0
    for _ in range(3):
        local.record(cfg, now, ok=False)
    assert local.state is BreakerState.OPEN and local.open_for == 1.0  # a short first period
    periods = []
    for _ in range(6):  # the provider is still down: each failed probe doubles the period, up to 15 s
        now += local.open_for
        assert local.current(cfg, now) is BreakerState.HALF_OPEN and local.allow(cfg, now)
        local.record(cfg, now, ok=False)
        periods.append(local.open_for)
    assert periods == [2.0, 4.0, 8.0, 15.0, 15.0, 15.0]
    now += local.open_for
    assert local.allow(cfg, now)  # the provider is back: the next probe closes at once
    local.record(cfg, now, ok=True)
    assert local.state is BreakerState.CLOSED
    for _ in range(3):  # a new burst starts again from the short period
        local.record(cfg, now, ok=False)
    assert local.open_for == 1.0


def test_open_periods_are_jittered_within_half_to_full() -> None:
    cfg = _cfg()
    seen = set()
    for _ in range(50):
        local = breaker._Local()
        for _ in range(3):
            local.record(cfg, 0.0, ok=False, jitter=breaker._jitter())
        seen.add(round(local.open_for, 3))
        assert 0.5 <= local.open_for <= 1.0
    assert len(seen) > 10


@pytest.mark.redis
async def test_redis_breaker_grows_and_resets_the_open_period(ai_redis: str, settings: Any) -> None:
    settings.AI_BREAKER_PROBE_SECONDS = 0.0  # half-open at once, so the test needs no waiting
    settings.AI_BREAKER_OPEN_SECONDS = 15
    await _calls("grow", [False] * settings.AI_BREAKER_CONSECUTIVE_FAILURES)
    client = breaker.ai_redis()
    assert client is not None
    state_key = breaker._keys("grow")[0]
    assert float(await client.hget(state_key, "open_for")) == 0.0
    settings.AI_BREAKER_PROBE_SECONDS = 1.0
    for failed in (1, 2, 3):
        await client.hset(state_key, "open_for", "0")  # skip the wait: the next caller is the probe
        assert await breaker_allow("grow") is True
        await breaker_record("grow", ok=False)
        assert int(await client.hget(state_key, "failed_probes")) == failed
        assert 0.5 * 2**failed <= float(await client.hget(state_key, "open_for")) <= 2**failed
    await client.hset(state_key, "open_for", "0")
    assert await breaker_allow("grow") is True
    await breaker_record("grow", ok=True)
    assert await breaker_state("grow") is BreakerState.CLOSED
    assert int(await client.hget(state_key, "failed_probes")) == 0
