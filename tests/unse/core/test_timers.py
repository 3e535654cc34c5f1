"""Shared timers (unse.core.timers): many timers, one loop timer at a time."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from unse.core.timers import ticker, timer_at, timer_later

REQUEST: contextvars.ContextVar[str] = contextvars.ContextVar("REQUEST", default="")


def _counting_call_at(
    loop: asyncio.AbstractEventLoop, monkeypatch: pytest.MonkeyPatch, method: str = "call_at"
) -> list[float]:
    """The loop timers armed from now on through `method` (their times, or delays for call_later)."""
    armed: list[float] = []
    original = getattr(loop, method)

    def arm(when: float, callback: Callable[..., object], *args: Any, **kwargs: Any) -> asyncio.TimerHandle:
        armed.append(when)
        handle: asyncio.TimerHandle = original(when, callback, *args, **kwargs)
        return handle

    monkeypatch.setattr(loop, method, arm)
    return armed


async def test_timers_fire_in_time_order_on_one_loop_timer(monkeypatch: pytest.MonkeyPatch) -> None:
    loop = asyncio.get_running_loop()
    armed = _counting_call_at(loop, monkeypatch)
    fired: list[str] = []
    done = asyncio.Event()
    now = loop.time()
    for name, delay in [("c", 0.06), ("a", 0.02), ("b", 0.04), ("b2", 0.04)]:
        timer_at(now + delay, lambda name=name: fired.append(name))
    timer_at(now + 0.08, done.set)
    await asyncio.wait_for(done.wait(), timeout=5)
    assert fired == ["a", "b", "b2", "c"]  # ties in the order they were set
    # One loop timer at a time: armed for the first, re-armed only for an earlier one or after firing.
    assert len(armed) <= 6
    assert armed[:2] == [now + 0.06, now + 0.02]  # the earlier "a" re-armed it


async def test_a_cancelled_timer_never_runs_and_the_others_do() -> None:
    fired: list[str] = []
    done = asyncio.Event()
    cancelled = timer_later(0.01, lambda: fired.append("cancelled"))
    timer_later(0.02, lambda: fired.append("kept"))
    timer_later(0.03, done.set)
    cancelled.cancel()
    await asyncio.wait_for(done.wait(), timeout=5)
    assert fired == ["kept"]


@pytest.fixture
async def reported() -> AsyncIterator[list[dict[str, Any]]]:
    """What the running loop's exception handler receives while the test runs."""
    loop = asyncio.get_running_loop()
    contexts: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda _loop, context: contexts.append(context))
    yield contexts
    loop.set_exception_handler(None)


async def test_a_failing_callback_is_reported_and_the_next_still_runs(reported: list[dict[str, Any]]) -> None:
    done = asyncio.Event()

    def fail() -> None:
        raise ValueError("boom")

    timer_later(0.01, fail)
    timer_later(0.01, done.set)
    await asyncio.wait_for(done.wait(), timeout=5)
    assert len(reported) == 1
    assert isinstance(reported[0]["exception"], ValueError)


async def test_a_callback_does_not_see_the_context_that_set_it() -> None:
    """A timer set while a request is served must not keep that request's context alive."""
    seen: list[str] = []
    done = asyncio.Event()
    REQUEST.set("request-1")
    timer_later(0.01, lambda: seen.append(REQUEST.get()))
    timer_later(0.02, done.set)
    await asyncio.wait_for(done.wait(), timeout=5)
    assert seen == [""]


class _Stop(BaseException):
    """Raised past `except Exception` (as KeyboardInterrupt would be)."""


async def test_a_callback_raising_past_exception_does_not_stop_the_other_timers(
    reported: list[dict[str, Any]],
) -> None:
    done = asyncio.Event()

    def stop() -> None:
        raise _Stop

    timer_later(0.01, stop)
    timer_later(0.02, done.set)
    await asyncio.wait_for(done.wait(), timeout=5)
    assert [type(context["exception"]) for context in reported] == [_Stop]


async def test_waiters_of_a_tick_wake_together_on_one_loop_timer(monkeypatch: pytest.MonkeyPatch) -> None:
    """The coalescing waits of many streams: one clock, armed only while someone waits."""
    loop = asyncio.get_running_loop()
    armed = _counting_call_at(loop, monkeypatch, "call_later")
    clock = ticker(0.4)
    assert ticker(0.4) is clock  # one per loop and period
    first = clock.wait()
    started = loop.time()
    while loop.time() < started + 0.2:  # later waiters come while the clock runs (no timer of our own)
        pass
    later_started = loop.time()
    later = [clock.wait() for _ in range(50)]
    left = clock.wait()
    left.cancel()  # a stream that closed while it waited
    released = clock.wait()
    released.set_result(None)  # a stream whose answer ended (EOF) before the tick
    await asyncio.gather(first, *later)
    # At the first waiter's tick, well before a period after the later ones began: one clock, not a timer each.
    assert loop.time() < later_started + 0.4
    assert armed == [0.4]
    # Nobody waited at that tick, so it armed no next one: the next wait starts the clock again.
    await clock.wait()
    assert armed == [0.4, 0.4]
