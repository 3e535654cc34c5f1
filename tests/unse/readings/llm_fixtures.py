"""Fixtures shared by the readings and API tests: the repo's fake LLM over real HTTP on loopback."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import override_settings
from tools.fakellm.scenario import Scenario
from tools.fakellm.server import FakeLLM, serve

from unse.ai.providers import close_http_sessions

BIRTH: dict[str, object] = {"datetime": "1990-05-17T14:30", "timezone": "Asia/Seoul", "gender": "female"}


@dataclass
class LLM:
    fake: FakeLLM
    base_url: str

    def set(self, **overrides: Any) -> None:
        self.fake.scenario = self.fake.initial.merged(overrides)

    @property
    def stats(self) -> Any:
        return self.fake.stats

    def provider(self, name: str | None = None, model: str = "fake-1", **extra: Any) -> dict[str, Any]:
        return {
            "name": name or f"fake-{secrets.token_hex(3)}",
            "base_url": self.base_url,
            "api_key": "test-key",
            "model": model,
            **extra,
        }


@pytest.fixture
async def llm() -> AsyncIterator[LLM]:
    fake = FakeLLM(Scenario(tokens=40), seed=7)
    server = await serve(fake, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield LLM(fake, f"http://127.0.0.1:{port}/v1")
    finally:
        server.close()
        await close_http_sessions()


@pytest.fixture
def providers(llm: LLM) -> Iterator[list[dict[str, Any]]]:
    """One configured provider (unique name, so breaker state never leaks between tests)."""
    configured = [llm.provider(first_token_timeout=2.0, total_timeout=10.0, max_retries=0)]
    with override_settings(LLM_PROVIDERS=configured):
        yield configured


def subject() -> str:
    return f"ip:192.0.2.{secrets.randbelow(250)}-{secrets.token_hex(4)}"


@pytest.fixture(autouse=True)
def isolated_flights() -> Iterator[None]:
    """Private Redis key prefixes (single flight, breaker, limiter, budget) per test, deleted afterwards (shared Redis stays clean)."""
    from django.conf import settings

    token = secrets.token_hex(4)
    prefix, ai_prefix = f"test:readings:{token}:", f"test:ai:{token}"
    # Generous Redis timeouts: the shared test machine is busy, and a fail-open would hide the behaviour.
    with override_settings(READINGS_REDIS_PREFIX=prefix, AI_REDIS_PREFIX=ai_prefix, AI_REDIS_TIMEOUT=5.0):
        yield
    if settings.REDIS_URL:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL)
        try:
            for pattern in (f"{prefix}*", f"{ai_prefix}*"):
                for key in client.scan_iter(pattern):
                    client.delete(key)
        except redis.RedisError:
            pass
        finally:
            client.close()
