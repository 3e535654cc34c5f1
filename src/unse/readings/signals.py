"""Hooks of the readings part for the parts above it (which readings must not import).

`reading_requested(user_id=..., kind=...)` runs once per logged-in user's reading request, after its
database work and before any byte is streamed; `unse.accounts` registers a listener that records it on the
user's statistics page (AccountsConfig.ready). Listeners are awaited in order, in the request's own task
(no task per call: this is on the hot path of every cached reading); they are best-effort, and a
`DatabaseError` they raise is logged by the caller, never shown to the user.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from unse.readings.keys import Kind

ReadingRequestedListener = Callable[[int, Kind], Awaitable[None]]

_listeners: dict[str, ReadingRequestedListener] = {}


def on_reading_requested(name: str, listener: ReadingRequestedListener) -> None:
    """Register (or replace, by name) `listener(user_id, kind)`."""
    _listeners[name] = listener


async def reading_requested(*, user_id: int, kind: Kind) -> None:
    for listener in list(_listeners.values()):
        await listener(user_id, kind)
