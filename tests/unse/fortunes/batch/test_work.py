"""The batch's breaker gate: hold off while open, one probe at a time while half-open."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from unse.ai.breaker import BreakerState
from unse.fortunes.batch import work as daily
from unse.fortunes.batch.work import DailyFortuneWork


@pytest.fixture
def work(settings: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[DailyFortuneWork, list[BreakerState]]:
    settings.LLM_PROVIDERS = [
        {"name": "gate-test", "base_url": "http://127.0.0.1:9/v1", "api_key": "k", "model": "m"}
    ]
    state = [BreakerState.CLOSED]

    async def fake_state(provider: str) -> BreakerState:
        assert provider == "gate-test"
        return state[0]

    monkeypatch.setattr(daily, "breaker_state", fake_state)
    return DailyFortuneWork(target_date=date(2026, 11, 25), clock=lambda: NOW[0]), state


NOW = [100.0]


async def test_closed_calls_open_waits_half_open_lets_one_probe_through(
    work: tuple[DailyFortuneWork, list[BreakerState]],
) -> None:
    gate, state = work
    assert await gate.provider_open() is False
    state[0] = BreakerState.OPEN
    assert await gate.provider_open() is True
    state[0] = BreakerState.HALF_OPEN
    assert await gate.provider_open() is False  # the probe
    assert await gate.provider_open() is True  # everyone else waits
    NOW[0] += daily.HALF_OPEN_PROBE_SECONDS
    assert await gate.provider_open() is False  # next probe


async def test_without_providers_there_is_no_breaker_to_wait_for(settings: Any) -> None:
    settings.LLM_PROVIDERS = []
    assert await DailyFortuneWork(target_date=date(2026, 11, 25)).provider_open() is False
