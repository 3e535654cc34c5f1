"""The opening gate (issue 19): a burst of arrivals is opened a few at a time, in arrival order."""

from __future__ import annotations

import asyncio

import pytest
from django.test import override_settings

from unse.readings.services import open as open_module
from unse.readings.services.open import opening_gate


async def _burst(arrivals: int, *, first_inside: int) -> tuple[list[int], int]:
    entered: list[int] = []
    inside = peak = 0
    go = asyncio.Event()
    filled = asyncio.Event()

    async def opening(index: int) -> None:
        nonlocal inside, peak
        async with opening_gate():
            entered.append(index)
            inside += 1
            peak = max(peak, inside)
            if len(entered) == first_inside:
                filled.set()
            await go.wait()  # the opening's database wait
            inside -= 1

    tasks = [asyncio.ensure_future(opening(index)) for index in range(arrivals)]
    await filled.wait()
    go.set()
    await asyncio.gather(*tasks)
    return entered, peak


@override_settings(READINGS_OPENING_CONCURRENCY=2)
async def test_a_burst_is_opened_two_at_a_time_in_arrival_order() -> None:
    entered, peak = await _burst(12, first_inside=2)
    assert peak == 2
    assert entered == list(range(12))


@override_settings(READINGS_OPENING_CONCURRENCY=0)
async def test_zero_turns_the_gate_off() -> None:
    _, peak = await _burst(12, first_inside=12)
    assert peak == 12


@override_settings(READINGS_OPENING_CONCURRENCY=1)
async def test_openings_stuck_on_a_slow_backend_do_not_hold_the_others_for_longer_than_the_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(open_module, "OPENING_WAIT_SECONDS", 0.05)
    stuck = asyncio.Event()
    entered = asyncio.Event()

    async def stuck_opening() -> None:
        async with opening_gate():
            entered.set()
            await stuck.wait()  # e.g. a pool checkout waiting for a database that is down

    first = asyncio.ensure_future(stuck_opening())
    await entered.wait()
    async with asyncio.timeout(5), opening_gate():  # ungated after the bound, not queued behind it
        pass
    stuck.set()
    await first
