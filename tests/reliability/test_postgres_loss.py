"""Scenario 5, PostgreSQL goes away mid-load (private server, initdb as `postgres`; the shared one is never
touched): readings fail fast with 503 DB_UNAVAILABLE and Retry-After (none hangs past the client's bound),
/ready/ names the database, the pool recovers by itself, and no reading is lost or stored twice.
tests/integration/test_postgres_outage.py covers the probes on a test route; this one the readings API."""

from __future__ import annotations

import asyncio
import subprocess
from collections import Counter
from pathlib import Path

import httpx
import pytest

from tests.fakellm_fixture import FakeLLMHandle
from tests.integration.conftest import base_env, manage
from tests.integration.test_postgres_outage import PrivatePostgres, _pg_bin
from tests.reliability.conftest import ai_env, birth, post_many, start_app

pytestmark = [pytest.mark.integration, pytest.mark.slow]

# A hang would show up as a client timeout (an httpx error, failing the test): far above the server's own
# DB_POOL_TIMEOUT + DB_CONNECT_TIMEOUT, so a loaded machine cannot trip it.
CLIENT_BOUND_SECONDS = 45.0


async def _post_like_a_client(app, births: list[int], *, client_ip: str) -> list:
    """Parallel readings; a client told DB_UNAVAILABLE retries after a pause, at most 3 times (what the error
    asks for). On a heavily loaded host a cold pool can miss DB_POOL_TIMEOUT while it opens connections."""
    outcomes = await post_many(app, "/api/v1/readings", [{"birth": birth(i)} for i in births],
                               client_ip=client_ip, bound_seconds=CLIENT_BOUND_SECONDS)
    for _ in range(3):
        again = [n for n, o in enumerate(outcomes) if o.status == 503 and o.body["error"]["code"] == "DB_UNAVAILABLE"]
        if not again:
            break
        await asyncio.sleep(1.0)
        retried = await post_many(app, "/api/v1/readings", [{"birth": birth(births[n])} for n in again],
                                  client_ip=client_ip, bound_seconds=CLIENT_BOUND_SECONDS)
        for n, outcome in zip(again, retried, strict=True):
            outcomes[n] = outcome
    return outcomes


async def _ready(app) -> httpx.Response:
    async with httpx.AsyncClient(timeout=CLIENT_BOUND_SECONDS) as client:
        return await client.get(app.url("/ready/"))


def _readings_rows(pg: PrivatePostgres) -> int:
    psql = _pg_bin("psql") or "psql"
    out = subprocess.run(
        [psql, "-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres", "-At", "-c",
         "select count(*), count(distinct cache_key) from readings_reading"],
        capture_output=True, text=True, check=True,
    )
    total, distinct = out.stdout.strip().split("|")
    return int(total) if total == distinct else -1


async def test_readings_fail_fast_with_db_unavailable_and_nothing_is_lost_or_duplicated(
    tmp_path: Path, private_postgres: PrivatePostgres, fake_llm: FakeLLMHandle, app_servers
) -> None:
    fake_llm.control(tokens=10, tps=0, ttft=0)
    manage("migrate", "--noinput", env=base_env(DATABASE_URL=private_postgres.url))
    app = start_app(
        tmp_path, database_url=private_postgres.url, workers=2,
        **ai_env(fake_llm, RATE_LIMIT_ANON="", READY_CHECK_TIMEOUT_SECONDS="3"),
    )
    app_servers.append(app)

    first = await _post_like_a_client(app, list(range(10)), client_ip="192.0.2.10")
    assert Counter(o.status for o in first) == {200: 10}, [o.body for o in first if o.status != 200]
    stored = {o.body["reading_id"] for o in first}

    private_postgres.stop("immediate")
    during = await post_many(app, "/api/v1/readings", [{"birth": birth(i)} for i in range(5, 25)],
                             client_ip="192.0.2.11", bound_seconds=CLIENT_BOUND_SECONDS)
    assert {o.status for o in during} == {503}, Counter(o.status for o in during)
    assert {o.body["error"]["code"] for o in during} == {"DB_UNAVAILABLE"}
    assert all(o.headers.get("Retry-After") for o in during)
    ready = await _ready(app)
    assert ready.status_code == 503 and "database" in ready.json()["failing"]

    private_postgres.start()
    for _ in range(120):
        if (await _ready(app)).status_code == 200:
            break
        await asyncio.sleep(0.5)
    assert (await _ready(app)).status_code == 200, "the pool did not recover by itself"

    after = await _post_like_a_client(app, list(range(25)), client_ip="192.0.2.12")
    assert Counter(o.status for o in after) == {200: 25}, [o.body for o in after if o.status != 200]
    by_birth = {i: o.body for i, o in enumerate(after)}
    # The ten stored before the outage are served from the database, unchanged; the rest are new.
    assert {by_birth[i]["reading_id"] for i in range(10)} == stored
    assert all(by_birth[i]["cached"] for i in range(10))
    assert _readings_rows(private_postgres) == 25  # one row per reading: nothing lost, nothing twice
    assert app.process.poll() is None
