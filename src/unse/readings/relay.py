"""The one provider relay of the service (readings pipeline and 상담 chat alike).

Providers are tried in fallback order (the console's order): the token budget is checked first; each
provider's stream (its breaker gate, retries and timeouts inside `unse.ai.providers`) is sanitized at safe
cut points (`StreamSanitizer`) and coalesced into one `delta` per `READINGS_COALESCE_MS`; when a provider
fails before anything reached the user the next one tries; a failure after text reached the user ends the
answer with an `error` event (no silent switch to another answer mid-text). A complete answer is charged
to the budget and checked against the chart (grounding). What the caller does with it (store, `done`,
notices, fallback) is the caller's.

`ProviderRelay.events()` yields the events to send (and `None` keep-alive ticks while the provider is
silent, when asked to); afterwards exactly one of `answer` (complete), `failure` (nothing was sent: use
the fallback) or `cut` (an error event was sent) describes the outcome.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field

from unse.ai import metrics
from unse.ai.budget import token_budget_remaining, token_budget_spend, tokens_estimate
from unse.ai.providers import ChatProvider, Message, ProviderError, ProviderStream
from unse.core.errors import ErrorCode
from unse.core.event_stream import EventName, StreamEvent, error_event
from unse.readings.grounding import Finding, GroundTruth, PairTruth, text_findings
from unse.readings.sanitize import StreamSanitizer

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RelayAnswer:
    """A complete answer: who wrote it, the sanitized text as sent, its usage and grounding findings."""

    provider: ChatProvider
    text: str
    prompt_tokens: int
    completion_tokens: int
    findings: list[Finding]

    @property
    def usage(self) -> dict[str, int]:
        return {"prompt_tokens": self.prompt_tokens, "completion_tokens": self.completion_tokens}


@dataclass(frozen=True, slots=True)
class RelayFailure:
    """Nothing was sent: every provider failed before its first text, or the token budget is spent."""

    code: ErrorCode
    retry_after: float | None = None


def delta_event(text: str) -> StreamEvent:
    return StreamEvent.make(EventName.DELTA, {"text": text})


_EMITTED_COMPACT_PARTS = 8  # as the flight's text runs (unse.readings.flight)


@dataclass(slots=True)
class _Coalescer:
    """Sanitized text as one `delta` per interval instead of one per upstream token."""

    interval: float
    keep: bool  # whether `text` is kept here (not when the caller keeps what was emitted: `transcript`)
    sanitizer: StreamSanitizer = field(default_factory=StreamSanitizer)
    pending: list[str] = field(default_factory=list)
    emitted: list[str] = field(default_factory=list)
    flushed: bool = False  # text reached the user
    last_flush: float = 0.0

    def add(self, piece: str) -> StreamEvent | None:
        released = self.sanitizer.feed(piece) if piece else ""
        if released:
            self.pending.append(released)
        if self.pending and time.monotonic() - self.last_flush >= self.interval:
            return self._flush()
        return None

    def finish(self) -> StreamEvent | None:
        tail = self.sanitizer.finish()
        if tail:
            self.pending.append(tail)
        return self._flush() if self.pending else None

    def _flush(self) -> StreamEvent:
        text = "".join(self.pending)
        self.pending.clear()
        self.last_flush = time.monotonic()
        self.flushed = True
        if self.keep:
            emitted = self.emitted
            emitted.append(text)
            if len(emitted) >= _EMITTED_COMPACT_PARTS:
                # One string, not one object per delta, for a stream that may stay open for minutes (issue 19).
                self.emitted = ["".join(emitted)]
        return delta_event(text)

    @property
    def text(self) -> str:
        if not self.keep:
            raise RuntimeError("the caller keeps this relay's text (ProviderRelay transcript)")
        return "".join(self.emitted)


class ProviderRelay:
    """One answer from the first provider that gives one (see the module docstring)."""

    def __init__(
        self,
        providers: Sequence[ChatProvider],
        messages: Sequence[Message],
        *,
        max_tokens: int,
        coalesce_ms: int,
        truth: GroundTruth | PairTruth | None,
        keepalive_seconds: float | None = None,
        batch: bool = False,
        transcript: Callable[[], str] | None = None,
    ) -> None:
        self.providers = providers
        # The text of the deltas yielded so far where the caller keeps it anyway (a flight's log), so that an
        # open stream does not hold its answer twice (issue 19); None: the relay keeps its own copy.
        self.transcript = transcript
        # The nightly batch may spend its reserved share of the daily budget (unse.ai.budget).
        self.batch = batch
        self.messages = messages
        self.max_tokens = max_tokens
        self.interval = coalesce_ms / 1000
        self.truth = truth
        self.keepalive_seconds = keepalive_seconds
        self.answer: RelayAnswer | None = None
        self.failure: RelayFailure | None = None
        self.cut = False
        self._prompt_estimate = 0

    async def events(self) -> AsyncIterator[StreamEvent | None]:
        if await token_budget_remaining(batch=self.batch) <= 0:
            metrics.BUDGET_EXHAUSTED.inc()
            self.failure = RelayFailure(ErrorCode.AI_QUOTA)
            return
        last: ProviderError | None = None
        # One generator for every provider (not one more per provider): it is kept for the stream's life
        # and entered once per event (issue 19).
        for provider in self.providers:
            # An open breaker makes the provider fail at once with AI_UNAVAILABLE: on to the next one.
            coalescer = _Coalescer(self.interval, keep=self.transcript is None)
            stream = provider.stream(self.messages, max_tokens=self.max_tokens)
            pieces = self._pieces(stream)
            try:
                async for piece in pieces:
                    if piece is None:
                        yield None
                    elif (event := coalescer.add(piece)) is not None:
                        self._text_started()
                        yield event
                if (event := coalescer.finish()) is not None:
                    self._text_started()
                    yield event
                text = coalescer.text if self.transcript is None else self.transcript()
                if not text.strip():
                    raise ProviderError(
                        ErrorCode.AI_BAD_RESPONSE, provider=provider.name, before_first_token=True
                    )
            except ProviderError as error:
                # The provider already fed its breaker and the error metrics (unse.ai.providers).
                if not coalescer.flushed:
                    last = error
                    logger.warning(
                        "provider %s failed before the first token: %s", provider.name, error.code.name
                    )
                    continue
                # Text already reached the user: no silent switch to another answer; nothing is stored.
                logger.warning(
                    "provider %s failed mid-answer (%s); partial answer not stored",
                    provider.name,
                    error.code.name,
                )
                self.cut = True
                yield error_event(error.code, retry_after=error.retry_after)
                return
            finally:
                if pieces is not stream:
                    await (
                        pieces.aclose()
                    )  # the keep-alive ticker first: its read may be running in the stream
                await stream.aclose()
            await self._answered(provider, stream, text)
            return
        code = last.code if last is not None else ErrorCode.AI_UNAVAILABLE
        self.failure = RelayFailure(code, last.retry_after if last is not None else None)

    async def _answered(self, provider: ChatProvider, stream: ProviderStream, text: str) -> None:
        """The complete answer of `provider`: charged to the budget and checked against the chart."""
        usage = stream.usage
        if usage is not None:
            prompt_tokens, completion_tokens = usage.prompt_tokens, usage.completion_tokens
        else:
            # A provider that sends no `usage` is charged an estimate from the text, so the budget and the
            # batch's tokens-per-minute bucket never see a free answer.
            prompt_tokens = self._prompt_estimate
            completion_tokens = tokens_estimate(text)
        await token_budget_spend(prompt_tokens + completion_tokens, batch=self.batch)
        findings = text_findings(text, self.truth) if self.truth is not None else []
        self.answer = RelayAnswer(provider, text, prompt_tokens, completion_tokens, findings)

    def _text_started(self) -> None:
        """Text reached the user: no other provider will be asked (no silent switch), so the prompt need
        not live as long as the stream, which may stay open for minutes (issue 19: memory per open stream);
        only its size is kept, the charge for a provider that sends no `usage`."""
        if self.messages:
            self._prompt_estimate = tokens_estimate(*(str(m["content"]) for m in self.messages))
            self.messages = ()

    def _pieces(self, stream: ProviderStream) -> ProviderStream | AsyncGenerator[str | None, None]:
        """The stream's pieces; with `keepalive_seconds`, `None` after each that many idle seconds."""
        if self.keepalive_seconds is None:
            return stream  # no generator in between: one less per token and per open stream (issue 19)
        return self._ticking(stream, self.keepalive_seconds)

    @staticmethod
    async def _ticking(stream: ProviderStream, keepalive: float) -> AsyncGenerator[str | None, None]:
        iterator = stream.__aiter__()
        pending: asyncio.Future[str] | None = None
        try:
            while True:
                pending = asyncio.ensure_future(iterator.__anext__())
                while not (await asyncio.wait({pending}, timeout=keepalive))[0]:
                    yield None
                try:
                    piece = pending.result()
                except StopAsyncIteration:
                    return
                finally:
                    pending = None
                yield piece
        finally:
            if pending is not None and not pending.done():
                pending.cancel()
                # Wait for it: the caller closes the stream next, and closing a generator that a read
                # still runs in raises RuntimeError ("asynchronous generator is already running").
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await pending
