"""Load generator of bench/streams.py: N concurrent SSE clients on raw asyncio + httptools (C parser),
so that the client side costs little next to the server being measured.

Each of the N "users" posts a stream request, reads events until `done`/`error`/close, records the time
to the first event (any name: the service's `meta` carries the chart) and to the first `delta` event, and
every gap between consecutive events after it, and starts over with a new
(distinct) request at once, so N streams stay open. Starts are staggered over `ramp` seconds.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field

import httptools


@dataclass
class LoadStats:
    started: int = 0
    completed: int = 0
    aborted: int = 0  # still open when the phase ended (not an error)
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)
    deltas: int = 0
    ttft: array = field(default_factory=lambda: array("d"))
    ttfe: array = field(default_factory=lambda: array("d"))  # to the first named event (any name)
    gaps: array = field(default_factory=lambda: array("d"))

    def error(self, kind: str) -> None:
        self.errors += 1
        self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1


def percentile(values: array, q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class _Stream(asyncio.Protocol):
    def __init__(
        self, request: bytes, stats: LoadStats, done: asyncio.Future[None], *, first_only: bool = False
    ) -> None:
        self.request = request
        self.first_only = first_only
        self.stats = stats
        self.done = done
        self.parser = httptools.HttpResponseParser(self)
        self.transport: asyncio.Transport | None = None
        self.status = 0
        self.tail = b""
        self.t0 = 0.0
        self.last = 0.0
        self.first_event = False
        self.finished = False

    # asyncio protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.t0 = time.monotonic()
        transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            self._finish("bad_http")

    def connection_lost(self, exc: Exception | None) -> None:
        self._finish("connection_lost")

    # httptools callbacks
    def on_headers_complete(self) -> None:
        self.status = self.parser.get_status_code()
        if self.status != 200:
            self._finish(f"http_{self.status}")

    def on_body(self, body: bytes) -> None:
        if self.finished:
            return
        blocks = (self.tail + body).split(b"\n\n") if self.tail else body.split(b"\n\n")
        self.tail = blocks.pop()
        for block in blocks:
            if not block.startswith(b"event: "):
                continue  # comments (open / keep-alive) and unnamed events
            name = block[7 : block.find(b"\n")]
            now = time.monotonic()
            if not self.first_event and name != b"error":  # a refusal is not a fast start
                self.first_event = True
                self.stats.ttfe.append(now - self.t0)
            if name == b"delta":
                self.stats.deltas += 1
                if self.last == 0.0:
                    self.stats.ttft.append(now - self.t0)
                    if self.first_only:
                        self._finish(None)
                        return
                else:
                    self.stats.gaps.append(now - self.last)
                self.last = now
            elif name == b"done":
                if self.last:
                    self.stats.gaps.append(now - self.last)
                self._finish(None)
                return
            elif name == b"error":
                self._finish("error_event")
                return

    def on_message_complete(self) -> None:
        self._finish("ended_without_done")

    def _finish(self, error: str | None) -> None:
        if self.finished:
            return
        self.finished = True
        if error is None:
            self.stats.completed += 1
        elif not self.done.done() and not self.done.cancelled():
            self.stats.error(error)
        if self.transport is not None:
            self.transport.close()
        if not self.done.done():
            self.done.set_result(None)


# One sequence for the whole run: a request body is never repeated across phases (no cache hits).
_REQUEST_NUMBERS = itertools.count()


def http_request(host: str, port: int, path: str, body: bytes) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
        f"Accept: text/event-stream\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode() + body


async def run_load(
    *,
    host: str,
    port: int,
    path: str,
    body_for: Callable[[int], bytes],
    streams: int,
    ramp: float,
    duration: float,
    on_steady: Callable[[], None] | None = None,
    stop_after_first: bool = False,
    first_delta_only: bool = False,
) -> LoadStats:
    """Keep `streams` streams open for `duration` seconds (ramp included), then abort the open ones.
    `first_delta_only`: each client makes one request and closes it at its first delta (arrival bursts)."""
    loop = asyncio.get_running_loop()
    stats = LoadStats()
    stop = loop.time() + duration
    counter = _REQUEST_NUMBERS
    open_transports: set[asyncio.Transport] = set()

    async def user(slot: int) -> None:
        await asyncio.sleep(ramp * slot / streams)
        while loop.time() < stop:
            done: asyncio.Future[None] = loop.create_future()
            request = http_request(host, port, path, body_for(next(counter)))
            stats.started += 1
            try:
                transport, protocol = await loop.create_connection(
                    lambda request=request, done=done: _Stream(
                        request, stats, done, first_only=first_delta_only
                    ),
                    host,
                    port,
                )
            except OSError:
                stats.error("connect")
                await asyncio.sleep(0.05)
                continue
            open_transports.add(transport)
            if stop_after_first:
                while not done.done() and stats.deltas == 0 and loop.time() < stop:  # noqa: ASYNC110
                    await asyncio.sleep(0.05)
                protocol.finished = True
                transport.abort()
                return
            try:
                await asyncio.wait_for(done, timeout=max(0.0, stop - loop.time()))
            except TimeoutError:
                stats.aborted += 1
                protocol.finished = True
                transport.abort()
            finally:
                open_transports.discard(transport)
            if first_delta_only:
                return

    tasks = [asyncio.create_task(user(slot)) for slot in range(streams)]
    if on_steady is not None:
        loop.call_later(ramp, on_steady)
    await asyncio.gather(*tasks)
    return stats
