"""Scenario 5, PostgreSQL goes away mid-load (private server, initdb as `postgres`; the shared one is never
touched): readings fail fast with 503 DB_UNAVAILABLE and Retry-After (none hangs past the client's bound),
/ready/ names the database, the pool recovers by itself, and no reading or daily fortune (`POST /api/v1/daily`,
the same store the nightly batch and `/fortunes/today` use) is lost or stored twice.
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


DAY = "2026-03-01"  # a fixed fortune date, so a rerun of the test asks for the same daily readings


def _body(path: str, index: int) -> dict:
    return {"birth": birth(index), "date": DAY} if path.endswith("/daily") else {"birth": birth(index)}


async def _post_like_a_client(
    app, births: list[int], *, client_ip: str, retries: int = 3, path: str = "/api/v1/readings"
) -> list:
    """Parallel readings; a client told DB_UNAVAILABLE retries after Retry-After (what the error asks for).
    On a heavily loaded host a cold pool can miss DB_POOL_TIMEOUT while it opens connections, and after the
    outage a worker's pool may still be waiting out one reconnect backoff step (see _ready_everywhere)."""
    outcomes = await post_many(
        app, path, [_body(path, i) for i in births], client_ip=client_ip, bound_seconds=CLIENT_BOUND_SECONDS
    )
    for _ in range(retries):
        again = [
            n
            for n, o in enumerate(outcomes)
            if o.status == 503 and o.body["error"]["code"] == "DB_UNAVAILABLE"
        ]
        if not again:
            break
        await asyncio.sleep(min(float(outcomes[again[0]].headers.get("Retry-After") or 1), 5.0))
        retried = await post_many(
            app,
            path,
            [_body(path, births[n]) for n in again],
            client_ip=client_ip,
            bound_seconds=CLIENT_BOUND_SECONDS,
        )
        for n, outcome in zip(again, retried, strict=True):
            outcomes[n] = outcome
    return outcomes


async def _ready(app) -> httpx.Response:
    async with httpx.AsyncClient(timeout=CLIENT_BOUND_SECONDS) as client:
        return await client.get(app.url("/ready/"))


async def _ready_everywhere(app, *, in_a_row: int = 10, deadline_seconds: float = 150.0) -> bool:
    """Both workers must be ready, and a probe lands on either one, so ask until many answers in a row are
    200. psycopg_pool retries a lost connection with exponential backoff (1, 2, 4, 8, 16 s ...), so a worker
    whose last attempt fell inside the outage comes back up to one backoff step after the database does."""
    loop = asyncio.get_running_loop()
    give_up_at = loop.time() + deadline_seconds
    streak = 0
    while loop.time() < give_up_at:
        streak = streak + 1 if (await _ready(app)).status_code == 200 else 0
        if streak >= in_a_row:
            return True
        await asyncio.sleep(0.3)
    return False


def _readings_rows(pg: PrivatePostgres) -> int:
    psql = _pg_bin("psql") or "psql"
    out = subprocess.run(
        [
            psql,
            "-h",
            "127.0.0.1",
            "-p",
            str(pg.port),
            "-U",
            "postgres",
            "-At",
            "-c",
            "select count(*), count(distinct cache_key) from readings_reading",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    total, distinct = out.stdout.strip().split("|")
    return int(total) if total == distinct else -1


async def test_readings_fail_fast_with_db_unavailable_and_nothing_is_lost_or_duplicated(
    tmp_path: Path, private_postgres: PrivatePostgres, fake_llm: FakeLLMHandle, app_servers
) -> None:
    fake_llm.control(tokens=10, tps=0, ttft=0)
    manage("migrate", "--noinput", env=base_env(DATABASE_URL=private_postgres.url))
    app = start_app(
        tmp_path,
        database_url=private_postgres.url,
        workers=2,
        **ai_env(fake_llm, RATE_LIMIT_ANON="", READY_CHECK_TIMEOUT_SECONDS="3"),
    )
    app_servers.append(app)

    first = await _post_like_a_client(app, list(range(10)), client_ip="192.0.2.10")
    assert Counter(o.status for o in first) == {200: 10}, [o.body for o in first if o.status != 200]
    stored = {o.body["reading_id"] for o in first}
    first_daily = await _post_like_a_client(app, list(range(5)), client_ip="192.0.2.20", path="/api/v1/daily")
    assert Counter(o.status for o in first_daily) == {200: 5}, [
        o.body for o in first_daily if o.status != 200
    ]
    stored_daily = {o.body["reading_id"] for o in first_daily}

    private_postgres.stop("immediate")
    during = await post_many(
        app,
        "/api/v1/readings",
        [{"birth": birth(i)} for i in range(5, 25)],
        client_ip="192.0.2.11",
        bound_seconds=CLIENT_BOUND_SECONDS,
    )
    assert {o.status for o in during} == {503}, Counter(o.status for o in during)
    assert {o.body["error"]["code"] for o in during} == {"DB_UNAVAILABLE"}
    assert all(o.headers.get("Retry-After") for o in during)
    daily_during = await post_many(
        app,
        "/api/v1/daily",
        [_body("/daily", i) for i in range(3, 8)],
        client_ip="192.0.2.21",
        bound_seconds=CLIENT_BOUND_SECONDS,
    )
    assert {(o.status, o.body["error"]["code"]) for o in daily_during} == {(503, "DB_UNAVAILABLE")}
    ready = await _ready(app)
    assert ready.status_code == 503 and "database" in ready.json()["failing"]

    private_postgres.start()
    assert await _ready_everywhere(app), "the pool did not recover by itself"

    after = await _post_like_a_client(app, list(range(25)), client_ip="192.0.2.12", retries=12)
    assert Counter(o.status for o in after) == {200: 25}, [o.body for o in after if o.status != 200]
    by_birth = {i: o.body for i, o in enumerate(after)}
    # The ten stored before the outage are served from the database, unchanged; the rest are new.
    assert {by_birth[i]["reading_id"] for i in range(10)} == stored
    assert all(by_birth[i]["cached"] for i in range(10))
    after_daily = await _post_like_a_client(
        app, list(range(10)), client_ip="192.0.2.22", retries=12, path="/api/v1/daily"
    )
    assert Counter(o.status for o in after_daily) == {200: 10}, [
        o.body for o in after_daily if o.status != 200
    ]
    assert {after_daily[i].body["reading_id"] for i in range(5)} == stored_daily
    assert all(after_daily[i].body["cached"] for i in range(5))
    # one row per reading and per fortune: nothing lost, nothing twice
    assert _readings_rows(private_postgres) == 25 + 10
    assert app.process.poll() is None
