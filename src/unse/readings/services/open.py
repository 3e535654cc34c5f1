"""Opening a reading (docs/ai-pipeline.md): everything before the first streamed byte.

Flow: request (validated at the edge: `unse.readings.requests`) → chart → cache lookup → (miss) join a
running flight, or: stream cap → rate limit → lead a new flight (relay → grounding → store, in
`pipeline.py`).

The cache lookup comes before the limiter, the breaker and the providers, so a stored reading is served
even when the limiter's backend is down, the breaker is open or every provider fails (seed 000). All DB
work of a request happens in `reading_open`, before the first streamed byte, and the request's connection
is released before it returns.

Callers (API, web pages, daily fortunes, batch):
- `reading_open(request=..., caller=...) -> ReadingSession` raises `ServiceError` (VALIDATION_ERROR,
  RATE_LIMITED, AI_BUSY) before anything is streamed; `session.events()` yields `StreamEvent`s (meta,
  notice*, delta*, done|error) and `None` keep-alive ticks.
- `reading_stream(...)` = open + events, as one async iterator.
- `reading_get_or_create(...) -> ReadingResult` for callers that want the whole text (JSON API, batch).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db import DatabaseError

from saju.chart import Chart
from saju.reading.signature import day_signature
from unse.ai import metrics
from unse.ai.providers import ChatProvider, configured_providers
from unse.ai.ratelimit import RateDecision, rate_limit_check
from unse.ai.streamcap import client_refusal, open_streams, worker_refusal
from unse.core.db import db_call, release_request_connection
from unse.core.errors import ErrorCode, ServiceError
from unse.core.event_stream import StreamEvent
from unse.core.loop_local import PerLoop
from unse.core.request import Caller
from unse.readings import builtin
from unse.readings.cached import chart_document_get, chart_document_put, html_fields, html_is_current
from unse.readings.dayclass import DayClass, class_facts, class_fingerprint, class_truth, day_class
from unse.readings.facts import ground_truth, prompt_facts
from unse.readings.flight import Flight, ends_mark, flight_lead, local_flight
from unse.readings.keys import CacheKey, Kind, Mode, Topic, chart_fingerprint, period_of
from unse.readings.models import Reading
from unse.readings.pipeline import Job, generate
from unse.readings.prompt_versions import aprompt_override, prompt_override
from unse.readings.prompting import PromptTemplate, build_messages, prompt_template
from unse.readings.requests import ReadingRequest
from unse.readings.selectors import reading_find_cached, reading_get
from unse.readings.services.charts import ChartResult, birth_parse, chart_of, chart_result
from unse.readings.services.session import ReadingMeta, ReadingResult, ReadingSession
from unse.readings.signals import reading_requested
from unse.readings.yearly import yearly_ground_truth, yearly_prompt_facts

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ReadingKeys:
    """The cache keys of one request: each configured provider's (in fallback order), and the built-in
    interpreter's own; `lookup` is what is looked up, in preference order (the first is the flight's)."""

    ai: list[tuple[ChatProvider, CacheKey]]
    builtin: CacheKey
    template: PromptTemplate

    @property
    def lookup(self) -> list[str]:
        return [key.digest for _, key in self.ai] or [self.builtin.digest]


def reading_keys(
    *,
    fingerprints: tuple[str, ...],
    kind: Kind,
    topic: Topic,
    mode: Mode,
    period: str,
    template: PromptTemplate,
    providers: Sequence[ChatProvider],
    relation: str = "",
    builtin_version: tuple[str, str] | None = None,
) -> ReadingKeys:
    """`builtin_version`: the built-in interpreter's (prompt version, model) for a kind with its own rules
    (a 궁합); the one-chart interpreter's otherwise."""

    def key(prompt_version: str, model: str) -> CacheKey:
        return CacheKey.of(
            fingerprints,
            kind,
            topic,
            mode,
            prompt_version=prompt_version,
            model=model,
            period=period,
            relation=relation,
        )

    return ReadingKeys(
        ai=[(provider, key(template.version, provider.model)) for provider in providers],
        builtin=key(*(builtin_version or (builtin.prompt_version(kind), builtin.model_id(kind)))),
        template=template,
    )


def reading_lookup_keys(request: ReadingRequest) -> list[str]:
    """Sync: the keys `reading_open` would look up for `request` (the batch prepares pages with them).
    The prompt pins are read from this process's switch snapshot (refreshed by the caller's thread)."""
    if request.kind is Kind.DAILY:
        computed = chart_result(birth_parse(birth=request.birth), request.reference)
        signature = day_signature(computed.chart, computed.analysis, request.reference)
        fingerprints: tuple[str, ...] = (class_fingerprint(signature),)
    else:
        fingerprints = tuple(
            chart_fingerprint(birth_parse(birth=c.birth).to_mapping()) for c in request.charts
        )
    template = prompt_override(request.kind, request.topic, request.mode) or prompt_template(
        request.kind, request.topic, request.mode
    )
    return request_keys(
        request, fingerprints=fingerprints, template=template, relation=request.relation
    ).lookup


def request_keys(
    request: ReadingRequest,
    *,
    fingerprints: tuple[str, ...],
    template: PromptTemplate,
    relation: str,
    builtin_version: tuple[str, str] | None = None,
) -> ReadingKeys:
    """`reading_keys` of a request: its kind, topic, mode and period, the configured providers."""
    return reading_keys(
        fingerprints=fingerprints,
        kind=request.kind,
        topic=request.topic,
        mode=request.mode,
        period=period_of(request.kind, request.reference),
        template=template,
        providers=configured_providers(),
        relation=relation,
        builtin_version=builtin_version,
    )


def _rate_limited(decision: RateDecision, *, login_helps: bool) -> ServiceError:
    return ServiceError(
        ErrorCode.RATE_LIMITED,
        details={
            "limit": decision.limit,
            "remaining": decision.remaining,
            "window": decision.window,
            # For the page: how long to wait, and whether logging in raises the limit.
            "retry_after": decision.reset_after,
            "login_helps": login_helps,
        },
        retry_after=decision.reset_after,
        headers=decision.headers(),
    )


def stream_cap_error() -> ServiceError:
    """Refused before the response starts, so the client gets a real 503 + Retry-After; the slot itself is
    taken when the events start (which re-checks, for the rare race with another request)."""
    metrics.STREAMS_REJECTED.inc()
    retry_after = int(settings.AI_STREAM_RETRY_AFTER_SECONDS)
    return ServiceError(
        ErrorCode.AI_BUSY,
        details={"open_streams": open_streams(), "cap": int(settings.AI_MAX_STREAMS_PER_WORKER)},
        retry_after=retry_after,
    )


def _refuse(refusal: ServiceError | None) -> None:
    """Refused before the response starts, so the client gets a real status + Retry-After; the slot itself
    is taken when the events start (which re-checks, for the rare race with another request)."""
    if refusal is not None:
        metrics.STREAMS_REJECTED.inc()
        raise refusal


R = TypeVar("R")

_gates: PerLoop[asyncio.Semaphore] = PerLoop()
# A burst of a few hundred openings clears in about a second; a longer wait means the openings ahead are
# waiting on something slow, not on the CPU.
OPENING_WAIT_SECONDS = 2.0


@contextlib.asynccontextmanager
async def opening_gate() -> AsyncIterator[None]:
    """At most `READINGS_OPENING_CONCURRENCY` openings at a time in this worker, in arrival order (0: no
    gate). An opening is CPU (chart, analysis, prompt) between a few short waits (lookup, limiter); when
    hundreds arrive at once, letting all of them interleave delays every one's upstream call to the end of
    the burst, while taking them a few at a time sends the first ones upstream at once (issue 19: time to
    the first event of 300 simultaneous arrivals). A few at a time still overlap each other's waits."""
    limit = int(settings.READINGS_OPENING_CONCURRENCY)
    if limit <= 0:
        yield
        return
    gate = _gates.get(str(limit), lambda: asyncio.Semaphore(limit))
    acquired = True
    if not gate.locked():
        # A free turn and nobody ahead: taken without waiting, so without a timer (a cancelled asyncio
        # timer stays scheduled, with the request's context, until it would have fired).
        await gate.acquire()
    else:
        try:
            async with asyncio.timeout(OPENING_WAIT_SECONDS):
                await gate.acquire()
        except TimeoutError:
            # The openings ahead are stuck on a slow database or Redis (up to their own timeouts): queueing
            # behind them would only add their wait to this request's. Go on ungated.
            acquired = False
    try:
        yield
    finally:
        if acquired:
            gate.release()


class OpeningBase(Generic[R]):
    """One opening of a reading: its request, caller and the once-only note of the request (a follower may
    reopen mid-stream, and that must not note again). `R` is what a cache miss computes (one chart's
    `ChartResult`, or a pair's); subclasses build the keys (`open`) and the generation (`_job`)."""

    def __init__(self, request: ReadingRequest, caller: Caller) -> None:
        self.request = request
        self.caller = caller
        self.noted = caller.user_id is None

    async def note(self) -> None:
        """Announce a logged-in user's request once (accounts records it for their statistics page)."""
        if self.noted or self.caller.user_id is None:
            return
        self.noted = True
        try:
            await reading_requested(user_id=self.caller.user_id, kind=self.request.kind)
        except DatabaseError:
            # Statistics are best-effort: a reading is never refused because its activity row failed.
            logger.warning("activity_record_failed", exc_info=True)

    def reopen(self) -> Awaitable[ReadingSession]:
        return self.open(skip_lookup=False)

    async def start(self) -> ReadingSession:
        """A new request's opening, in its turn at the worker's opening gate (`opening_gate`), then noted
        once (a leader noted before starting its generation; this notes cached and joined sessions)."""
        async with opening_gate():
            session = await self.open(skip_lookup=self.request.known_missing)
        await self.note()
        return session

    async def open(self, *, skip_lookup: bool) -> ReadingSession:
        raise NotImplementedError

    def _job(self, keys: ReadingKeys, result: R) -> Job:
        raise NotImplementedError

    async def _keys(
        self,
        fingerprints: tuple[str, ...],
        *,
        relation: str,
        builtin_version: tuple[str, str] | None = None,
    ) -> ReadingKeys:
        """The request's keys under the current prompt (the operators' console may pin a version; reading
        the pin also refreshes the runtime switches)."""
        request = self.request
        template = await aprompt_override(request.kind, request.topic, request.mode) or prompt_template(
            request.kind, request.topic, request.mode
        )
        return request_keys(
            request,
            fingerprints=fingerprints,
            template=template,
            relation=relation,
            builtin_version=builtin_version,
        )

    def _session(self, chart: dict[str, Any], *, epilogue: str = "") -> ReadingSession:
        request = self.request
        meta = ReadingMeta(
            request_id=self.caller.request_id,
            kind=request.kind.value,
            topic=request.topic.value,
            mode=request.mode.value,
            period=period_of(request.kind, request.reference),
            chart=chart,
        )
        return ReadingSession(
            request_id=self.caller.request_id,
            meta=meta,
            keepalive=settings.READINGS_KEEPALIVE_SECONDS,
            epilogue=epilogue,
        )

    async def _open(
        self,
        session: ReadingSession,
        keys: ReadingKeys,
        *,
        skip_lookup: bool,
        computed: Callable[[], R],
    ) -> ReadingSession:
        try:
            return await self._lookup_or_lead(session, keys, skip_lookup=skip_lookup, computed=computed)
        finally:
            # Before the first streamed byte: an open stream holds no pooled connection.
            await release_request_connection()

    async def _lookup_or_lead(
        self,
        session: ReadingSession,
        keys: ReadingKeys,
        *,
        skip_lookup: bool,
        computed: Callable[[], R],
    ) -> ReadingSession:
        lookup = keys.lookup
        mark = -1 if skip_lookup else ends_mark()
        # One database hop less per generation when the caller already knows the reading is missing.
        cached = None if skip_lookup else await db_call(reading_find_cached, cache_keys=lookup)
        if cached is not None:
            metrics.CACHE_LOOKUPS.labels("hit").inc()
            session.meta.cached = True
            session.cached = await _with_current_html(cached)
            return session
        if not skip_lookup:
            metrics.CACHE_LOOKUPS.labels("miss").inc()
        # Only a miss needs the analysis (and the chart, unless computed above for the document);
        # computed before the stream cap and the limiter, so bad input is never charged.
        result = computed()
        # One client holds a bounded share of this worker's streams, joined or not (issue 20); joiners
        # have their own pool, so they never take the slot a new generation needs.
        session.subject = self.caller.client_subject if self.caller.charge else None
        _refuse(client_refusal(session.subject))
        flight_key = lookup[0]
        # Leadership is decided before the rate limit, so that requests arriving while the leader is
        # being checked attach to it and are never charged.
        flight = await flight_lead(flight_key, since=mark)
        if flight is None:
            _refuse(worker_refusal(joined=True))
            session.reopen = self.reopen
            if not _join(session, flight_key):
                # The flight we saw ended a moment ago (its reading is stored now, or it failed): start over.
                return await self.reopen()
            return session
        refusal = worker_refusal(joined=False)
        if refusal is not None:
            await flight.abandon()
            _refuse(refusal)
        try:
            return await self._lead(session, flight, keys=keys, result=result)
        except BaseException:
            # Never leave a registered flight without a generation: followers would wait forever.
            if not flight.started:
                await flight.abandon()
            raise

    async def _rate(self, *, free: bool) -> RateDecision | None:
        caller = self.caller
        user = caller.user
        if not caller.charge or (user is not None and caller.authenticated and user.is_staff):
            return None
        return await rate_limit_check(
            subject=caller.client_subject, anonymous=not caller.authenticated, free=free
        )

    async def _lead(
        self, session: ReadingSession, flight: Flight, *, keys: ReadingKeys, result: R
    ) -> ReadingSession:
        """The leader's part: rate limit, cache re-check, start the generation."""
        # No AI provider to call (none configured, all switched off): the built-in interpreter writes the
        # reading at no cost, so only the free path's generous window applies, never the AI limits.
        free = not keys.ai
        decision = await self._rate(free=free)
        session.rate = decision
        if decision is not None and not decision.allowed:
            # Clients that attached meanwhile start over on their own account (ReadingSession.reopen).
            await flight.abandon()
            raise _rate_limited(decision, login_helps=not free and not self.caller.authenticated)
        # Double-checked when a previous leader may have stored the reading between our lookup and our lock
        # (a generation of this key ended since: `Flight.previous_ended`).
        cached = await db_call(reading_find_cached, cache_keys=keys.lookup) if flight.previous_ended else None
        if cached is not None:
            await flight.abandon()
            session.meta.cached = True
            session.cached = await _with_current_html(cached)
            return session
        job = self._job(keys, result)
        # Before the generation starts writing: SQLite (tests, dev) allows one writer at a time.
        await self.note()
        flight.start(lambda running: generate(running, job))
        session.flight = flight
        return session


class _Opening(OpeningBase[ChartResult]):
    """One `reading_open` call of a one-chart reading."""

    async def open(self, *, skip_lookup: bool) -> ReadingSession:
        request = self.request
        reference = request.reference
        parsed = birth_parse(birth=request.birth)
        # The key needs only the normalized input; the chart document comes from this worker's cache when it
        # has it (a chart computed before under the same engine version, so it validated then), else the
        # engine computes and validates it here, before any I/O (bad input never reaches the database).
        fingerprint = chart_fingerprint(parsed.to_mapping())
        chart_document = chart_document_get(fingerprint)
        chart: Chart | None = None
        if chart_document is None:
            chart = chart_of(parsed)
            chart_document = chart_document_put(fingerprint, chart)
        known: ChartResult | None = None
        cls: DayClass | None = None
        if request.kind is Kind.DAILY:
            # A daily reading is stored per day signature (unse.readings.dayclass): the key needs the analysis.
            known = chart_result(parsed, reference, chart=chart)
            cls = day_class(known.chart, known.analysis, reference)

        def computed() -> ChartResult:
            return known if known is not None else chart_result(parsed, reference, chart=chart)

        keys = await self._keys(
            (cls.fingerprint if cls is not None else fingerprint,), relation=request.relation
        )
        session = self._session(chart_document, epilogue=f"\n{cls.personal}" if cls is not None else "")
        return await self._open(session, keys, skip_lookup=skip_lookup, computed=computed)

    def _job(self, keys: ReadingKeys, result: ChartResult) -> Job:
        request = self.request
        reference = request.reference
        if request.kind is Kind.YEARLY:
            facts = yearly_prompt_facts(result.chart, result.analysis, reference)
            truth = yearly_ground_truth(result.chart, result.analysis, reference)
        elif request.kind is Kind.DAILY:
            signature = day_signature(result.chart, result.analysis, reference)
            facts = class_facts(signature, reference)
            truth = class_truth(result.analysis)
        else:
            facts = prompt_facts(result.chart, result.analysis, request.kind, reference)
            truth = ground_truth(result.chart, result.analysis)
        return Job(
            ai_keys=keys.ai,
            builtin_key=keys.builtin,
            builtin_model=keys.builtin.model,
            messages=build_messages(keys.template, facts),
            builtin_text=lambda: builtin.reading_text(
                result.chart,
                result.analysis,
                kind=request.kind,
                topic=request.topic,
                mode=request.mode,
                reference=reference,
            ),
            truth=truth,
            facts=facts,
            max_tokens=settings.READINGS_MAX_TOKENS,
            batch=self.caller.batch,
        )


async def reading_open(*, request: ReadingRequest, caller: Caller) -> ReadingSession:
    """Everything before the first streamed byte (see module docstring). A logged-in user's request is
    noted on their statistics page once, before any byte is streamed."""
    return await _Opening(request, caller).start()


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
    session.meta.joined = True
    metrics.SINGLE_FLIGHT_JOINS.inc()
    return True


async def reading_stream(
    *, request: ReadingRequest, caller: Caller
) -> AsyncGenerator[StreamEvent | None, None]:
    """`reading_open` then its events; raises ServiceError before the first event."""
    session = await reading_open(request=request, caller=caller)
    events = session.events()
    try:
        async for event in events:
            yield event
    finally:
        with contextlib.suppress(Exception):
            await events.aclose()


async def reading_get_or_create(*, request: ReadingRequest, caller: Caller) -> ReadingResult:
    """The whole reading (cached or generated); an `error` event becomes a raised ServiceError."""
    session = await reading_open(request=request, caller=caller)
    return await session.result()
