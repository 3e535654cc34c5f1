"""Scenario 7, rate-limit exactness, against a real server: two uvicorn workers sharing a private Redis,
the fake LLM as provider. 200 parallel distinct uncached readings from one client with a limit of 5 make
exactly 5 provider calls (the rest are 429 RATE_LIMITED); 200 parallel identical ones make one provider
call and nobody is refused (joiners and cache hits are not charged)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.fakellm_fixture import FakeLLMHandle
from tests.reliability.conftest import PrivateRedis, ai_env, birth, post_many, start_app

pytestmark = [pytest.mark.integration, pytest.mark.slow]

PARALLEL = 200
LIMIT = 5


def _app(tmp_path: Path, sqlite_url: str, redis: PrivateRedis, fake_llm: FakeLLMHandle):
    return start_app(
        tmp_path,
        database_url=sqlite_url,
        workers=2,
        REDIS_URL=redis.url,
        **ai_env(fake_llm, RATE_LIMIT_ANON=f"{LIMIT}/hour;{LIMIT * 2}/day"),
    )


async def test_200_distinct_uncached_readings_from_one_client_reach_the_provider_exactly_5_times(
    tmp_path: Path, sqlite_url: str, private_redis: PrivateRedis, fake_llm: FakeLLMHandle, app_servers
) -> None:
    fake_llm.control(tokens=20, tps=0, ttft=0)
    app = _app(tmp_path, sqlite_url, private_redis, fake_llm)
    app_servers.append(app)

    outcomes = await post_many(
        app, "/api/v1/readings", [{"birth": birth(i)} for i in range(PARALLEL)], client_ip="198.51.100.7"
    )

    statuses = Counter(outcome.status for outcome in outcomes)
    assert statuses == {200: LIMIT, 429: PARALLEL - LIMIT}, statuses
    assert fake_llm.stats()["requests"] == LIMIT
    served = [outcome.body for outcome in outcomes if outcome.status == 200]
    assert all(body["generated_by"]["type"] == "ai" and body["cached"] is False for body in served)
    refused = [outcome for outcome in outcomes if outcome.status == 429]
    assert {outcome.body["error"]["code"] for outcome in refused} == {"RATE_LIMITED"}
    assert all(int(outcome.headers["Retry-After"]) > 0 for outcome in refused)


async def test_200_identical_readings_make_one_provider_call_and_nobody_is_refused(
    tmp_path: Path, sqlite_url: str, private_redis: PrivateRedis, fake_llm: FakeLLMHandle, app_servers
) -> None:
    # Slow enough (about 3 s) that most requests arrive while the one generation is still running.
    fake_llm.control(tokens=60, tps=20, ttft=0.2)
    app = _app(tmp_path, sqlite_url, private_redis, fake_llm)
    app_servers.append(app)

    outcomes = await post_many(
        app, "/api/v1/readings", [{"birth": birth(0)} for _ in range(PARALLEL)], client_ip="198.51.100.8"
    )

    assert Counter(outcome.status for outcome in outcomes) == {200: PARALLEL}
    assert fake_llm.stats()["requests"] == 1
    assert len({outcome.body["reading_id"] for outcome in outcomes}) == 1
    assert len({outcome.body["text"] for outcome in outcomes}) == 1
    assert {outcome.body["generated_by"]["type"] for outcome in outcomes} == {"ai"}
