"""Scenario 4, Redis dies mid-load: a real server on a private Redis keeps answering while the Redis process
is killed (no 5xx), /ready/ says `degraded` naming Redis, rate limits fail open with a logged and counted
error, single flight and the circuit breaker fall back to this worker's own state (identical requests still
cause one provider call; a failing provider still opens the breaker, which still closes after recovery), and
once Redis is back the shared limiter state is used (and enforced) again, without a restart."""

from __future__ import annotations

import asyncio
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fakellm_fixture import FakeLLMHandle
from tests.reliability.conftest import (
    AppServer,
    PrivateRedis,
    ai_env,
    birth,
    metric_value,
    post_many,
    start_app,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

LIMIT = 3
ROUND = 12  # requests per load round
_RECOVERY_SECONDS = 60.0


async def _load_round(app: AppServer, round_no: int) -> list[int]:
    """One round of mixed traffic: a cached reading, charts and uncached readings (each from its own client)."""
    cached = post_many(app, "/api/v1/readings", [{"birth": birth(0)}] * 4, client_ip="192.0.2.1")
    charts = post_many(app, "/api/v1/charts", [{"birth": birth(i)} for i in range(4)], client_ip="192.0.2.2")
    fresh = [
        post_many(
            app,
            "/api/v1/readings",
            [{"birth": birth(1000 + round_no * ROUND + i)}],
            client_ip=f"10.{round_no}.{i}.1",
        )
        for i in range(ROUND - 8)
    ]
    batches = await asyncio.gather(cached, charts, *fresh)
    return [outcome.status for batch in batches for outcome in batch]


def _ready(app: AppServer) -> dict[str, Any]:
    response = httpx.get(app.url("/ready/"), timeout=20)
    assert response.status_code == 200, response.text  # Redis is optional: never 503 for it
    return dict(response.json())


async def _single_flight_and_breaker_work_locally(
    app: AppServer, fake_llm: FakeLLMHandle, statuses: Counter[int]
) -> None:
    # Single flight: eight clients ask for the same uncached reading while the first answer is still
    # streaming (1 s to the first token) -> one provider call, one stored reading, nobody charged twice.
    fake_llm.control(tokens=10, tps=0, ttft=1.0)
    calls = fake_llm.stats()["requests"]
    same = await asyncio.gather(
        *(
            post_many(app, "/api/v1/readings", [{"birth": birth(7000)}], client_ip=f"203.0.113.{i + 1}")
            for i in range(8)
        )
    )
    outcomes = [batch[0] for batch in same]
    statuses.update(o.status for o in outcomes)
    assert [o.status for o in outcomes] == [200] * 8
    assert fake_llm.stats()["requests"] - calls == 1
    assert len({o.body["reading_id"] for o in outcomes}) == 1
    assert metric_value(app, "unse_ai_breaker_backend_fallbacks_total") >= 1

    # Breaker: the provider fails every call -> after AI_BREAKER_CONSECUTIVE_FAILURES the local breaker
    # opens, users get the marked built-in reading without the provider being called, and once the provider
    # is healthy again a probe after the open period closes it.
    fake_llm.control(tokens=10, tps=0, ttft=0, fault="500", fault_rate=1.0)
    for i in range(3):
        [failed] = await post_many(
            app, "/api/v1/readings", [{"birth": birth(7100 + i)}], client_ip=f"203.0.113.{20 + i}"
        )
        statuses[failed.status] += 1
        assert (
            failed.status == 200 and failed.body["generated_by"]["provider"] == "builtin"
        )  # marked fallback
        assert "AI_UNAVAILABLE" in {n["code"] for n in failed.body["notices"]}
    calls = fake_llm.stats()["requests"]
    [skipped] = await post_many(app, "/api/v1/readings", [{"birth": birth(7110)}], client_ip="203.0.113.30")
    statuses[skipped.status] += 1
    assert skipped.status == 200 and skipped.body["generated_by"]["provider"] == "builtin"
    assert "AI_UNAVAILABLE" in {n["code"] for n in skipped.body["notices"]}
    assert fake_llm.stats()["requests"] == calls  # open: the provider was not called
    assert _ready(app)["checks"]["ai_breaker"]["status"] != "ok"

    fake_llm.control(tokens=10, tps=0, ttft=0, fault="none")
    await asyncio.sleep(4.5)  # past the open period (≤ AI_BREAKER_PROBE_SECONDS)
    [probe] = await post_many(app, "/api/v1/readings", [{"birth": birth(7120)}], client_ip="203.0.113.31")
    statuses[probe.status] += 1
    assert probe.status == 200 and probe.body["generated_by"]["type"] == "ai" and not probe.body["notices"]
    assert _ready(app)["checks"]["ai_breaker"]["status"] == "ok"


def _redis_keys(redis: PrivateRedis) -> int:
    out = subprocess.run(
        ["redis-cli", "-p", str(redis.port), "dbsize"], capture_output=True, text=True, check=True
    )
    return int(out.stdout.strip())


async def test_redis_crash_under_load_is_survived_and_shared_state_resumes(
    tmp_path: Path, sqlite_url: str, private_redis: PrivateRedis, fake_llm: FakeLLMHandle, app_servers
) -> None:
    fake_llm.control(tokens=10, tps=0, ttft=0)
    app = start_app(
        tmp_path,
        database_url=sqlite_url,
        REDIS_URL=private_redis.url,
        **ai_env(
            fake_llm,
            RATE_LIMIT_ANON=f"{LIMIT}/hour;100/day",
            AI_REDIS_RETRY_SECONDS="1",
            READY_CHECK_TIMEOUT_SECONDS="2",
            AI_BREAKER_CONSECUTIVE_FAILURES="3",
            # The first open period is AI_BREAKER_PROBE_SECONDS × 0.5–1.0 (jitter): at least 2 s here.
            AI_BREAKER_PROBE_SECONDS="4",
            AI_BREAKER_OPEN_SECONDS="4",
            LLM_MAX_RETRIES="0",
        ),
    )
    app_servers.append(app)
    statuses: Counter[int] = Counter()

    statuses.update(await _load_round(app, 0))
    before = _ready(app)
    assert before["status"] == "ok", before
    assert _redis_keys(private_redis) > 0  # limiter state is shared through Redis

    private_redis.kill()
    for round_no in range(1, 4):
        statuses.update(await _load_round(app, round_no))
    down = _ready(app)
    assert down["status"] == "degraded", down
    assert down["checks"]["redis"]["status"] == "failed"
    assert "database" not in down.get("failing", [])
    # While Redis is away a client over the limit is let through: fail open, never a 500.
    over = await post_many(
        app,
        "/api/v1/readings",
        [{"birth": birth(5000 + i)} for i in range(LIMIT + 2)],
        client_ip="198.51.100.40",
    )
    statuses.update(outcome.status for outcome in over)
    assert all(outcome.status == 200 for outcome in over)
    assert metric_value(app, "unse_ai_ratelimit_fail_open_total") >= 1
    assert "rate limiter backend failed" in app.log_text()

    await _single_flight_and_breaker_work_locally(app, fake_llm, statuses)

    private_redis.start()  # same port, empty: a crashed Redis comes back without its data
    for _ in range(int(_RECOVERY_SECONDS / 0.5)):
        if _ready(app)["status"] == "ok":
            break
        await asyncio.sleep(0.5)
    assert _ready(app)["status"] == "ok"
    await asyncio.sleep(1.5)  # past AI_REDIS_RETRY_SECONDS: the AI layer tries Redis again
    statuses.update(await _load_round(app, 9))
    after = await post_many(
        app,
        "/api/v1/readings",
        [{"birth": birth(6000 + i)} for i in range(LIMIT + 2)],
        client_ip="198.51.100.41",
    )
    statuses.update(outcome.status for outcome in after)

    assert Counter(outcome.status for outcome in after) == {200: LIMIT, 429: 2}  # enforced again, shared
    assert _redis_keys(private_redis) > 0
    assert not [status for status in statuses if status >= 500], statuses
    assert app.process.poll() is None
