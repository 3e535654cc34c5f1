"""Single flight: one generation, many attached clients; cancelled only when the last client leaves."""

from __future__ import annotations

import asyncio
import secrets
import threading

import pytest
import redis as sync_redis
from django.test import override_settings

from unse.core.event_stream import EventName, StreamEvent
from unse.readings import flight as flight_module
from unse.readings.flight import Flight, flight_lead, local_flight, remote_follow

REDIS_URL = "redis://127.0.0.1:6379/13"


class Producer:
    """Publishes `count` deltas, one per `gap` seconds, then done; records whether it was cancelled."""

    def __init__(self, count: int, gap: float = 0.01) -> None:
        self.count = count
        self.gap = gap
        self.started = 0
        self.cancelled = asyncio.Event()
        self.midway = asyncio.Event()  # half of the deltas are published
        self.closed = False

    async def __call__(self, flight: Flight) -> None:
        self.started += 1
        try:
            for index in range(self.count):
                await flight.publish(StreamEvent.make(EventName.DELTA, {"text": f"t{index} "}))
                if index + 1 >= self.count // 2:
                    self.midway.set()
                await asyncio.sleep(self.gap)
            await flight.publish(StreamEvent.make(EventName.DONE, {"reading_id": "r"}))
        except asyncio.CancelledError:
            self.cancelled.set()
            raise
        finally:
            self.closed = True


async def _started(key: str, producer: Producer) -> Flight:
    """The flight this worker leads for `key`, generating with `producer`."""
    flight = await flight_lead(key)
    assert flight is not None
    flight.start(producer)
    return flight


async def _collect(flight: Flight) -> list[StreamEvent]:
    return [event async for event in flight.follow(keepalive=5) if event is not None]


async def test_concurrent_clients_share_one_generation_and_each_gets_every_event() -> None:
    key = secrets.token_hex(8)
    producer = Producer(count=20)
    leader = await flight_lead(key)
    assert leader is not None
    leader.start(producer)
    assert await flight_lead(key) is None  # a second request cannot lead the same key
    joiner = local_flight(key)
    assert joiner is leader
    results = await asyncio.gather(*(_collect(leader) for _ in range(5)))
    assert producer.started == 1
    for events in results:
        assert _text(events) == "".join(f"t{i} " for i in range(20))
        assert {e.name for e in events[:-1]} == {EventName.DELTA} and events[-1].name == EventName.DONE
    assert local_flight(key) is None  # finished flights are forgotten


async def test_a_late_joiner_replays_from_the_start() -> None:
    key = secrets.token_hex(8)
    flight = await flight_lead(key)
    assert flight is not None
    producer = Producer(count=10, gap=0.02)
    flight.start(producer)
    first = asyncio.ensure_future(_collect(flight))
    await producer.midway.wait()  # the late client attaches with half of the answer already published
    late = await _collect(flight)
    live = await first
    # What was published before the late client attached arrives as one delta: the same text, the same end.
    assert _text(late) == _text(live) == "".join(f"t{i} " for i in range(10))
    assert late[0].name == EventName.DELTA and late[0].data["text"].startswith("t0 t1 ")
    assert late[-1].data == live[-1].data == {"reading_id": "r"}


def _text(events: list[StreamEvent]) -> str:
    return "".join(e.data["text"] for e in events if e.name == EventName.DELTA)


async def test_the_log_keeps_the_text_once_and_live_clients_share_each_published_event() -> None:
    key = secrets.token_hex(8)
    flight = await flight_lead(key)
    assert flight is not None
    published: list[StreamEvent] = []
    started = asyncio.Event()
    step = asyncio.Event()

    async def producer(running: Flight) -> None:
        await running.publish(StreamEvent.make(EventName.META, {"kind": "saju"}))
        started.set()
        for index in range(600):  # a long answer: 600 deltas
            await step.wait()
            step.clear()
            event = StreamEvent.make(EventName.DELTA, {"text": f"글자{index} "})
            published.append(event)
            await running.publish(event)
        await running.publish(StreamEvent.make(EventName.DONE, {"reading_id": "r"}))

    flight.start(producer)
    await started.wait()
    follower = flight.follow(keepalive=5)
    received: list[StreamEvent] = [e for e in [await anext(follower)] if e is not None]  # meta
    for _ in range(600):
        step.set()
        event = await anext(follower)
        assert event is not None
        received.append(event)
    received.extend([e async for e in follower if e is not None])
    # At the live end a client gets the very event published (encoded once for every client) ...
    assert all(a is b for a, b in zip(received[1:601], published, strict=True))
    assert [e.name for e in received] == [EventName.META] + [EventName.DELTA] * 600 + [EventName.DONE]
    # ... while the log holds the answer as one text, not 600 events.
    assert len(flight.log) == 3


async def test_one_client_leaving_does_not_cancel_while_others_remain_but_the_last_one_does() -> None:
    key = secrets.token_hex(8)
    producer = Producer(count=1000, gap=0.01)
    flight = await _started(key, producer)

    first = flight.follow(keepalive=5)
    second = flight.follow(keepalive=5)
    await anext(first)
    await anext(second)
    await first.aclose()  # one client leaves
    assert flight.local_clients == 1
    for _ in range(3):  # the other still receives new events: the generation goes on
        await anext(second)
    assert not producer.cancelled.is_set()
    await second.aclose()  # the last client leaves: the upstream is closed
    await asyncio.wait_for(producer.cancelled.wait(), timeout=2)
    assert producer.closed
    assert local_flight(key) is None


async def test_a_follower_dropped_without_closing_detaches_and_the_generation_stops() -> None:
    key = secrets.token_hex(8)
    producer = Producer(count=1000, gap=0.01)
    flight = await _started(key, producer)
    follower = flight.follow(keepalive=5)
    await anext(follower)
    assert flight.local_clients == 1
    del follower  # never closed, as a generator may be dropped
    assert flight.local_clients == 0
    await asyncio.wait_for(producer.cancelled.wait(), timeout=2)


async def test_a_follower_dropped_in_another_thread_detaches_on_its_loop() -> None:
    key = secrets.token_hex(8)
    flight = await _started(key, Producer(count=1000, gap=0.01))
    held = [flight.follow(keepalive=5)]
    await anext(held[0])
    dropper = threading.Thread(target=held.clear)  # the last reference goes in a thread without a loop
    dropper.start()
    dropper.join()
    assert flight.local_clients == 1  # not from that thread: the flight belongs to this loop
    loop = asyncio.get_running_loop()
    after_it: asyncio.Future[None] = loop.create_future()
    loop.call_soon(after_it.set_result, None)  # runs after the callback the thread scheduled
    await after_it
    assert flight.local_clients == 0


async def test_cancelling_a_client_task_detaches_it_at_once() -> None:
    key = secrets.token_hex(8)
    producer = Producer(count=1000, gap=0.01)
    flight = await _started(key, producer)
    attached = asyncio.Event()

    async def client() -> None:
        async for _ in flight.follow(keepalive=5):
            attached.set()

    task = asyncio.ensure_future(client())
    await attached.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.wait_for(producer.cancelled.wait(), timeout=2)
    assert flight.local_clients == 0


async def test_keepalive_ticks_while_the_generation_is_silent() -> None:
    key = secrets.token_hex(8)
    flight = await _started(key, Producer(count=2, gap=0.25))
    ticks = 0
    async for event in flight.follow(keepalive=0.05):
        if event is None:
            ticks += 1
    assert ticks >= 2


def _redis_or_skip() -> sync_redis.Redis:
    client = sync_redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except sync_redis.RedisError:
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    return client


@pytest.fixture
def redis_flights():
    client = _redis_or_skip()
    prefix = f"test:{secrets.token_hex(4)}:"
    with override_settings(REDIS_URL=REDIS_URL, READINGS_REDIS_PREFIX=prefix):
        yield client
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    client.close()


@pytest.mark.redis
async def test_another_worker_follows_through_redis_and_keeps_the_generation_alive(redis_flights) -> None:
    key = secrets.token_hex(8)
    producer = Producer(count=30, gap=0.02)
    flight = await _started(key, producer)
    # "Another worker": the lock is taken, so it cannot lead, and it follows the Redis stream.
    flight_module._flights.pop(key)
    assert await flight_lead(key) is None
    flight_module._flights[key] = flight
    remote = [
        e
        async for e in remote_follow(flight_module.redis_client(), key, keepalive=5, idle_timeout=5)
        if e is not None
    ]
    assert [e.name for e in remote] == [EventName.DELTA] * 30 + [EventName.DONE]
    assert producer.started == 1


@pytest.mark.redis
async def test_the_leader_is_cancelled_only_after_the_remote_client_leaves(redis_flights) -> None:
    key = secrets.token_hex(8)
    producer = Producer(count=10_000, gap=0.01)
    flight = await _started(key, producer)
    remote = remote_follow(flight_module.redis_client(), key, keepalive=5, idle_timeout=5)
    await anext(remote)
    local = flight.follow(keepalive=5)
    await anext(local)
    await local.aclose()  # the last *local* client leaves; the remote one is still reading
    await asyncio.gather(*flight_module._background)  # the leader's check of the remote clients is done
    assert not producer.cancelled.is_set()
    await anext(remote)  # and the remote client still receives the generation
    await remote.aclose()
    await asyncio.gather(*flight_module._background)  # the remote client's heartbeat entry is removed
    redis_flights.delete(f"{flight_module.settings.READINGS_REDIS_PREFIX}flight:{key}:clients")
    await asyncio.wait_for(producer.cancelled.wait(), timeout=flight_module.HEARTBEAT_SECONDS * 3)
    assert producer.closed


@pytest.mark.redis
async def test_redis_down_keeps_the_flight_local() -> None:
    with override_settings(REDIS_URL="redis://127.0.0.1:1/0"):
        key = secrets.token_hex(8)
        flight = await flight_lead(key)
        assert flight is not None
        flight.start(Producer(count=3))
        events = await _collect(flight)
    assert events[-1].name == EventName.DONE


# --- the leader's second cache lookup (issue 19): only when a generation of its key ended since the first
async def _run_to_the_end(key: str) -> None:
    flight = await _started(key, Producer(count=1, gap=0))
    await _collect(flight)
    assert flight._task is not None
    await flight._task  # its lock released (with Redis) and its end noted


async def test_a_new_leader_looks_again_only_when_its_key_ended_after_its_lookup() -> None:
    key, other = secrets.token_hex(8), secrets.token_hex(8)
    before = flight_module.ends_mark()
    await _run_to_the_end(other)  # another reading ended: nothing to look up again for `key`
    flight = await flight_lead(key, since=before)
    assert flight is not None and flight.previous_ended is False
    await flight.abandon()

    mark = flight_module.ends_mark()
    await _run_to_the_end(key)  # the same reading ended after the lookup: it may be stored now
    again = await flight_lead(key, since=mark)
    assert again is not None and again.previous_ended is True
    await again.abandon()
    assert (await flight_lead(key)).previous_ended is True  # no mark: always look again


async def test_a_lookup_older_than_the_forgotten_ends_looks_again(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(flight_module._Ends, "LIMIT", 2)
    key = secrets.token_hex(8)
    mark = flight_module.ends_mark()
    for _ in range(3):  # three other readings end: the oldest end is forgotten
        await _run_to_the_end(secrets.token_hex(8))
    flight = await flight_lead(key, since=mark)
    assert flight is not None and flight.previous_ended is True
    await flight.abandon()


@pytest.mark.redis
async def test_a_generation_that_ended_in_another_worker_makes_the_leader_look_again(redis_flights) -> None:
    key = secrets.token_hex(8)
    await _run_to_the_end(key)  # "another worker": only its Redis event stream remains
    flight_module._ends.clear()
    flight = await flight_lead(key, since=flight_module.ends_mark())
    assert flight is not None and flight.previous_ended is True
    await flight.abandon()
    fresh = await flight_lead(secrets.token_hex(8), since=flight_module.ends_mark())
    assert fresh is not None and fresh.previous_ended is False
    await fresh.abandon()


async def test_a_slow_client_gets_every_piece_of_text_published_while_it_was_writing() -> None:
    key = secrets.token_hex(8)
    flight = await _started(key, Producer(count=50, gap=0))
    received: list[StreamEvent] = []
    async for event in flight.follow(keepalive=5):
        if event is not None:
            received.append(event)
            # A paused write: the producer publishes more while this client is inside the yield.
            for _ in range(3):
                await asyncio.sleep(0)
    assert _text(received) == "".join(f"t{i} " for i in range(50))
    assert received[-1].name == EventName.DONE
