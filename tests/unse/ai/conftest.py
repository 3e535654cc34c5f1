"""Fixtures of the AI-infrastructure tests: local (no Redis) or a real Redis under a unique key prefix."""

from __future__ import annotations

import socket
import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
import redis

from unse.ai.providers import close_http_sessions
from unse.ai.redis import close_ai_redis

REDIS_TEST_URL = "redis://127.0.0.1:6379/0"
# (The AI state -- breaker, budget, Redis cool-downs -- is reset for every test by tests/unse/conftest.py.)


@pytest.fixture
async def ai_clients() -> AsyncIterator[None]:
    """Close this test loop's HTTP session and Redis clients at teardown."""
    yield
    await close_http_sessions()
    await close_ai_redis()


@pytest.fixture
def ai_local(settings: pytest.FixtureRequest) -> None:
    settings.REDIS_URL = ""
    settings.AI_REDIS_URL = ""


@pytest.fixture
def ai_redis(settings: pytest.FixtureRequest) -> Iterator[str]:
    """A real Redis under a prefix of its own; every key under it is deleted afterwards."""
    client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    prefix = f"test:ai:{uuid.uuid4().hex}"
    settings.REDIS_URL = REDIS_TEST_URL
    settings.AI_REDIS_URL = ""
    settings.AI_REDIS_PREFIX = prefix
    # Generous socket timeouts: on a loaded CI host a 0.5 s connect can time out, which would make the
    # code fail open (correctly) and the exactness tests meaningless.
    settings.AI_REDIS_TIMEOUT = 10.0
    settings.AI_REDIS_POOL_WAIT = 20.0
    try:
        yield prefix
    finally:
        for key in client.scan_iter(match=f"{prefix}*", count=500):
            client.delete(key)
        client.close()


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def ai_redis_down(settings: pytest.FixtureRequest, closed_port: int) -> None:
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port}/0"
    settings.AI_REDIS_URL = ""
    settings.AI_REDIS_PREFIX = f"test:ai:{uuid.uuid4().hex}"
