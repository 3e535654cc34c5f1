"""Long timers of open streams on one event-loop timer.

uvloop gives each `call_at` a libuv timer and a handle of its own (≈ 0.6 KiB); an open AI stream held two
for its whole life -- its provider's deadline and its flight's keep-alive -- a third for the flight's first
seconds, and a fourth while its provider's reads waited out the coalescing interval (issue 19: memory per
open stream). Here such timers are entries of one heap per event loop, served by a single loop timer armed
for the earliest entry. A cancelled entry stays in the heap until its time comes and is skipped then: meant
for a few timers per stream, seconds to minutes long, not for a wait per event. Callbacks run in an empty
context (a timer must not keep the request that armed it alive).

A wait per event (the coalescing interval, ten times a second per stream) is a tick of `ticker(period)`: one
clock of that period per loop, running while anyone waits for it, wakes every waiter at once -- neither a loop
timer per wait nor a heap entry and a loop timer per wait (measured: more CPU than uvloop's own timers).
"""

from __future__ import annotations

import asyncio
import contextvars
import heapq
import itertools
from collections.abc import Callable, Iterable

from unse.core.loop_local import PerLoop

# libuv timers have millisecond resolution and may fire that much before the loop's clock reaches them:
# an entry this close to its time is due (instead of arming the loop timer again for the rest).
_RESOLUTION = 0.001


class Timer:
    """A scheduled callback; `cancel()` before it runs and it never does."""

    __slots__ = ("callback", "when")

    def __init__(self, when: float, callback: Callable[[], object]) -> None:
        self.when = when
        self.callback: Callable[[], object] | None = callback

    def cancel(self) -> None:
        self.callback = None  # also lets go of what the callback holds


# Neither registry keeps its loop (it is the key of a weak per-loop registry: a value that held it would keep
# every loop of a test run alive); each call runs in its loop and asks for it.


class _Timers:
    __slots__ = ("_armed_at", "_context", "_handle", "_heap", "_order")

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Timer]] = []
        self._order = itertools.count()  # ties fire in the order they were set
        self._handle: asyncio.TimerHandle | None = None
        self._armed_at = 0.0
        self._context = contextvars.Context()

    def call_at(self, when: float, callback: Callable[[], object]) -> Timer:
        timer = Timer(when, callback)
        heapq.heappush(self._heap, (when, next(self._order), timer))
        if self._handle is None or when < self._armed_at:
            self._arm(when)
        return timer

    def _arm(self, when: float) -> None:
        if self._handle is not None:
            self._handle.cancel()
        self._armed_at = when
        self._handle = asyncio.get_running_loop().call_at(when, self._fire, context=self._context)

    def _fire(self) -> None:
        self._handle = None
        heap = self._heap
        loop = asyncio.get_running_loop()
        due = loop.time() + _RESOLUTION
        try:
            while heap and heap[0][0] <= due:
                timer = heapq.heappop(heap)[2]
                callback, timer.callback = timer.callback, None
                if callback is None:
                    continue
                try:
                    callback()
                except Exception as exc:  # as the loop treats a failing callback: reported, the rest run
                    loop.call_exception_handler(
                        {"message": f"timer callback {callback!r} failed", "exception": exc}
                    )
        finally:
            # Even when a callback raised past the loop above (KeyboardInterrupt): the other timers of the
            # worker's streams must still fire.
            if heap and self._handle is None:
                self._arm(heap[0][0])


_by_loop: PerLoop[_Timers] = PerLoop()


def _timers() -> _Timers:
    return _by_loop.get("timers", _Timers)


class Ticker:
    """A clock of one period, armed while anyone waits for its next tick (`ticker`)."""

    __slots__ = ("_context", "_handle", "_period", "_waiters")

    def __init__(self, period: float) -> None:
        self._period = period
        self._waiters: list[asyncio.Future[None]] = []
        self._handle: asyncio.TimerHandle | None = None
        self._context = contextvars.Context()

    def wait(self) -> asyncio.Future[None]:
        """A future resolved at the next tick: at most one period from now, and at the same moment for every
        waiter. Cancelling it, or resolving it early, is the waiter's own business."""
        loop = asyncio.get_running_loop()
        waiter = loop.create_future()
        self._waiters.append(waiter)
        if self._handle is None:
            self._handle = loop.call_later(self._period, self._tick, context=self._context)
        return waiter

    def _tick(self) -> None:
        self._handle = None
        waiters, self._waiters = self._waiters, []
        release_all(waiters)


def release_all(waiters: Iterable[asyncio.Future[None]]) -> None:
    """Resolve each waiter that is not done yet (one cancelled by a waiter that left, or released early by
    its owner, is left as it is)."""
    for waiter in waiters:
        if not waiter.done():
            waiter.set_result(None)


_tickers: PerLoop[Ticker] = PerLoop()


def ticker(period: float) -> Ticker:
    """This loop's clock of `period` seconds (see the module docstring); a stream keeps it for its waits
    rather than looking it up per wait (a weak per-loop lookup costs a weak reference per call)."""
    return _tickers.get(f"tick:{period}", lambda: Ticker(period))


def timer_at(when: float, callback: Callable[[], object]) -> Timer:
    """Run `callback()` at the running loop's time `when` (see the module docstring)."""
    return _timers().call_at(when, callback)


def timer_later(delay: float, callback: Callable[[], object]) -> Timer:
    """Run `callback()` `delay` seconds from now (see the module docstring)."""
    return _timers().call_at(asyncio.get_running_loop().time() + delay, callback)
