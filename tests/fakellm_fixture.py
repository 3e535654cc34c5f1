"""pytest fixture `fake_llm`: the OpenAI-compatible test double (`python -m tools.fakellm`) over real HTTP.

One server process per test session (started on a free loopback port); every test gets a handle whose
scenario and counters were reset, so tests cannot leak faults into each other.

    def test_x(fake_llm, settings):
        settings.LLM_PROVIDERS = [fake_llm.provider_entry()]
        fake_llm.control(fault="429", retry_after=3)        # default for the next requests
        fake_llm.stats()["requests"]                        # what the server saw
        fake_llm.last_request()["body"]["messages"]         # the outgoing prompt
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

READY_TIMEOUT_SECONDS = 20.0
ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class FakeLLMHandle:
    port: int

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """The value for `base_url` / `LLM_BASE_URL` (OpenAI style, ending in /v1)."""
        return f"{self.root}/v1"

    def control(self, **scenario: Any) -> dict[str, Any]:
        """Set the default scenario (fields of `tools.fakellm.Scenario`; fault as "500", "429", "hang", ...)."""
        response = httpx.post(f"{self.root}/_control", json=scenario, timeout=5)
        response.raise_for_status()
        return dict(response.json()["scenario"])

    async def release_cut(self) -> None:
        """Let the streams held by the `cut_hold` scenario drop their connection now."""
        async with httpx.AsyncClient() as client:
            (await client.post(f"{self.root}/_release_cut", timeout=5)).raise_for_status()

    def reset(self) -> None:
        httpx.post(f"{self.root}/_reset", timeout=5).raise_for_status()

    def stats(self) -> dict[str, Any]:
        response = httpx.get(f"{self.root}/_stats", timeout=5)
        response.raise_for_status()
        return dict(response.json())

    def last_request(self) -> dict[str, Any]:
        return dict(self.stats()["last_request"])

    def provider_entry(self, name: str = "fake", **overrides: Any) -> dict[str, Any]:
        """One `settings.LLM_PROVIDERS` entry pointing at this server (short timeouts for tests)."""
        entry: dict[str, Any] = {
            "name": name,
            "base_url": self.base_url,
            "api_key": "test-key",
            "model": "fake-model",
            "connect_timeout": 2.0,
            "first_token_timeout": 2.0,
            "total_timeout": 20.0,
            "max_retries": 2,
            "backoff_base": 0.01,
            "backoff_max": 0.05,
            "coalesce_ms": 0,  # one piece per upstream chunk, so tests can count tokens
        }
        entry.update(overrides)
        return entry


def start_fake_llm(*args: str) -> tuple[subprocess.Popen[str], int]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tools.fakellm", "--port", "0", *args],
        cwd=ROOT,  # tools/ is a top-level package of the repository, not of the installed wheel
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("READY "):
        process.kill()
        raise RuntimeError(f"fake LLM did not start: {line!r}")
    return process, int(line.split()[1])


@pytest.fixture(scope="session")
def _fake_llm_server() -> Iterator[FakeLLMHandle]:
    process, port = start_fake_llm()
    try:
        yield FakeLLMHandle(port=port)
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def fake_llm(_fake_llm_server: FakeLLMHandle) -> FakeLLMHandle:
    _fake_llm_server.reset()
    return _fake_llm_server
