"""The reading pipeline's public service API (docs/ai-pipeline.md).

Flow: validation → chart → cache lookup → (miss) join a running flight, or: stream cap → rate limit →
lead a new flight (breaker → provider → grounding → sanitize → store, in `pipeline.py`).

The cache lookup comes before the limiter, the breaker and the providers, so a stored reading is served
even when the limiter's backend is down, the breaker is open or every provider fails (seed 000). All DB
work of a request happens in `reading_open`, before the first streamed byte, and the request's connection
is released before it returns.

Callers (API, web pages, daily fortunes, batch):
- `reading_open(...) -> ReadingSession` raises `ServiceError` (VALIDATION_ERROR, RATE_LIMITED, AI_BUSY) before
  anything is streamed; `session.events()` yields `ReadingEvent`s (meta, notice*, delta*, done|error) and
  `None` keep-alive ticks.
- `reading_stream(...)` = open + events, as one async iterator.
- `reading_get_or_create(...) -> ReadingResult` for callers that want the whole text (JSON API, batch).
- `chart_compute(birth=...) -> ChartResult` for the chart endpoint (no AI).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol, TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DatabaseError

from saju.analysis import Analysis, analyze
from saju.birth import BirthInput
from saju.chart import Chart, chart_from_birth, chart_to_json
from saju.errors import SajuError
from unse.accounts.models import ActivityKind
from unse.accounts.services import activity_record
from unse.ai import metrics
from unse.ai.providers import configured_providers
from unse.ai.ratelimit import RateDecision, rate_limit_check
from unse.ai.streamcap import open_streams, stream_slot
from unse.core.errors import ErrorCode, ServiceError
from unse.ops.prompts import aprompt_override
from unse.readings import builtin
from unse.readings.cached import chart_document_get, chart_document_put, html_fields, html_is_current
from unse.readings.db import db_call, release_request_connection
from unse.readings.events import SSE_KEEPALIVE, EventName, ReadingEvent
from unse.readings.facts import ground_truth, prompt_facts
from unse.readings.flight import (
    Flight,
    FlightAbandoned,
    flight_lead,
    local_flight,
    redis_client,
    remote_follow,
)
from unse.readings.keys import CacheKey, Kind, Mode, Topic, chart_fingerprint, period_of
from unse.readings.models import GeneratedBy, Reading
from unse.readings.pipeline import Job, generate, generated_by
from unse.readings.prompting import build_messages, prompt_template
from unse.readings.selectors import reading_find_cached, reading_get

logger = logging.getLogger(__name__)

KST = ZoneInfo("Asia/Seoul")
T = TypeVar("T")
_ = SSE_KEEPALIVE  # re-exported for the API layer


class UserLike(Protocol):
    @property
    def is_authenticated(self) -> bool: ...

    @property
    def is_staff(self) -> bool: ...

    @property
    def pk(self) -> Any: ...


def kst_today() -> date:
    return datetime.now(KST).date()


# --- charts ---------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ChartResult:
    birth: BirthInput
    chart: Chart
    analysis: Analysis

    def as_json(self) -> dict[str, Any]:
        from saju.analysis import analysis_to_json

        return {"chart": chart_to_json(self.chart), "analysis": analysis_to_json(self.analysis)}


def birth_parse(*, birth: Mapping[str, object]) -> BirthInput:
    return _engine_call(lambda: BirthInput.from_mapping(birth))


def chart_compute(*, birth: Mapping[str, object], reference_date: date | None = None) -> ChartResult:
    """Validate the birth input and compute chart and analysis (pure CPU, no I/O, no AI)."""
    return _computed(birth_parse(birth=birth), reference_date or kst_today())


def _engine_call(fn: Callable[[], T]) -> T:
    """`fn()`, the engine's validation errors as VALIDATION_ERROR."""
    try:
        return fn()
    except SajuError as error:
        raise ServiceError(
            ErrorCode.VALIDATION_ERROR, message=error.message, details={"engine_code": error.code, "field": "birth"}
        ) from error


def _computed(parsed: BirthInput, reference: date, *, chart: Chart | None = None) -> ChartResult:
    if chart is None:
        chart = _engine_call(lambda: chart_from_birth(parsed))
    analysis = _engine_call(lambda: analyze(chart, reference=reference))
    return ChartResult(birth=parsed, chart=chart, analysis=analysis)


# --- readings -------------------------------------------------------------------------------------
@dataclass(slots=True)
class ReadingSession:
    """One client's view of a reading: cached, following a local flight, or following a remote one."""

    request_id: str
    meta: dict[str, Any]
    cached: Reading | None = None
    flight: Flight | None = None
    remote_key: str | None = None
    rate: RateDecision | None = None
    joined: bool = False
    reopen: Callable[[], Awaitable[ReadingSession]] | None = None
    _keepalive: float = field(default=15.0)

    async def events(self) -> AsyncIterator[ReadingEvent | None]:
        yield ReadingEvent.make(EventName.META, self.meta)
        if self.cached is not None:
            async for event in _cached_events(self.cached):
                yield event
            return
        async with contextlib.aclosing(slotted_events(self._relayed(), request_id=self.request_id)) as events:
            async for event in events:
                yield event

    async def _relayed(self) -> AsyncIterator[ReadingEvent | None]:
        async for event in self._body():
            if event is not None and event.name == EventName.ERROR:
                yield _with_request_id(event, self.request_id)
            else:
                yield event

    async def _body(self) -> AsyncIterator[ReadingEvent | None]:
        """Everything after `meta` (no stream slot of its own: `events()` holds one)."""
        if self.cached is not None:
            async for event in _cached_events(self.cached):
                yield event
            return
        if self.flight is not None:
            received = False
            async for event in self.flight.follow(keepalive=self._keepalive):
                received = received or event is not None
                yield event
            if not received and self.reopen is not None:
                async for event in self._start_over():
                    yield event
            elif not self.flight.log or not self.flight.log[-1].terminal:
                # The generation ended without a verdict (it crashed): never leave the client hanging.
                yield _client_error(ErrorCode.INTERNAL, self.request_id)
            return
        client = redis_client()
        if self.remote_key is None or client is None:
            yield _client_error(ErrorCode.AI_UNAVAILABLE, self.request_id)
            return
        try:
            async for event in remote_follow(
                client,
                self.remote_key,
                keepalive=self._keepalive,
                idle_timeout=settings.READINGS_FLIGHT_IDLE_TIMEOUT_SECONDS,
            ):
                yield event
        except FlightAbandoned:
            async for event in self._start_over():
                yield event
        except TimeoutError:
            yield _client_error(ErrorCode.AI_TIMEOUT, self.request_id)

    async def _start_over(self) -> AsyncIterator[ReadingEvent | None]:
        """The leader we attached to gave up before generating (it was rate-limited): go on our own."""
        if self.reopen is None:
            yield _client_error(ErrorCode.INTERNAL, self.request_id)
            return
        try:
            session = await self.reopen()
        except ServiceError as error:
            yield _client_error(error.code, self.request_id, retry_after=error.retry_after)
            return
        self.joined = session.joined
        async for event in session._body():
            yield event


def _client_error(code: ErrorCode, request_id: str, *, retry_after: int | None = None) -> ReadingEvent:
    details = {} if retry_after is None else {"retry_after": retry_after}
    return ReadingEvent.make(
        EventName.ERROR,
        {"error": {"code": code.name, "message": code.message, "request_id": request_id, "details": details}},
    )


async def slotted_events(
    events: AsyncIterator[ReadingEvent | None], *, request_id: str
) -> AsyncGenerator[ReadingEvent | None, None]:
    """`events` relayed inside one of the worker's stream slots; when none is free, one AI_BUSY error event."""
    slot = stream_slot()
    try:
        await slot.__aenter__()
    except ServiceError as busy:
        yield _client_error(ErrorCode.AI_BUSY, request_id, retry_after=busy.retry_after)
        return
    try:
        async for event in events:
            yield event
    finally:
        await slot.__aexit__(None, None, None)


def _with_request_id(event: ReadingEvent, request_id: str) -> ReadingEvent:
    error = dict(event.data["error"])
    error["request_id"] = request_id
    return ReadingEvent.make(EventName.ERROR, {"error": error})


async def _cached_events(reading: Reading) -> AsyncIterator[ReadingEvent]:
    yield ReadingEvent.make(EventName.DELTA, {"text": reading.text})
    yield ReadingEvent.make(EventName.DONE, _cached_done(reading))


def _cached_done(reading: Reading) -> dict[str, Any]:
    by = generated_by(GeneratedBy(reading.generated_by), provider=reading.provider, model=reading.model)
    return {
        "reading_id": reading.public_id,
        "usage": {"prompt_tokens": 0, "completion_tokens": 0},
        "generated_by": by,
        "stored": True,
    }


def _cached_result(session: ReadingSession, reading: Reading) -> ReadingResult:
    """What collecting `_cached_events` would give, without the event round trip (the hot path)."""
    done = _cached_done(reading)
    return ReadingResult(
        text=reading.text,
        reading_id=done["reading_id"],
        cached=True,
        joined=session.joined,
        notices=(),
        generated_by=done["generated_by"],
        usage=done["usage"],
        meta=session.meta,
        rate=session.rate,
        html=reading.html,
    )


def _rate_limited(decision: RateDecision) -> ServiceError:
    return ServiceError(
        ErrorCode.RATE_LIMITED,
        details={"limit": decision.limit, "remaining": decision.remaining, "window": decision.window},
        retry_after=decision.reset_after,
        headers=rate_headers(decision),
    )


def rate_headers(decision: RateDecision) -> dict[str, str]:
    """X-RateLimit-Limit/Remaining/Reset (and Retry-After when refused)."""
    return decision.headers()


async def reading_open(
    *,
    birth: Mapping[str, object],
    kind: str = Kind.SAJU.value,
    topic: str | None = None,
    mode: str = Mode.PLAIN.value,
    user: UserLike | None,
    client_subject: str,
    request_id: str,
    reference_date: date | None = None,
    charge: bool = True,
    known_missing: bool = False,
) -> ReadingSession:
    """Everything before the first streamed byte (see module docstring). `charge=False` skips the rate
    limiter (the nightly batch has its own pacing); the stream cap and the token budget still apply.
    `known_missing=True`: the caller has just looked the reading up by its key and found none (the
    batch, page-wise), so the first cache lookup is skipped; the leader still re-checks after taking the
    flight, and a reopen looks up again.
    A logged-in user's request is noted on their statistics page once, before any byte is streamed."""
    noted = user is None or not user.is_authenticated

    async def note() -> None:
        # Once per request: a follower may reopen mid-stream, and that must not write again.
        nonlocal noted
        if noted or user is None:
            return
        noted = True
        activity = ActivityKind.DAILY_VIEWED if kind == Kind.DAILY.value else ActivityKind.READING_CREATED
        try:
            await db_call(activity_record, user_id=int(user.pk), kind=activity)
        except DatabaseError:
            # Statistics are best-effort: a reading is never refused because its activity row failed.
            logger.warning("activity_record_failed", exc_info=True)

    def reopen(*, skip_lookup: bool = False) -> Awaitable[ReadingSession]:
        return _session_open(
            birth=birth,
            kind=kind,
            topic=topic,
            mode=mode,
            user=user,
            client_subject=client_subject,
            request_id=request_id,
            reference_date=reference_date,
            charge=charge,
            reopen=reopen,
            note=note,
            skip_lookup=skip_lookup,
        )

    session = await reopen(skip_lookup=known_missing)
    await note()  # cached and joined sessions; a leader noted before starting its generation
    return session


async def _session_open(
    *,
    birth: Mapping[str, object],
    kind: str,
    topic: str | None,
    mode: str,
    user: UserLike | None,
    client_subject: str,
    request_id: str,
    reference_date: date | None,
    charge: bool,
    reopen: Callable[[], Awaitable[ReadingSession]],
    note: Callable[[], Awaitable[None]],
    skip_lookup: bool = False,
) -> ReadingSession:
    kind_enum, topic_enum, mode_enum = _parse_choices(kind, topic, mode)
    reference = reference_date or kst_today()
    parsed = birth_parse(birth=birth)
    # The key needs only the normalized input; the chart document comes from this worker's cache when it
    # has it (a chart computed before under the same engine version, so it validated then), else the
    # engine computes and validates it here, before any I/O (bad input never reaches the database).
    fingerprint = chart_fingerprint(parsed.to_mapping())
    chart_document = chart_document_get(fingerprint)
    chart: Chart | None = None
    if chart_document is None:
        chart = _engine_call(lambda: chart_from_birth(parsed))
        chart_document = chart_document_put(fingerprint, chart)
    period = period_of(kind_enum, reference)
    # The operators' console may pin a prompt version; this also refreshes the runtime switches.
    template = await aprompt_override(kind_enum, topic_enum, mode_enum) or prompt_template(
        kind_enum, topic_enum, mode_enum
    )
    providers = configured_providers()
    builtin_model = builtin.model_id()
    builtin_key = CacheKey(
        fingerprint, kind_enum, topic_enum, mode_enum, builtin.prompt_version(), builtin_model, period
    )
    ai_keys = [
        (provider, CacheKey(fingerprint, kind_enum, topic_enum, mode_enum, template.version, provider.model, period))
        for provider in providers
    ]
    lookup = [key.digest for _, key in ai_keys] or [builtin_key.digest]
    meta: dict[str, Any] = {
        "request_id": request_id,
        "cached": False,
        "joined": False,
        "kind": kind_enum.value,
        "topic": topic_enum.value,
        "mode": mode_enum.value,
        "period": period,
        "chart": chart_document,
    }
    session = ReadingSession(request_id=request_id, meta=meta, _keepalive=settings.READINGS_KEEPALIVE_SECONDS)

    def job_for() -> Job:
        facts = prompt_facts(computed.chart, computed.analysis, kind_enum, reference)
        return Job(
            ai_keys=ai_keys,
            builtin_key=builtin_key,
            builtin_model=builtin_model,
            messages=build_messages(template, facts),
            builtin_text=lambda: builtin.reading_text(
                computed.chart, computed.analysis, kind=kind_enum, topic=topic_enum, mode=mode_enum, reference=reference
            ),
            truth=ground_truth(computed.chart, computed.analysis),
            facts=facts,
            max_tokens=settings.READINGS_MAX_TOKENS,
        )

    async def rate_for() -> RateDecision | None:
        authenticated = user is not None and user.is_authenticated
        if not charge or (authenticated and user is not None and user.is_staff):
            return None
        return await rate_limit_check(subject=client_subject, anonymous=not authenticated)

    try:
        # One database hop less per generation when the caller already knows the reading is missing.
        cached = None if skip_lookup else await db_call(reading_find_cached, cache_keys=lookup)
        if cached is not None:
            metrics.CACHE_LOOKUPS.labels("hit").inc()
            meta["cached"] = True
            session.cached = await _with_current_html(cached)
            return session
        if not skip_lookup:
            metrics.CACHE_LOOKUPS.labels("miss").inc()
        # Only a miss needs the analysis (and the chart, unless computed above for the document);
        # computed before the stream cap and the limiter, so bad input is never charged.
        computed = _computed(parsed, reference, chart=chart)
        if open_streams() >= int(settings.AI_MAX_STREAMS_PER_WORKER):
            # Refused before the response starts, so the client gets a real 503 + Retry-After; the slot
            # itself is taken in `events()` (which re-checks, for the rare race with another request).
            metrics.STREAMS_REJECTED.inc()
            retry_after = int(settings.AI_STREAM_RETRY_AFTER_SECONDS)
            raise ServiceError(
                ErrorCode.AI_BUSY,
                details={"open_streams": open_streams(), "cap": int(settings.AI_MAX_STREAMS_PER_WORKER)},
                retry_after=retry_after,
            )
        flight_key = lookup[0]
        # Leadership is decided before the rate limit, so that requests arriving while the leader is
        # being checked attach to it and are never charged.
        flight = await flight_lead(flight_key)
        if flight is None:
            session.reopen = reopen
            if not _join(session, flight_key):
                # The flight we saw ended a moment ago (its reading is stored now, or it failed): start over.
                return await reopen()
            return session
        try:
            return await _lead(session, flight, lookup=lookup, job_for=job_for, rate=rate_for, note=note)
        except BaseException:
            # Never leave a registered flight without a generation: followers would wait forever.
            if not flight.started:
                await flight.abandon()
            raise
    finally:
        await release_request_connection()


async def _lead(
    session: ReadingSession,
    flight: Flight,
    *,
    lookup: list[str],
    job_for: Callable[[], Job],
    rate: Callable[[], Awaitable[RateDecision | None]],
    note: Callable[[], Awaitable[None]],
) -> ReadingSession:
    """The leader's part of `reading_open`: rate limit, cache re-check, start the generation."""
    decision = await rate()
    session.rate = decision
    if decision is not None and not decision.allowed:
        # Clients that attached meanwhile start over on their own account (ReadingSession.reopen).
        await flight.abandon()
        raise _rate_limited(decision)
    # Double-checked: the previous leader may have stored the reading between our lookup and our lock.
    cached = await db_call(reading_find_cached, cache_keys=lookup)
    if cached is not None:
        await flight.abandon()
        session.meta["cached"] = True
        session.cached = await _with_current_html(cached)
        return session
    job = job_for()
    # Before the generation starts writing: SQLite (tests, dev) allows one writer at a time.
    await note()
    flight.start(lambda running: generate(running, job))
    session.flight = flight
    return session


async def _with_current_html(reading: Reading) -> Reading:
    """The reading with its stored HTML rendered by the running code (rendered and written back once when
    it was stored before the column existed or by another sanitizer version; see unse.readings.cached)."""
    if not html_is_current(reading):
        for name, value in html_fields(reading.text).items():
            setattr(reading, name, value)
        try:
            await db_call(reading_html_store, reading=reading)
        except DatabaseError:
            # The answer is right either way; the next hit renders again.
            logger.warning("reading_html_store_failed", exc_info=True)
    return reading


async def reading_stored_get(*, public_id: str) -> Reading:
    """A stored reading by its public id (NOT_FOUND otherwise), with its current HTML."""
    return await _with_current_html(await db_call(reading_get, public_id=public_id))


def reading_html_store(*, reading: Reading) -> None:
    Reading.objects.filter(pk=reading.pk).update(html=reading.html, html_version=reading.html_version)


def _join(session: ReadingSession, flight_key: str) -> bool:
    flight = local_flight(flight_key)
    if flight is not None:
        session.flight = flight
    elif settings.REDIS_URL:
        session.remote_key = flight_key
    else:
        return False
    session.joined = True
    session.meta["joined"] = True
    metrics.SINGLE_FLIGHT_JOINS.inc()
    return True


def _parse_choices(kind: str, topic: str | None, mode: str) -> tuple[Kind, Topic, Mode]:
    try:
        kind_enum = Kind(kind)
        topic_enum = Topic(topic or Topic.GENERAL.value)
        mode_enum = Mode(mode)
    except ValueError as error:
        raise ServiceError(
            ErrorCode.VALIDATION_ERROR,
            message="풀이 종류(kind), 주제(topic), 말투(mode) 중 지원하지 않는 값이 있습니다.",
            details={
                "kind": [k.value for k in Kind],
                "topic": [t.value for t in Topic],
                "mode": [m.value for m in Mode],
            },
        ) from error
    if kind_enum is Kind.DAILY and topic_enum is not Topic.GENERAL:
        raise ServiceError(
            ErrorCode.VALIDATION_ERROR, message="오늘의 운세(daily)는 주제를 고를 수 없습니다.", details={"field": "topic"}
        )
    return kind_enum, topic_enum, mode_enum


async def reading_stream(**kwargs: Any) -> AsyncIterator[ReadingEvent | None]:
    """`reading_open(**kwargs)` then its events; raises ServiceError before the first event."""
    session = await reading_open(**kwargs)
    events = session.events()
    try:
        async for event in events:
            yield event
    finally:
        with contextlib.suppress(Exception):
            await events.aclose()


@dataclass(frozen=True, slots=True)
class ReadingResult:
    text: str
    reading_id: str | None
    cached: bool
    joined: bool
    notices: tuple[dict[str, Any], ...]
    generated_by: dict[str, Any]
    usage: dict[str, int]
    meta: dict[str, Any]
    rate: RateDecision | None
    # `render_markdown(text)` when known without rendering (a stored reading's HTML), else None.
    html: str | None = None


async def reading_get_or_create(**kwargs: Any) -> ReadingResult:
    """The whole reading (cached or generated); an `error` event becomes a raised ServiceError."""
    session = await reading_open(**kwargs)
    if session.cached is not None:
        return _cached_result(session, session.cached)
    parts: list[str] = []
    notices: list[dict[str, Any]] = []
    done: dict[str, Any] | None = None
    events = session.events()
    try:
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
                code = ErrorCode[error["code"]]
                retry = error["details"].get("retry_after")
                raise ServiceError(code, details=error["details"], retry_after=retry)
    finally:
        await events.aclose()
    if done is None:
        raise ServiceError(ErrorCode.INTERNAL)
    return ReadingResult(
        text="".join(parts),
        reading_id=done["reading_id"],
        cached=bool(session.meta["cached"]),
        joined=session.joined,
        notices=tuple(notices),
        generated_by=done["generated_by"],
        usage=done["usage"],
        meta=session.meta,
        rate=session.rate,
    )
