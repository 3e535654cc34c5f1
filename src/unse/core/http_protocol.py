"""uvicorn's httptools protocol with lean per-connection waits (scripts/serve.sh: `--http` names this class).

uvicorn gives every connection two `asyncio.Event`s (the request cycle's message event and the flow
control's writable event) and a `deque` for pipelined requests. Each of these allocates a deque block
(≈ 0.75 KiB) whether or not anybody ever waits: ≈ 2 KiB of an open AI stream's ≈ 33 KiB of Python memory
(issue 19; bench/stream_memory.py, tracemalloc in a worker holding 300 slow streams). Here the events are
`Flag`s, whose waiter list exists only while somebody waits, and the pipeline is a list (pipelining is
rare; the order is the same: requests are added on the left and taken from the right).

Everything else is uvicorn's code: the classes below only swap these three objects after uvicorn made them
(the objects made and dropped cost a little CPU per connection and request, no memory that stays).
`UVICORN_SOURCES_SHA256` pins the modules this follows, and a test fails when uvicorn changes them
(docs/decisions.md).
"""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from uvicorn._types import ASGI3Application
from uvicorn.config import Config
from uvicorn.protocols.http.flow_control import FlowControl
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle
from uvicorn.server import ServerState

from unse.core.timers import release_all

# sha256 of uvicorn/protocols/http/httptools_impl.py and flow_control.py, in this order.
UVICORN_SOURCES_SHA256 = (
    "1d4e1c579df4168433a61a01f10c628b31c1790e72dd9769d2b8633b22214033",
    "d39d16560df512f3ce907c329c2a0c3f5cd7165fef3b753876eae5739bf2a785",
)


class Flag:
    """`asyncio.Event`'s `set`, `clear`, `is_set` and `wait`, with no waiter storage until a wait."""

    __slots__ = ("_set", "_waiters")

    def __init__(self) -> None:
        self._set = False
        self._waiters: list[asyncio.Future[None]] | None = None

    def is_set(self) -> bool:
        return self._set

    def set(self) -> None:
        if self._set:
            return
        self._set = True
        waiters, self._waiters = self._waiters, None
        if waiters:
            release_all(waiters)

    def clear(self) -> None:
        self._set = False

    async def wait(self) -> Literal[True]:
        if self._set:
            return True
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        waiters = self._waiters
        if waiters is None:
            waiters = self._waiters = []
        waiters.append(waiter)
        try:
            await waiter
        finally:
            # Still listed only when the wait ended otherwise than by set() (a cancellation).
            if self._waiters is waiters and waiter in waiters:
                waiters.remove(waiter)
                if not waiters:
                    self._waiters = None
        return True


_Pipelined = tuple[RequestResponseCycle, ASGI3Application]


class _Pipeline(list[_Pipelined]):
    """The pipelined requests: uvicorn adds on the left and takes from the right, as with its deque."""

    __slots__ = ()

    def appendleft(self, item: _Pipelined) -> None:
        self.insert(0, item)


class LeanFlowControl(FlowControl):
    def __init__(self, transport: asyncio.Transport) -> None:
        super().__init__(transport)
        writable = Flag()
        writable.set()
        self._is_writable_event = writable  # type: ignore[assignment]


class LeanHttpToolsProtocol(HttpToolsProtocol):
    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.pipeline = _Pipeline()  # type: ignore[assignment]

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.flow = LeanFlowControl(transport)

    def on_headers_complete(self) -> None:
        previous = self.cycle
        super().on_headers_complete()
        # A new request (an upgrade keeps the cycle). Nothing has set or waited on its event yet: the body's
        # callbacks come after this one, and the request's task only starts at the loop's next turn. A task
        # factory (e.g. asyncio's eager one) could run the app into `receive()` before this line, leaving it
        # to wait on the event swapped out: with one, uvicorn's event stays.
        if self.cycle is not previous and self.loop.get_task_factory() is None:
            self.cycle.message_event = Flag()  # type: ignore[assignment]
