"""The generation behind one single flight: the provider relay, grounding verdict, storage.

Runs in the flight's own task (never in a request's task): the relay (`relay.py`: budget, providers in
order, sanitize + coalesce into ~100 ms `delta` events, grounding) → store → `done`. When every provider
fails (or the daily token budget is spent) the built-in reading is streamed after a `notice`, stored only
under the built-in interpreter's own key. Cancellation (the last client left) closes the upstream
response in the relay's `finally` and stores nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError

from unse.ai import metrics
from unse.ai.providers import ChatProvider, Message
from unse.core.db import db_call
from unse.core.errors import ErrorCode
from unse.core.event_stream import EventName, StreamEvent, error_event
from unse.core.switch_store import switch_get
from unse.readings.cached import html_fields
from unse.readings.facts import FACTS_PACKER
from unse.readings.flight import Flight
from unse.readings.grounding import GroundTruth, PairTruth
from unse.readings.keys import CacheKey
from unse.readings.labels import GROUNDING_NOTICE_CODE, generated_by, notice_event
from unse.readings.models import GeneratedBy, Reading
from unse.readings.relay import ProviderRelay, RelayAnswer, delta_event

logger = logging.getLogger(__name__)

BUILTIN_PIECE_CHARS = 240
NO_USAGE = {"prompt_tokens": 0, "completion_tokens": 0}


@dataclass(slots=True)
class Job:
    """Everything a generation needs; built by the service before the flight starts."""

    ai_keys: Sequence[tuple[ChatProvider, CacheKey]]  # configured providers in fallback order
    builtin_key: CacheKey
    builtin_model: str
    messages: list[Message]
    builtin_text: Callable[[], str]
    truth: GroundTruth | PairTruth
    facts: dict[str, Any]
    max_tokens: int
    batch: bool = False  # asked by the nightly batch (spends its reserved share of the token budget)
    # Set by `text_started`; `facts` packed from then on (unse.core.packing): ≈ 0.5 KB instead of ≈ 7 KB of
    # small objects (≈ 2.2 KB as JSON).
    text_flowing: bool = field(default=False, init=False)
    _facts_packed: bytes = field(default=b"", init=False)

    def text_started(self) -> None:
        """AI text reached the user: neither the built-in fallback nor another provider can follow
        (ProviderRelay), so the prompt and the chart analysis behind the built-in text are let go and the
        facts to store are kept packed (unse.core.packing); the stream may stay open for minutes (issue 19:
        memory per open stream)."""
        self.text_flowing = True
        self.messages = []
        self.builtin_text = _no_builtin_after_ai_text
        try:
            self._facts_packed = FACTS_PACKER.pack(self.facts)
        except TypeError:
            # Facts orjson cannot write stay as they are: the user's stream must not fail on a memory saving
            # (the store reports its own failure, after the text).
            return
        except Exception:  # the packer's dictionary (its probe chart) failed: a bug, never the user's
            logger.exception("packing the facts of a reading failed; they are kept unpacked")
            return
        self.facts = {}

    def stored_facts(self) -> dict[str, Any]:
        """The facts column of the reading this job stores."""
        if self._facts_packed:
            facts: dict[str, Any] = FACTS_PACKER.unpack(self._facts_packed)
            return facts
        return self.facts


def _no_builtin_after_ai_text() -> str:
    raise RuntimeError("the built-in text is never written after AI text reached the user")


def _done(reading_id: str | None, usage: dict[str, int], by: dict[str, Any], *, stored: bool) -> StreamEvent:
    return StreamEvent.make(
        EventName.DONE, {"reading_id": reading_id, "usage": usage, "generated_by": by, "stored": stored}
    )


@dataclass(frozen=True, slots=True)
class _Row:
    """The columns of a stored reading besides its key."""

    text: str
    facts: dict[str, Any]
    provider: str
    model: str
    generated: GeneratedBy
    prompt_tokens: int = 0
    completion_tokens: int = 0


async def _store(key: CacheKey, row: _Row) -> str | None:
    try:
        return await db_call(_store_sync, key, row)
    except Exception:
        # The user already has the text; a failed write only costs a later cache miss.
        logger.exception("storing the reading failed")
        return None


def _store_sync(key: CacheKey, row: _Row) -> str:
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
            provider=row.provider,
            period=key.period,
            generated_by=row.generated,
            text=row.text,
            # Rendered once here (off the event loop), so that every cache hit serves it as stored.
            **html_fields(row.text),
            facts=row.facts,
            prompt_tokens=row.prompt_tokens,
            completion_tokens=row.completion_tokens,
        )
    except IntegrityError:
        # Another worker stored the same key first (its flight lock expired): first writer wins.
        return str(Reading.objects.values_list("public_id", flat=True).get(cache_key=digest))
    return reading.public_id


async def emit_builtin(flight: Flight, job: Job) -> None:
    """The built-in rule-based reading through the same delta path, stored under its own key."""
    text = job.builtin_text()
    for start in range(0, len(text), BUILTIN_PIECE_CHARS):
        await flight.publish(delta_event(text[start : start + BUILTIN_PIECE_CHARS]))
    row = _Row(
        text=text,
        facts=job.stored_facts(),
        provider="builtin",
        model=job.builtin_model,
        generated=GeneratedBy.RULES,
    )
    reading_id = await _store(job.builtin_key, row)
    by = generated_by(GeneratedBy.RULES, provider="builtin", model=job.builtin_model)
    await flight.publish(_done(reading_id, dict(NO_USAGE), by, stored=reading_id is not None))


async def _fallback(flight: Flight, job: Job, code: ErrorCode, *, retry_after: float | None = None) -> None:
    # The operators' console may switch the built-in fallback off (its environment default otherwise).
    if not switch_get("readings.fallback_builtin"):
        await flight.publish(error_event(code, retry_after=retry_after))
        return
    metrics.FALLBACKS.labels(code.name).inc()
    await flight.publish(notice_event(code.name))
    await emit_builtin(flight, job)


async def _finish(flight: Flight, job: Job, answer: RelayAnswer) -> None:
    provider = answer.provider
    by = generated_by(GeneratedBy.AI, provider=provider.name, model=provider.model)
    if answer.findings:
        found = [f.as_dict() for f in answer.findings]
        logger.warning("grounding check failed for %s/%s: %s", provider.name, provider.model, found)
        metrics.GROUNDING_FAILURES.labels(provider.name).inc()
        await flight.publish(notice_event(GROUNDING_NOTICE_CODE, details={"findings": found}))
        await flight.publish(_done(None, answer.usage, by, stored=False))
        return
    key = next(key for candidate, key in job.ai_keys if candidate is provider)
    row = _Row(
        text=answer.text,
        facts=job.stored_facts(),
        provider=provider.name,
        model=provider.model,
        generated=GeneratedBy.AI,
        prompt_tokens=answer.prompt_tokens,
        completion_tokens=answer.completion_tokens,
    )
    reading_id = await _store(key, row)
    await flight.publish(_done(reading_id, answer.usage, by, stored=reading_id is not None))


async def generate(flight: Flight, job: Job) -> None:
    """The producer of a flight (see module docstring)."""
    if not job.ai_keys:
        await emit_builtin(flight, job)
        return
    relay = ProviderRelay(
        [provider for provider, _ in job.ai_keys],
        job.messages,
        max_tokens=job.max_tokens,
        coalesce_ms=settings.READINGS_COALESCE_MS,
        truth=job.truth,
        batch=job.batch,
        transcript=flight.text,  # every delta below is published before the relay reads it
    )
    async for event in relay.events():
        if event is not None:
            if event.name == EventName.DELTA and not job.text_flowing:
                job.text_started()
            await flight.publish(event)
    if relay.answer is not None:
        await _finish(flight, job, relay.answer)
    elif relay.failure is not None:
        await _fallback(flight, job, relay.failure.code, retry_after=relay.failure.retry_after)
