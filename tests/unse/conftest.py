"""Fixtures and helpers shared by the tests of the Django apps (import helpers: `from tests.unse.conftest import parse_sse`)."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from django.test import override_settings

from unse.core.process import reset_process_state


def parse_sse(body: bytes) -> list[tuple[str, Any]]:
    """The (event name, JSON data) pairs of a Server-Sent Events body; comments and keep-alives dropped."""
    events: list[tuple[str, Any]] = []
    for block in body.decode().split("\n\n"):
        name, data = None, None
        for line in block.split("\n"):
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                data = orjson.loads(line[6:])
        if name is not None:
            events.append((name, data))
    return events


@pytest.fixture(autouse=True)
def _fresh_process_state() -> Any:
    """Every test of the apps starts and ends as a fresh process would: no breaker, budget, Redis-outage,
    switch, maintenance, flight or memo state left by another test (unse.core.process)."""
    reset_process_state()
    yield
    reset_process_state()


@pytest.fixture
def rules_only() -> Any:
    # The built-in interpreter answers; roomy limits so the shared Redis pass never throttles these.
    with override_settings(
        LLM_PROVIDERS=[],
        RATE_LIMIT_ANON="1000/hour;10000/day",
        RATE_LIMIT_USER="1000/hour;10000/day",
        RATE_LIMIT_ANON_GLOBAL="100000/hour",
    ):
        yield
