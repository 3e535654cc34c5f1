"""Harness of the reliability suites ("prove it under fire", docs/reliability.md): a private Redis that a
test may kill and restart, the app started the integration way (tests/integration/conftest.py) with the
fake LLM as its only provider, and a small concurrent load generator. Loopback only; the machine's shared
PostgreSQL and Redis are never touched."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fakellm_fixture import FakeLLMHandle
from tests.integration.conftest import (  # noqa: F401 - fixtures re-exported for this folder
    AppServer,
    app_servers,
    free_port,
    migrated_sqlite,
    sqlite_url,
    start_app,
)
from tests.integration.test_postgres_outage import private_postgres  # noqa: F401 - fixture
from tests.unse.readings.llm_fixtures import isolated_flights, llm  # noqa: F401 - fixtures (in-process suites)

SETTINGS = "tests.reliability.settings"
HTTPS = {"X-Forwarded-Proto": "https", "Accept": "application/json"}
_REDIS_START_SECONDS = 10.0


class PrivateRedis:
    """A throw-away redis-server on a free loopback port, without persistence; `kill()` is a crash."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.root),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + _REDIS_START_SECONDS
        while time.monotonic() < deadline:
            probe = subprocess.run(
                ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True, check=False
            )
            if probe.stdout.strip() == "PONG":
                return
            time.sleep(0.05)
        raise AssertionError("private redis-server did not start")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    if not (shutil.which("redis-server") and shutil.which("redis-cli")):
        pytest.skip("redis-server / redis-cli are not installed")
    root = Path(tempfile.mkdtemp(prefix="unse-private-redis-"))
    server = PrivateRedis(root)
    server.start()
    try:
        yield server
    finally:
        server.kill()
        shutil.rmtree(root, ignore_errors=True)


def ai_env(fake_llm: FakeLLMHandle, **extra: str) -> dict[str, str]:
    """Environment of an app server whose only provider is the fake LLM (short timeouts for tests)."""
    env = {
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "LLM_API_KEY": "test-key",
        "LLM_BASE_URL": fake_llm.base_url,
        "LLM_MODEL": "fake-model",
        "LLM_NAME": "fake",
        "LLM_FIRST_TOKEN_TIMEOUT": "3",
        "LLM_TOTAL_TIMEOUT": "30",
        "LLM_BACKOFF_BASE": "0.01",
        "LLM_BACKOFF_MAX": "0.05",
        "AI_REDIS_TIMEOUT": "2",
        "RATE_LIMIT_ANON_GLOBAL": "",
    }
    env.update(extra)
    return env


def birth(index: int) -> dict[str, Any]:
    """A distinct birth per index (a different day each), so every request is a different reading."""
    day = 1 + index % 28
    month = 1 + (index // 28) % 12
    year = 1950 + index // (28 * 12)
    return {"datetime": f"{year}-{month:02d}-{day:02d}T10:30", "timezone": "Asia/Seoul", "gender": "female"}


@dataclass(frozen=True)
class Outcome:
    status: int
    body: dict[str, Any]
    headers: httpx.Headers


async def post_many(
    app: AppServer, path: str, bodies: list[dict[str, Any]], *, client_ip: str, bound_seconds: float = 90.0
) -> list[Outcome]:
    """Send every body at once (one connection each) from `client_ip` (X-Forwarded-For of a trusted proxy)."""
    headers = {**HTTPS, "X-Forwarded-For": client_ip}
    limits = httpx.Limits(max_connections=len(bodies), max_keepalive_connections=0)
    async with httpx.AsyncClient(timeout=bound_seconds, limits=limits) as client:

        async def one(body: dict[str, Any]) -> Outcome:
            response = await client.post(app.url(path), json=body, headers=headers)
            try:
                data = response.json()
            except ValueError:
                data = {"raw": response.text[:200]}
            return Outcome(response.status_code, data, response.headers)

        return list(await asyncio.gather(*(one(body) for body in bodies)))


def metric_value(app: AppServer, name: str) -> float:
    """Sum of every sample of one metric family from the app's /metrics (loopback is allowed)."""
    text = httpx.get(app.url("/metrics"), timeout=10).text
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name) and not line.startswith("#"):
            head = line.split(" ")[0]
            if head == name or head.startswith(name + "{"):
                total += float(line.rsplit(" ", 1)[1])
    return total
