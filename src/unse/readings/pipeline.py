"""The generation behind one single flight: providers in order, coalescing, grounding, storage.

Runs in the flight's own task (never in a request's task): provider (its breaker gate inside; next
provider on a failure before anything reached the user) → sanitize + coalesce into ~100 ms `delta` events → grounding check →
store → `done`. When every provider fails (or the daily token budget is spent) the built-in reading is
streamed after a `notice`, stored only under the built-in interpreter's own key. Cancellation (the last
client left) closes the upstream response in `finally` and stores nothing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError

from unse.ai import metrics
from unse.ai.budget import token_budget_remaining, token_budget_spend
from unse.ai.providers import ChatProvider, Message, ProviderError
from unse.core.errors import ErrorCode
from unse.readings.cached import html_fields
from unse.readings.db import db_call
from unse.readings.events import EventName, ReadingEvent
from unse.readings.flight import Flight
from unse.readings.grounding import GroundTruth, grounding_findings
from unse.readings.keys import CacheKey
from unse.readings.models import GeneratedBy, Reading
from unse.readings.sanitize import StreamSanitizer

logger = logging.getLogger(__name__)

BUILTIN_PIECE_CHARS = 240
GROUNDING_NOTICE_CODE = "GROUNDING_MISMATCH"

NOTICE_MESSAGES: dict[str, str] = {
    ErrorCode.AI_UNAVAILABLE.name: "AI 풀이 서비스에 연결할 수 없어 기본 풀이를 보여 드려요. 잠시 후 다시 요청하시면 AI 풀이를 받을 수 있어요.",
    ErrorCode.AI_TIMEOUT.name: "AI 응답이 너무 늦어 기본 풀이를 보여 드려요. 잠시 후 다시 요청하시면 AI 풀이를 받을 수 있어요.",
    ErrorCode.AI_BAD_RESPONSE.name: "AI가 올바르지 않은 답변을 보내 기본 풀이를 보여 드려요. 잠시 후 다시 요청해 주세요.",
    ErrorCode.AI_BUSY.name: "AI 풀이 요청이 몰려 있어 기본 풀이를 보여 드려요. 잠시 후 다시 요청해 주세요.",
    ErrorCode.AI_QUOTA.name: "오늘 AI 풀이 제공량이 모두 소진되어 기본 풀이를 보여 드려요. 내일 다시 AI 풀이를 받으실 수 있어요.",
    GROUNDING_NOTICE_CODE: "AI 풀이에 실제 명식과 다른 내용이 있어 저장하지 않았어요. 위 명식표를 기준으로 읽어 주시고, 다시 요청하면 새 풀이를 받을 수 있어요.",
}


def notice_event(code: str, *, details: dict[str, Any] | None = None) -> ReadingEvent:
    return ReadingEvent.make(
        EventName.NOTICE, {"code": code, "message": NOTICE_MESSAGES[code], "details": details or {}}
    )


def error_event(code: ErrorCode, *, retry_after: float | None = None) -> ReadingEvent:
    # request_id is filled in per client (each attached client has its own request).
    details: dict[str, Any] = {} if retry_after is None else {"retry_after": int(retry_after + 0.999)}
    return ReadingEvent.make(
        EventName.ERROR,
        {"error": {"code": code.name, "message": code.message, "request_id": "", "details": details}},
    )


def generated_by(kind: GeneratedBy, *, provider: str, model: str) -> dict[str, Any]:
    label = "AI가 생성한 풀이입니다." if kind is GeneratedBy.AI else "규칙 기반으로 자동 생성한 기본 풀이입니다."
    return {"type": kind.value, "provider": provider, "model": model, "label": label}


@dataclass(slots=True)
class Job:
    """Everything a generation needs; built by the service before the flight starts."""

    ai_keys: Sequence[tuple[ChatProvider, CacheKey]]  # configured providers in fallback order
    builtin_key: CacheKey
    builtin_model: str
    messages: list[Message]
    builtin_text: Callable[[], str]
    truth: GroundTruth
    facts: dict[str, Any]
    max_tokens: int
    notices: list[ReadingEvent] = field(default_factory=list)


class Coalescer:
    """Sanitized text published as one `delta` per interval instead of one per upstream token."""

    __slots__ = ("_flight", "_sanitizer", "_pending", "_last_flush", "_interval", "emitted", "received")

    def __init__(self, flight: Flight, interval_ms: int) -> None:
        self._flight = flight
        self._sanitizer = StreamSanitizer()
        self._pending: list[str] = []
        self._last_flush = 0.0
        self._interval = interval_ms / 1000
        self.emitted: list[str] = []
        self.received = 0

    async def add(self, piece: str) -> None:
        self.received += len(piece)
        released = self._sanitizer.feed(piece)
        if released:
            self._pending.append(released)
        if self._pending and time.monotonic() - self._last_flush >= self._interval:
            await self._flush()

    async def finish(self) -> None:
        tail = self._sanitizer.finish()
        if tail:
            self._pending.append(tail)
        if self._pending:
            await self._flush()

    async def _flush(self) -> None:
        text = "".join(self._pending)
        self._pending.clear()
        self._last_flush = time.monotonic()
        self.emitted.append(text)
        await self._flight.publish(ReadingEvent.make(EventName.DELTA, {"text": text}))

    @property
    def text(self) -> str:
        return "".join(self.emitted)

    @property
    def started(self) -> bool:
        return bool(self.emitted)


class _Failed(Exception):
    """A provider failed before anything reached the user: the next provider may try."""

    def __init__(self, error: ProviderError) -> None:
        super().__init__(error.code.name)
        self.error = error


async def _relay(flight: Flight, job: Job, provider: ChatProvider, key: CacheKey) -> bool:
    """Stream one provider's answer to the flight. True when a done/error event ended the flight."""
    coalescer = Coalescer(flight, settings.READINGS_COALESCE_MS)
    stream = provider.stream(job.messages, max_tokens=job.max_tokens)
    try:
        async for piece in stream:
            if piece:
                await coalescer.add(piece)
        await coalescer.finish()
        if not coalescer.text.strip():
            raise ProviderError(ErrorCode.AI_BAD_RESPONSE, provider=provider.name, before_first_token=True)
    except ProviderError as error:
        # The provider already fed its breaker and the error metrics (unse.ai.providers).
        if not coalescer.started:
            raise _Failed(error) from error
        # Text already reached the user: no silent switch to another answer; nothing is stored.
        logger.warning("provider %s failed mid-stream (%s); partial answer not stored", provider.name, error.code.name)
        await flight.publish(error_event(error.code, retry_after=error.retry_after))
        return True
    finally:
        await stream.aclose()
    usage = stream.usage
    prompt_tokens = usage.prompt_tokens if usage is not None else 0
    completion_tokens = usage.completion_tokens if usage is not None else 0
    await token_budget_spend(prompt_tokens + completion_tokens)
    text = coalescer.text
    findings = grounding_findings(text, job.truth)
    usage_data = {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens}
    by = generated_by(GeneratedBy.AI, provider=provider.name, model=provider.model)
    if findings:
        logger.warning(
            "grounding check failed for %s/%s: %s", provider.name, provider.model, [f.as_dict() for f in findings]
        )
        metrics.GROUNDING_FAILURES.labels(provider.name).inc()
        await flight.publish(notice_event(GROUNDING_NOTICE_CODE, details={"findings": [f.as_dict() for f in findings]}))
        await flight.publish(_done(None, usage_data, by, stored=False))
        return True
    reading_id = await _store(
        key,
        text=text,
        facts=job.facts,
        provider=provider.name,
        model=provider.model,
        generated=GeneratedBy.AI,
        prompt_tokens=prompt_tokens,
        completion_tokens=completion_tokens,
    )
    await flight.publish(_done(reading_id, usage_data, by, stored=reading_id is not None))
    return True


def _done(reading_id: str | None, usage: dict[str, int], by: dict[str, Any], *, stored: bool) -> ReadingEvent:
    return ReadingEvent.make(
        EventName.DONE, {"reading_id": reading_id, "usage": usage, "generated_by": by, "stored": stored}
    )


async def _store(key: CacheKey, **fields: Any) -> str | None:
    try:
        return await db_call(_store_sync, key, **fields)
    except Exception:
        # The user already has the text; a failed write only costs a later cache miss.
        logger.exception("storing the reading failed")
        return None


def _store_sync(
    key: CacheKey,
    *,
    text: str,
    facts: dict[str, Any],
    provider: str,
    model: str,
    generated: GeneratedBy,
    prompt_tokens: int,
    completion_tokens: int,
) -> str:
    digest = key.digest
    try:
        reading = Reading.objects.create(
            cache_key=digest,
            fingerprint=key.fingerprint,
            kind=key.kind.value,
            topic=key.topic.value,
            mode=key.mode.value,
            prompt_version=key.prompt_version,
            model=key.model,
            provider=provider,
            period=key.period,
            generated_by=generated,
            text=text,
            # Rendered once here (off the event loop), so that every cache hit serves it as stored.
            **html_fields(text),
            facts=facts,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
        )
    except IntegrityError:
        # Another worker stored the same key first (its flight lock expired): first writer wins.
        return str(Reading.objects.values_list("public_id", flat=True).get(cache_key=digest))
    return reading.public_id


async def emit_builtin(flight: Flight, job: Job) -> None:
    """The built-in rule-based reading through the same delta path, stored under its own key."""
    text = job.builtin_text()
    for start in range(0, len(text), BUILTIN_PIECE_CHARS):
        await flight.publish(ReadingEvent.make(EventName.DELTA, {"text": text[start : start + BUILTIN_PIECE_CHARS]}))
    reading_id = await _store(
        job.builtin_key,
        text=text,
        facts=job.facts,
        provider="builtin",
        model=job.builtin_model,
        generated=GeneratedBy.RULES,
        prompt_tokens=0,
        completion_tokens=0,
    )
    by = generated_by(GeneratedBy.RULES, provider="builtin", model=job.builtin_model)
    await flight.publish(
        _done(reading_id, {"prompt_tokens": 0, "completion_tokens": 0}, by, stored=reading_id is not None)
    )


async def _fallback(flight: Flight, job: Job, code: ErrorCode, *, retry_after: float | None = None) -> None:
    from unse.ops.selectors import switch_get  # operators' console switch (env default)

    if not switch_get("readings.fallback_builtin"):
        await flight.publish(error_event(code, retry_after=retry_after))
        return
    metrics.FALLBACKS.labels(code.name).inc()
    await flight.publish(notice_event(code.name))
    await emit_builtin(flight, job)


async def generate(flight: Flight, job: Job) -> None:
    """The producer of a flight (see module docstring)."""
    for notice in job.notices:
        await flight.publish(notice)
    if not job.ai_keys:
        await emit_builtin(flight, job)
        return
    if await token_budget_remaining() <= 0:
        metrics.BUDGET_EXHAUSTED.inc()
        await _fallback(flight, job, ErrorCode.AI_QUOTA)
        return
    last: ProviderError | None = None
    for provider, key in job.ai_keys:
        # An open breaker makes the provider fail at once with AI_UNAVAILABLE: on to the next one.
        try:
            if await _relay(flight, job, provider, key):
                return
        except _Failed as failed:
            last = failed.error
            logger.warning("provider %s failed before the first token: %s", provider.name, last.code.name)
    code = last.code if last is not None else ErrorCode.AI_UNAVAILABLE
    await _fallback(flight, job, code, retry_after=last.retry_after if last is not None else None)
