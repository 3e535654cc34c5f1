"""One client's view of a reading: cached, following a local flight, or following a remote one; and the
whole-text result for callers that do not stream."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings

from unse.ai.ratelimit import RateDecision
from unse.ai.streamcap import stream_slot
from unse.core.errors import ErrorCode, ServiceError
from unse.core.event_stream import EventName, StreamEvent, error_event, with_request_id
from unse.readings.flight import Flight, FlightAbandoned, redis_client, remote_follow
from unse.readings.labels import generated_by
from unse.readings.models import GeneratedBy, Reading
from unse.readings.sanitize import render_markdown


@dataclass(slots=True)
class ReadingMeta:
    """The `meta` event: what the reading is and where it comes from (no birth data but the chart document
    the client already sent)."""

    request_id: str
    kind: str
    topic: str
    mode: str
    period: str
    chart: dict[str, Any]
    cached: bool = False
    joined: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "request_id": self.request_id,
            "cached": self.cached,
            "joined": self.joined,
            "kind": self.kind,
            "topic": self.topic,
            "mode": self.mode,
            "period": self.period,
            "chart": self.chart,
        }


@dataclass(frozen=True, slots=True)
class ReadingResult:
    text: str
    reading_id: str | None
    cached: bool
    joined: bool
    notices: tuple[dict[str, Any], ...]
    generated_by: dict[str, Any]
    usage: dict[str, int]
    meta: ReadingMeta
    rate: RateDecision | None
    # `render_markdown(text)` when known without rendering (a stored reading's HTML), else None.
    html: str | None = None


async def slotted_events(
    events: AsyncGenerator[StreamEvent | None, None],
    *,
    request_id: str,
    subject: str | None = None,
    joined: bool = False,
) -> AsyncGenerator[StreamEvent | None, None]:
    """`events` relayed inside one of the worker's stream slots (the joiners' pool for a joiner, counted for
    the client `subject`); when none is free, one AI_BUSY / AI_TOO_MANY_STREAMS error event."""
    slot = stream_slot(subject=subject, joined=joined)
    if (refused := await _slot_enter(slot, request_id=request_id)) is not None:
        yield refused
        return
    try:
        async for event in events:
            yield event
    finally:
        await slot.__aexit__(None, None, None)


async def _slot_enter(slot: stream_slot, *, request_id: str) -> StreamEvent | None:
    """Enter `slot`; when it is refused, the AI_BUSY / AI_TOO_MANY_STREAMS error event to send instead."""
    try:
        await slot.__aenter__()
    except ServiceError as busy:
        return error_event(busy.code, request_id=request_id, retry_after=busy.retry_after)
    return None


def _cached_done(reading: Reading) -> dict[str, Any]:
    by = generated_by(GeneratedBy(reading.generated_by), provider=reading.provider, model=reading.model)
    return {
        "reading_id": reading.public_id,
        "usage": {"prompt_tokens": 0, "completion_tokens": 0},
        "generated_by": by,
        "stored": True,
    }


async def _cached_events(reading: Reading) -> AsyncGenerator[StreamEvent | None, None]:
    yield StreamEvent.make(EventName.DELTA, {"text": reading.text})
    yield StreamEvent.make(EventName.DONE, _cached_done(reading))


@dataclass(slots=True)
class ReadingSession:
    """One client's view of a reading: cached, following a local flight, or following a remote one."""

    request_id: str
    meta: ReadingMeta
    cached: Reading | None = None
    flight: Flight | None = None
    remote_key: str | None = None
    rate: RateDecision | None = None
    joined: bool = False
    # The rate-limit subject whose streams are counted (None for callers that are not charged).
    subject: str | None = None
    reopen: Callable[[], Awaitable[ReadingSession]] | None = None
    keepalive: float = field(default=15.0)
    # Markdown appended to the stored text before `done` (a daily class text + the person's own lines).
    epilogue: str = ""

    def events(self) -> AsyncGenerator[StreamEvent | None, None]:
        """`meta`, then the reading inside one of the worker's stream slots, with the epilogue before `done`."""
        return self._events(opening=True)

    def body(self) -> AsyncGenerator[StreamEvent | None, None]:
        """Everything after `meta`, an `error` with this client's request id, without a stream slot or an
        epilogue of its own (the session that starts over holds them)."""
        return self._events(opening=False)

    async def _events(self, *, opening: bool) -> AsyncGenerator[StreamEvent | None, None]:
        # One generator for the whole stream: the flight's follower is relayed here rather than through a
        # generator per step, each of which an open stream kept for its life and entered once per event
        # (issue 19). The rare tails (a cached text, a start-over) keep their own generators.
        if opening:
            yield self._meta_event()
        epilogue = self.epilogue if opening else ""
        if self.cached is not None:
            async for event in self._with_epilogue(_cached_events(self.cached), epilogue):
                yield event
            return
        slot = stream_slot(subject=self.subject, joined=self.joined) if opening else None
        if slot is not None and (refused := await _slot_enter(slot, request_id=self.request_id)) is not None:
            yield refused
            return
        try:
            flight = self.flight
            source = flight.follow(keepalive=self.keepalive) if flight is not None else self._follow_remote()
            received = False
            try:
                async for event in source:
                    if event is not None:
                        received = True
                        if event.name == EventName.ERROR:
                            event = with_request_id(event, self.request_id)
                        elif event.name == EventName.DONE and epilogue:
                            yield self._epilogue_event()
                    yield event
            finally:
                await source.aclose()
            if flight is not None:
                async for event in self._with_epilogue(
                    self._after_local(flight, received=received), epilogue
                ):
                    yield event
        finally:
            if slot is not None:
                await slot.__aexit__(None, None, None)

    def _meta_event(self) -> StreamEvent:
        event = StreamEvent.make(EventName.META, self.meta.as_json())
        # The chart document (≈ 5 KiB of objects) is in the event now; a streamed session lives as long as
        # the stream, which may stay open for minutes (issue 19: memory per open stream).
        self.meta.chart = {}
        return event

    def _epilogue_event(self) -> StreamEvent:
        return StreamEvent.make(EventName.DELTA, {"text": self.epilogue})

    async def _with_epilogue(
        self, events: AsyncGenerator[StreamEvent | None, None], epilogue: str
    ) -> AsyncGenerator[StreamEvent | None, None]:
        async for event in events:
            if epilogue and event is not None and event.name == EventName.DONE:
                yield self._epilogue_event()
            yield event

    async def _after_local(
        self, flight: Flight, *, received: bool
    ) -> AsyncGenerator[StreamEvent | None, None]:
        """What follows a local flight's last event: a new start when it ended before its first event (its
        leader gave up), an error when it ended without a verdict (it crashed)."""
        if not received and self.reopen is not None:
            async for event in self._start_over():
                yield event
        elif flight.verdict is None:
            # The generation ended without a verdict: never leave the client hanging.
            yield error_event(ErrorCode.INTERNAL, request_id=self.request_id)

    async def _follow_remote(self) -> AsyncGenerator[StreamEvent | None, None]:
        client = redis_client()
        if self.remote_key is None or client is None:
            yield error_event(ErrorCode.AI_UNAVAILABLE, request_id=self.request_id)
            return
        try:
            async for event in remote_follow(
                client,
                self.remote_key,
                keepalive=self.keepalive,
                idle_timeout=settings.READINGS_FLIGHT_IDLE_TIMEOUT_SECONDS,
            ):
                yield event
        except FlightAbandoned:
            async for event in self._start_over():
                yield event
        except TimeoutError:
            yield error_event(ErrorCode.AI_TIMEOUT, request_id=self.request_id)

    async def _start_over(self) -> AsyncGenerator[StreamEvent | None, None]:
        """The leader we attached to gave up before generating (it was rate-limited): go on our own."""
        if self.reopen is None:
            yield error_event(ErrorCode.INTERNAL, request_id=self.request_id)
            return
        try:
            session = await self.reopen()
        except ServiceError as error:
            yield error_event(error.code, request_id=self.request_id, retry_after=error.retry_after)
            return
        self.joined = session.joined
        async for event in session.body():
            yield event

    def cached_result(self, reading: Reading) -> ReadingResult:
        """What collecting the cached events would give, without the event round trip (the hot path)."""
        done = _cached_done(reading)
        html = reading.html
        if html is not None and self.epilogue:
            html += render_markdown(self.epilogue)
        return ReadingResult(
            text=reading.text + self.epilogue,
            reading_id=done["reading_id"],
            cached=True,
            joined=self.joined,
            notices=(),
            generated_by=done["generated_by"],
            usage=done["usage"],
            meta=self.meta,
            rate=self.rate,
            html=html,
        )

    async def result(self) -> ReadingResult:
        """The whole reading; an `error` event becomes a raised ServiceError."""
        if self.cached is not None:
            return self.cached_result(self.cached)
        parts: list[str] = []
        notices: list[dict[str, Any]] = []
        done: dict[str, Any] | None = None
        meta = replace(self.meta)  # `events()` lets the session's chart document go once it is in `meta`
        async with contextlib.aclosing(self.events()) as events:
            async for event in events:
                if event is None:
                    continue
                if event.name == EventName.DELTA:
                    parts.append(event.data["text"])
                elif event.name == EventName.NOTICE:
                    notices.append(event.data)
                elif event.name == EventName.DONE:
                    done = event.data
                elif event.name == EventName.ERROR:
                    error = event.data["error"]
                    retry = error["details"].get("retry_after")
                    raise ServiceError(ErrorCode[error["code"]], details=error["details"], retry_after=retry)
        if done is None:
            raise ServiceError(ErrorCode.INTERNAL)
        return ReadingResult(
            text="".join(parts),
            reading_id=done["reading_id"],
            cached=meta.cached,
            joined=self.joined,
            notices=tuple(notices),
            generated_by=done["generated_by"],
            usage=done["usage"],
            meta=meta,
            rate=self.rate,
        )
