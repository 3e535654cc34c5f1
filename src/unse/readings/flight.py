"""Single flight: concurrent identical reading requests share one upstream generation.

In one worker, a `Flight` keeps the log of one generation; every attached client replays it from the start
and then follows it. Deltas are kept as text, not as events (`_TextRun`): a late or slow client gets what
it missed as one `delta`, a client at the live end gets the event just published (encoded once, shared).
So an open stream holds its answer's text once, not ~450 bytes of event objects per 100 ms `delta` (issue
19). The generation runs in its own task, so the client that started it may leave without stopping it; the
task is cancelled -- which closes the upstream HTTP response in the producer's `finally` -- only when the
last attached client has gone.

Across workers and hosts (when `REDIS_URL` is set) the leader holds `flight:<key>:lock` (SET NX PX,
refreshed while it runs) and mirrors its events into the Redis stream `flight:<key>:events`; a client in
another worker reads that stream (XREAD BLOCK) and keeps a heartbeat in the sorted set
`flight:<key>:clients`, which the leader consults before cancelling. If Redis fails, the flight simply
stays local to this worker (logged): never an error for the user.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from django.conf import settings
from redis.asyncio import Redis
from redis.exceptions import RedisError

from unse.core.event_stream import EventName, StreamEvent
from unse.core.loop_local import PerLoop
from unse.core.process import on_process_reset
from unse.core.timers import Timer, release_all, timer_later

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 2.0
HEARTBEAT_STALE_SECONDS = 3 * HEARTBEAT_SECONDS
STREAM_EXPIRE_SECONDS = 120
STREAM_MAXLEN = 20_000
REMOTE_BLOCK_MS = 1_000
ORPHAN_GRACE_SECONDS = 10.0

Producer = Callable[["Flight"], Awaitable[None]]

_flights: dict[str, Flight] = {}


class _Ends:
    """Which keys' generations ended in this worker, and when (a sequence number): a new leader re-checks
    the cache only when a generation of its key ended after its own lookup (issue 19: one database round
    trip less per uncached reading). Bounded: the oldest ends are forgotten, and a lookup older than the
    forgotten ones always re-checks."""

    LIMIT = 4096

    def __init__(self) -> None:
        self.seq = 0
        self.forgotten_upto = 0
        self.by_key: dict[str, int] = {}

    def note(self, key: str) -> None:
        self.seq += 1
        self.by_key.pop(key, None)
        self.by_key[key] = self.seq
        if len(self.by_key) > self.LIMIT:
            oldest = next(iter(self.by_key))
            self.forgotten_upto = self.by_key.pop(oldest)

    def since(self, key: str, mark: int) -> bool:
        return mark < self.forgotten_upto or self.by_key.get(key, 0) > mark

    def clear(self) -> None:
        self.seq = self.forgotten_upto = 0
        self.by_key.clear()


_ends = _Ends()
on_process_reset("readings.flights", _flights.clear)
on_process_reset("readings.flight_ends", _ends.clear)


def ends_mark() -> int:
    """Take before the cache lookup; pass to `flight_lead` (see `Flight.previous_ended`)."""
    return _ends.seq


class FlightAbandoned(Exception):
    """The remote leader gave up before publishing anything (e.g. it was rate-limited)."""


# Fire-and-forget cleanup tasks are kept referenced until they finish (asyncio holds only weak refs).
_background: set[asyncio.Task[Any]] = set()
_clients: PerLoop[Redis] = PerLoop()


def _spawn(coro: Awaitable[Any]) -> None:
    task: asyncio.Task[Any] = asyncio.ensure_future(coro)
    _background.add(task)
    task.add_done_callback(_background.discard)


def redis_client() -> Redis | None:
    """One async Redis client per event loop, or None when Redis is not configured."""
    url: str = settings.REDIS_URL
    if not url:
        return None
    return _clients.get(
        url, lambda: Redis.from_url(url, socket_connect_timeout=1, socket_timeout=5, health_check_interval=30)
    )


def _redis_key(key: str, part: str) -> str:
    return f"{settings.READINGS_REDIS_PREFIX}flight:{key}:{part}"


# Joining the parts of a text run costs O(length); compacting every 8 parts keeps both the list and the
# catch-up join short, and an open stream's text in one string rather than in up to that many small ones
# (≈ 60 bytes of object header each: issue 19, memory per open stream).
_RUN_COMPACT_PARTS = 8


class _TextRun:
    """Consecutive `delta` texts of a flight's log, as text."""

    __slots__ = ("length", "parts")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0

    def append(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)
        if len(self.parts) >= _RUN_COMPACT_PARTS:
            self.parts = ["".join(self.parts)]

    def text_from(self, offset: int) -> str:
        if len(self.parts) > 1:
            self.parts = ["".join(self.parts)]
        return self.parts[0][offset:] if self.parts else ""


_NEW, _ATTACHED, _ENDED = "new", "attached", "ended"


class Follower:
    """One client's place in a flight's log (`Flight.follow`). An object rather than an async generator:
    an open stream would keep the generator, its frame and its entry in the loop's weak set of generators
    for its whole life (issue 19: memory per open stream)."""

    __slots__ = ("flight", "index", "keepalive", "loop", "offset", "state", "ticks")

    def __init__(self, flight: Flight, keepalive: float) -> None:
        self.flight = flight
        self.keepalive = keepalive
        self.loop: asyncio.AbstractEventLoop | None = None  # the loop it attached on
        self.state = _NEW
        self.index = 0
        self.offset = 0
        self.ticks = 0

    def __aiter__(self) -> Follower:
        return self

    def __anext__(self) -> Awaitable[StreamEvent | None]:
        return self.flight.next_for(self)

    async def aclose(self) -> None:
        self.flight.detach(self)

    def __del__(self) -> None:
        # A follower dropped without aclose() must not hold its flight. As a generator's finalizer does, the
        # detaching (which may cancel the generation) runs on the flight's loop, whatever thread collects.
        loop = self.loop
        if self.state is not _ATTACHED or loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self.flight.detach(self)
        else:
            loop.call_soon_threadsafe(self.flight.detach, self)


class Flight:
    """One generation running in this worker; see the module docstring."""

    __slots__ = (
        "_had_clients",
        "_keepalive",
        "_last_delta",
        "_last_delta_at",
        "_lock_token",
        "_monitor",
        "_quiet_since",
        "_redis",
        "_task",
        "_ticker",
        "_ticks",
        "_waiters",
        "finished",
        "key",
        "local_clients",
        "log",
        "previous_ended",
        "verdict",
    )

    def __init__(self, key: str) -> None:
        self.key = key
        self.log: list[StreamEvent | _TextRun] = []
        # The newest delta as published (shared by every client at the live end) and where it starts.
        self._last_delta: StreamEvent | None = None
        self._last_delta_at = (-1, -1)
        self.verdict: StreamEvent | None = None  # the terminal event, once published
        # Set by `flight_lead`: a generation of this key ended (here, or in another worker when Redis is
        # used) after the caller's cache lookup, so the reading may be stored now: look again.
        self.previous_ended = True
        # Keep-alive ticks come from one timer per flight, re-armed once per quiet period, instead of a
        # timeout per client per event (issue 19: ≈ 10 µs per delta and client).
        self._ticks = 0
        self._keepalive: float | None = None
        self._quiet_since = 0.0
        self._ticker: Timer | None = None
        self.finished = False
        self.local_clients = 0
        # Futures of the clients waiting for the next event, all woken at once: an `asyncio.Event` per flight
        # cost a new Event and its deque (≈ 0.7 KiB) per publish and per open flight (issue 19).
        self._waiters: list[asyncio.Future[None]] = []
        self._task: asyncio.Task[None] | None = None
        self._redis: Redis | None = None
        self._lock_token = ""
        self._monitor: asyncio.Task[None] | None = None
        self._had_clients = False

    # --- producer side ---------------------------------------------------------------------------
    async def publish(self, event: StreamEvent) -> None:
        log = self.log
        if event.name == EventName.DELTA:
            run = log[-1] if log else None
            if not isinstance(run, _TextRun):
                run = _TextRun()
                log.append(run)
            self._last_delta, self._last_delta_at = event, (len(log) - 1, run.length)
            run.append(event.data["text"])
        else:
            log.append(event)
        self._quiet_since = time.monotonic()
        if event.terminal:
            self.verdict = event
            _ends.note(self.key)
            # From now on a new request must not attach: the reading is stored (or it failed).
            self.finished = True
            _flights.pop(self.key, None)
        self._wake()
        if self._redis is not None:
            try:
                await self._redis.xadd(
                    _redis_key(self.key, "events"),
                    {"n": event.name, "d": event.raw_data},
                    maxlen=STREAM_MAXLEN,
                    approximate=True,
                )
            except RedisError:
                logger.warning("single flight: mirroring to Redis failed; remote clients will time out")
                self._redis = None

    def text(self) -> str:
        """The text of the deltas published so far."""
        return "".join(run.text_from(0) for run in self.log if isinstance(run, _TextRun))

    def _wake(self) -> None:
        waiters, self._waiters = self._waiters, []
        release_all(waiters)  # a client that left while waiting cancelled its own

    def _arm_ticker(self, keepalive: float) -> None:
        if self._keepalive is not None and keepalive >= self._keepalive:
            return
        self._keepalive = keepalive
        if self._ticker is not None:
            self._ticker.cancel()
        if not self._quiet_since:
            self._quiet_since = time.monotonic()
        self._ticker = timer_later(keepalive, self._tick)

    def _tick(self) -> None:
        """A keep-alive tick for every client after `keepalive` quiet seconds, then again every period."""
        self._ticker = None
        keepalive = self._keepalive
        if keepalive is None or self.finished or self.local_clients == 0:
            self._keepalive = None
            return
        quiet = time.monotonic() - self._quiet_since
        if quiet >= keepalive * 0.999:
            self._ticks += 1
            self._quiet_since = time.monotonic()
            self._wake()
            quiet = 0.0
        self._ticker = timer_later(keepalive - quiet, self._tick)

    def _stop_ticker(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            self._ticker = None

    def hold_lock(self, client: Redis, token: str) -> None:
        """This flight leads across workers: it mirrors its events to Redis and refreshes the lock `token`."""
        self._redis = client
        self._lock_token = token

    @property
    def cancelled(self) -> bool:
        return self._task is not None and self._task.cancelled()

    # --- client side -----------------------------------------------------------------------------
    def follow(self, *, keepalive: float) -> Follower:
        """Every event of the flight from the start; None is a keep-alive tick after `keepalive` idle seconds.
        The client counts as attached from its first `anext()` until its last event, `aclose()`, or an
        exception (a cancellation) while it waits."""
        return Follower(self, keepalive)

    async def next_for(self, follower: Follower) -> StreamEvent | None:
        """`follower`'s next event (its `__anext__`)."""
        if follower.state is not _ATTACHED:
            if follower.state is _ENDED:
                raise StopAsyncIteration
            self._attach(follower)
        while True:
            log = self.log
            while follower.index < len(log):
                entry = log[follower.index]
                if isinstance(entry, _TextRun):
                    if follower.offset < entry.length:
                        # Taken before it is handed over: the client may be slow (a paused write awaits
                        # while it sends this) while more text is published; that text comes next time.
                        delta = self._delta_from(follower.index, follower.offset, entry)
                        follower.offset = entry.length
                        return delta
                    if follower.index == len(log) - 1:
                        break  # the live end of the text: wait for more
                    follower.index, follower.offset = follower.index + 1, 0
                    continue
                follower.index += 1
                if entry.terminal:
                    self.detach(follower)
                return entry
            if self.finished:
                self.detach(follower)
                raise StopAsyncIteration
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter
            except BaseException:  # cancelled: the client is gone at once
                self.detach(follower)
                raise
            if self._ticks != follower.ticks:
                follower.ticks = self._ticks
                return None

    def _attach(self, follower: Follower) -> None:
        follower.state = _ATTACHED
        follower.loop = asyncio.get_running_loop()
        self.local_clients += 1
        self._had_clients = True
        self._arm_ticker(follower.keepalive)
        follower.ticks = self._ticks

    def detach(self, follower: Follower) -> None:
        """`follower` is done (idempotent): the last local client to leave cancels the generation."""
        attached = follower.state is _ATTACHED
        follower.state = _ENDED
        if attached:
            self.local_clients -= 1
            if self.local_clients == 0 and not self.finished:
                self._last_client_left()

    def _delta_from(self, index: int, offset: int, run: _TextRun) -> StreamEvent:
        """The text of run `index` from `offset` on, as one delta: the published event itself when that is
        exactly what the client misses (the usual case), else one made for this client."""
        last = self._last_delta
        if (
            last is not None
            and self._last_delta_at == (index, offset)
            and offset + len(last.data["text"]) == run.length
        ):
            return last
        return StreamEvent.make(EventName.DELTA, {"text": run.text_from(offset)})

    def _last_client_left(self) -> None:
        if self._redis is None:
            self._cancel("last client left")
        else:
            _spawn(self._cancel_unless_remote_clients())

    async def _remote_clients(self) -> int:
        if self._redis is None:
            return 0
        try:
            return int(
                await self._redis.zcount(
                    _redis_key(self.key, "clients"), time.time() - HEARTBEAT_STALE_SECONDS, "+inf"
                )
            )
        except RedisError:
            return 0

    async def _cancel_unless_remote_clients(self) -> None:
        if self.local_clients == 0 and await self._remote_clients() == 0 and self.local_clients == 0:
            self._cancel("last client left")

    def _cancel(self, why: str) -> None:
        if self._task is not None and not self._task.done():
            logger.info("single flight %s: cancelling the generation (%s)", self.key[:12], why)
            self._task.cancel()

    # --- lifecycle -------------------------------------------------------------------------------
    def _orphan_check(self) -> None:
        # A leader whose client vanished before attaching (e.g. disconnected before the response
        # started) must not generate for nobody.
        if self.local_clients == 0 and not self.finished and not self._had_clients:
            self._last_client_left()

    @property
    def started(self) -> bool:
        return self._task is not None

    def start(self, producer: Producer) -> None:
        loop = asyncio.get_running_loop()
        # Fresh contexts: the request's context holds the request (allauth's request variable) and its
        # thread-sensitive executor, which is shut down when the request that started the flight ends; a
        # timer or task that copied it would keep the request alive after its view returned (issue 19).
        # The shared timers run their callbacks in an empty context.
        timer_later(ORPHAN_GRACE_SECONDS, self._orphan_check)
        self._task = loop.create_task(self._run(producer), context=contextvars.Context())
        if self._redis is not None:
            self._monitor = asyncio.get_running_loop().create_task(
                self._keep_lock(self._redis), context=contextvars.Context()
            )

    async def abandon(self) -> None:
        """Give up the leadership without generating (the reading turned out to be stored already)."""
        if self.finished:
            return
        self.finished = True
        self._stop_ticker()
        self._wake()
        _flights.pop(self.key, None)
        _ends.note(self.key)
        if self._redis is not None:
            await self._release_remote(self._redis)

    async def _run(self, producer: Producer) -> None:
        try:
            if self._redis is not None:
                # Only now, when a new generation really starts, is the previous generation's stream stale.
                # Deleting it when the lock is taken would cut followers still reading it if this leader then
                # finds the reading stored and abandons (they would wait until the idle timeout: AI_TIMEOUT).
                try:
                    await self._redis.delete(_redis_key(self.key, "events"), _redis_key(self.key, "clients"))
                except RedisError:
                    logger.warning("single flight %s: clearing the previous stream failed", self.key[:12])
            generation = producer(self)
            del producer  # with what its closure holds: not kept for the generation's life (issue 19)
            await generation
        except asyncio.CancelledError:
            logger.info("single flight %s: generation cancelled", self.key[:12])
        except Exception:
            logger.exception("single flight %s: generation crashed", self.key[:12])
        finally:
            self.finished = True
            self._stop_ticker()
            self._wake()
            _flights.pop(self.key, None)
            _ends.note(self.key)
            if self._monitor is not None:
                self._monitor.cancel()
            if self._redis is not None:
                await self._release_remote(self._redis)

    async def _keep_lock(self, client: Redis) -> None:
        ttl_ms = int(settings.READINGS_FLIGHT_LOCK_TTL_SECONDS * 1000)
        with contextlib.suppress(asyncio.CancelledError):
            while not self.finished:
                await asyncio.sleep(min(ttl_ms / 3000, HEARTBEAT_SECONDS))
                try:
                    await client.pexpire(_redis_key(self.key, "lock"), ttl_ms)
                except RedisError:
                    logger.warning("single flight %s: lock refresh failed", self.key[:12])
                if self.local_clients == 0 and await self._remote_clients() == 0 and self.local_clients == 0:
                    self._cancel("no client left (local or remote)")

    async def _release_remote(self, client: Redis) -> None:
        try:
            events_key = _redis_key(self.key, "events")
            await client.expire(events_key, STREAM_EXPIRE_SECONDS)
            lock_key = _redis_key(self.key, "lock")
            if await client.get(lock_key) == self._lock_token.encode():
                await client.delete(lock_key)
        except RedisError:
            logger.warning("single flight %s: releasing the Redis lock failed", self.key[:12])


def local_flight(key: str) -> Flight | None:
    flight = _flights.get(key)
    return flight if flight is not None and not flight.finished else None


async def flight_lead(key: str, *, since: int = -1) -> Flight | None:
    """Become the leader of `key` (None when another worker leads: follow it with `remote_follow`).
    `since`: the `ends_mark()` taken before the caller's cache lookup (default: unknown, so re-check)."""
    existing = local_flight(key)
    if existing is not None:
        return None
    flight = Flight(key)
    flight.previous_ended = since < 0 or _ends.since(key, since)
    # Registered before any await, so concurrent requests of this worker attach locally at once.
    _flights[key] = flight
    client = redis_client()
    if client is None:
        return flight
    token = secrets.token_hex(8)
    try:
        # In a fresh context: redis-py bounds each read with an asyncio timeout, whose cancelled timer stays
        # scheduled until the socket timeout (5 s) with a copy of the caller's context -- here the request's,
        # which holds the request through allauth's request variable (issue 19).
        acquired, recent = await asyncio.get_running_loop().create_task(
            _take_lock(client, key, token), context=contextvars.Context()
        )
    except RedisError:
        logger.warning("single flight: Redis unreachable, the flight stays local to this worker")
        return flight
    flight.previous_ended = flight.previous_ended or bool(recent)
    if not acquired:
        # Another worker leads: local clients that attached meanwhile see an empty flight and start over.
        await flight.abandon()
        return None
    flight.hold_lock(client, token)
    return flight


async def _take_lock(client: Redis, key: str, token: str) -> tuple[bool, bool]:
    """One round trip: the lock, and whether another generation of this key ended lately (its event stream
    outlives it by STREAM_EXPIRE_SECONDS), which may have stored the reading after the caller's lookup."""
    async with client.pipeline(transaction=False) as pipe:
        pipe.set(
            _redis_key(key, "lock"),
            token,
            nx=True,
            px=int(settings.READINGS_FLIGHT_LOCK_TTL_SECONDS * 1000),
        )
        pipe.exists(_redis_key(key, "events"))
        acquired, recent = await pipe.execute()
    return bool(acquired), bool(recent)


async def _lock_held(client: Redis, key: str) -> bool:
    try:
        return bool(await client.exists(_redis_key(key, "lock")))
    except RedisError:
        return False


async def remote_follow(
    client: Redis, key: str, *, keepalive: float, idle_timeout: float
) -> AsyncIterator[StreamEvent | None]:
    """Follow a generation led by another worker through its Redis stream (see module docstring).

    Ends after a terminal event; yields None as keep-alive ticks; raises TimeoutError when nothing
    arrives for `idle_timeout` seconds and the leader's lock is gone (the leader died).
    """
    member = secrets.token_hex(8)
    clients_key = _redis_key(key, "clients")
    events_key = _redis_key(key, "events")
    last_id = "0-0"
    last_event = last_tick = time.monotonic()
    try:
        await client.zadd(clients_key, {member: time.time()})
        while True:
            now = time.monotonic()
            response = await client.xread({events_key: last_id}, block=REMOTE_BLOCK_MS, count=100)
            now = time.monotonic()
            await client.zadd(clients_key, {member: time.time()})
            if not response:
                if last_id == "0-0" and not await _lock_held(client, key):
                    raise FlightAbandoned
                if now - last_event > idle_timeout and not await _lock_held(client, key):
                    raise TimeoutError
                if now - last_tick >= keepalive:
                    last_tick = now
                    yield None
                continue
            for _stream, entries in response:
                for entry_id, fields in entries:
                    last_id = entry_id
                    event = StreamEvent.from_wire(fields[b"n"].decode(), fields[b"d"])
                    last_event = last_tick = now
                    yield event
                    if event.terminal:
                        return
    finally:
        _spawn(_forget_member(client, clients_key, member))


async def _forget_member(client: Redis, clients_key: str, member: str) -> None:
    with contextlib.suppress(RedisError):
        await client.zrem(clients_key, member)
