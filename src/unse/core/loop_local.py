"""Objects bound to the event loop that made them, one per running loop and key.

redis.asyncio clients and pools, `limits`' async storages and aiohttp sessions hold connections, locks and
futures of the loop that created them; using one from another loop fails (tests run one loop per test,
`asyncio.run` in a management command runs its own). Every such registry of the service is a `PerLoop`:
values are created on first use in a loop, forgotten with the loop, and `pop_loop()` hands this loop's
values over for closing (ASGI shutdown, test teardown).
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class PerLoop(Generic[T]):
    def __init__(self) -> None:
        self._by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, T]] = (
            weakref.WeakKeyDictionary()
        )

    def get(self, key: str, create: Callable[[], T], *, usable: Callable[[T], bool] | None = None) -> T:
        """This loop's value for `key`, created by `create()` on first use (or when `usable` says no)."""
        per_loop = self._by_loop.setdefault(asyncio.get_running_loop(), {})
        value = per_loop.get(key)
        if value is None or (usable is not None and not usable(value)):
            value = per_loop[key] = create()
        return value

    def pop_loop(self) -> list[T]:
        """Remove and return this loop's values (to close them)."""
        return list(self._by_loop.pop(asyncio.get_running_loop(), {}).values())
