"""One async client for every OpenAI-compatible chat API (OpenAI, DeepSeek, Gemini's OpenAI endpoint,
vLLM, Ollama): aiohttp + our own bytes SSE parser (chosen by measurement, docs/decisions.md).

Policy (docs/ai-infrastructure.md):
- timeouts: connect, first token (per attempt), whole answer (across attempts);
- retries with full-jitter exponential backoff, ONLY before the first token has been yielded;
- provider 429: wait `Retry-After` if it is short, else fail at once with AI_BUSY + retry_after;
- every attempt consults and feeds the provider's circuit breaker (open breaker = AI_UNAVAILABLE);
- an empty answer or a chunk that is not JSON is AI_BAD_RESPONSE, never a result.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
import weakref
from collections.abc import AsyncGenerator, Awaitable, Mapping, Sequence
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, Literal, Protocol, TypedDict, runtime_checkable

import aiohttp
import orjson
from django.conf import settings

from unse.ai import metrics
from unse.ai.breaker import breaker_allow, breaker_record
from unse.ai.sse_parser import SSEParser
from unse.core.errors import ErrorCode
from unse.core.loop_local import PerLoop
from unse.core.switch_store import switch_get
from unse.core.timers import Ticker, release_all, ticker, timer_at

logger = logging.getLogger(__name__)

DONE = b"[DONE]"
RETRYABLE = frozenset({ErrorCode.AI_UNAVAILABLE, ErrorCode.AI_TIMEOUT, ErrorCode.AI_BUSY})
# Statuses that say "this request will never work" (bad key, unknown model, bad request): no retry.
PERMANENT_STATUSES = frozenset({400, 401, 403, 404, 422})


class Message(TypedDict):
    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True, slots=True)
class Usage:
    prompt_tokens: int
    completion_tokens: int


@dataclass(frozen=True, slots=True)
class ProviderConfig:
    name: str
    base_url: str
    api_key: str
    model: str
    connect_timeout: float = 3.0
    first_token_timeout: float = 15.0
    total_timeout: float = 120.0
    max_retries: int = 2
    backoff_base: float = 0.25
    backoff_max: float = 2.0
    retry_after_max_wait: float = 2.0
    # > 0: after the first token, text arriving within this many ms is handed over as one piece.
    coalesce_ms: int = 0

    @property
    def completions_url(self) -> str:
        return self.base_url.rstrip("/") + "/chat/completions"


class ProviderError(Exception):
    def __init__(
        self,
        code: ErrorCode,
        *,
        provider: str,
        detail: str = "",
        retry_after: float | None = None,
        before_first_token: bool = True,
        status: int | None = None,
    ) -> None:
        super().__init__(f"{provider}: {code.name}: {detail}")
        self.code = code
        self.provider = provider
        self.detail = detail
        self.retry_after = retry_after
        self.before_first_token = before_first_token
        self.status = status


@runtime_checkable
class ProviderStream(Protocol):
    def __aiter__(self) -> ProviderStream: ...

    def __anext__(self) -> Awaitable[str]: ...

    @property
    def usage(self) -> Usage | None: ...

    async def aclose(self) -> None: ...


@runtime_checkable
class ChatProvider(Protocol):
    name: str
    model: str
    builtin: bool

    def stream(self, messages: Sequence[Message], *, max_tokens: int) -> ProviderStream: ...


# --- HTTP session: one per event loop (aiohttp sessions are bound to the loop that made them) ----------
_sessions: PerLoop[aiohttp.ClientSession] = PerLoop()


def _new_session() -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(limit=0, ttl_dns_cache=300, enable_cleanup_closed=True)
    session = aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=None), auto_decompress=True
    )
    weakref.finalize(asyncio.get_running_loop(), _discard_session, session)
    return session


def _session() -> aiohttp.ClientSession:
    return _sessions.get("llm", _new_session, usable=lambda session: not session.closed)


def _discard_session(session: aiohttp.ClientSession) -> None:
    """The session's loop is gone (e.g. `asyncio.run` in a management command that never called
    `close_http_sessions`): drop it without the "Unclosed client session" error at garbage collection."""
    if session.closed:
        return
    connector = session.connector
    with contextlib.suppress(Exception):
        if connector is not None:
            connector._close()  # noqa: SLF001 - the sync part of close(); the loop cannot run it any more
    session.detach()


async def close_http_sessions() -> None:
    """Close this loop's HTTP session (ASGI shutdown, test teardown)."""
    for session in _sessions.pop_loop():
        await session.close()


def parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class _ErrorFactory(Protocol):
    def __call__(self, code: ErrorCode, detail: str, **extra: Any) -> ProviderError: ...


class _Attempt:
    """One HTTP attempt: its response, its body once the provider answered 200, and its errors. Objects
    rather than a generator per attempt: the reads are the stream generator's own loop (issue 19: each
    generator of an open stream is kept for its life and entered once per event)."""

    __slots__ = ("body", "provider", "response", "started", "yielded")

    def __init__(self, provider: str, started: float) -> None:
        self.provider = provider
        self.started = started
        self.yielded = False
        self.response: aiohttp.ClientResponse | None = None
        self.body: _Body | None = None

    def error(self, code: ErrorCode, detail: str, **extra: Any) -> ProviderError:
        return ProviderError(
            code, provider=self.provider, detail=detail, before_first_token=not self.yielded, **extra
        )

    def close(self) -> None:
        if self.body is not None:
            self.body.watchdog.cancel()
        if self.response is not None:
            # Drop the connection instead of draining it: after aclose() the provider must stop generating
            # (and billing) at once.
            self.response.close()


class _Body:
    """What reading an answer's body takes: the stream, its SSE parser, its deadline and its waits."""

    __slots__ = ("content", "interval", "parser", "watchdog")

    def __init__(
        self, content: aiohttp.StreamReader, watchdog: _Watchdog, interval: _CoalescingInterval
    ) -> None:
        self.content = content
        self.parser = SSEParser()
        self.watchdog = watchdog
        self.interval = interval


class _Watchdog:
    """The attempt's deadline as one timer: at the deadline it closes the response (waking a pending read)."""

    __slots__ = ("_response", "_timer", "expired")

    def __init__(self, response: aiohttp.ClientResponse, when: float) -> None:
        self._response = response
        self.expired = False
        # On the shared heap, not a loop timer of its own: it lives as long as the stream (unse.core.timers).
        self._timer = timer_at(when, self._expire)

    def _expire(self) -> None:
        self.expired = True
        self._response.close()

    def reset(self, when: float) -> None:
        self._timer.cancel()
        self._timer = timer_at(when, self._expire)

    def cancel(self) -> None:
        self._timer.cancel()


class _CoalescingInterval:
    """The coalescer's waits: until the worker's next coalescing tick (at most `interval` seconds after the
    wait began; one clock for every stream, not a timer per stream and wait: unse.core.timers), or until the
    response is complete (EOF), whichever comes first -- so the last piece of an answer is never held back.
    A stream that reads at every tick hands over once per interval."""

    __slots__ = ("_clock", "_eof", "_interval", "_last", "_loop", "_waiter")

    def __init__(
        self, loop: asyncio.AbstractEventLoop, content: aiohttp.StreamReader, interval: float
    ) -> None:
        self._loop = loop
        self._interval = interval
        self._last = 0.0
        self._eof = False
        self._waiter: asyncio.Future[None] | None = None
        self._clock: Ticker | None = None
        if interval:
            self._clock = ticker(interval)
            content.on_eof(self._on_eof)

    def _on_eof(self) -> None:
        self._eof = True
        if self._waiter is not None:
            release_all((self._waiter,))

    def start(self) -> None:
        """A piece was handed over now: the next read waits for the next tick."""
        self._last = self._loop.time()

    async def wait(self) -> None:
        clock = self._clock
        if clock is None or self._eof or self._loop.time() - self._last >= self._interval:
            return
        waiter = self._waiter = clock.wait()
        try:
            await waiter
        finally:
            self._waiter = None


class OpenAIStream:
    """Async iterator of text deltas; `usage` after exhaustion; `aclose()` drops the upstream at once."""

    def __init__(
        self, provider: OpenAICompatibleProvider, messages: Sequence[Message], max_tokens: int
    ) -> None:
        self._provider = provider
        self._config = provider.config
        self._body = orjson.dumps(
            {
                "model": provider.model,
                "messages": list(messages),
                "max_tokens": max_tokens,
                "stream": True,
                "stream_options": {"include_usage": True},
            }
        )
        self._usage: Usage | None = None
        self._finish_seen = False
        self._gen = self._run()

    @property
    def usage(self) -> Usage | None:
        return self._usage

    def __aiter__(self) -> OpenAIStream:
        return self

    def __anext__(self) -> Awaitable[str]:
        # The generator's own awaitable: no coroutine around it per token.
        return self._gen.__anext__()

    async def aclose(self) -> None:
        await self._gen.aclose()

    # --- driver: breaker gate, retries before the first token, the reads of each attempt -----------
    async def _run(self) -> AsyncGenerator[str, None]:
        config = self._config
        name = config.name
        loop = asyncio.get_running_loop()
        deadline = loop.time() + config.total_timeout
        attempt_no = 0
        while True:
            if not await breaker_allow(name):
                metrics.AI_ERRORS.labels(name, ErrorCode.AI_UNAVAILABLE.name).inc()
                raise ProviderError(ErrorCode.AI_UNAVAILABLE, provider=name, detail="circuit breaker open")
            state = _Attempt(name, loop.time())
            try:
                try:
                    body = await self._open(state, min(state.started + config.first_token_timeout, deadline))
                    done = False
                    while not done:
                        if state.yielded:
                            # After the first token (never delayed), let the chunks of the interval pile up
                            # in aiohttp's buffer and take them with one read: one wake-up per interval, not
                            # per token. The wait ends early when the response is complete: an answer never
                            # ends late.
                            await body.interval.wait()
                        raw = await self._read(body, state)
                        if not raw:
                            break
                        texts, done, failure = self._parse(body.parser, raw, state.error)
                        if texts:
                            self._handed_over(state, body, deadline)
                            for text in self._pieces(texts):
                                yield text
                        if failure is not None:
                            # Raised after handing over the texts that came before it, as the stream would.
                            failure.before_first_token = not state.yielded
                            raise failure
                    self._check_end(done, state)
                finally:
                    state.close()  # before the breaker is told, whatever the outcome
                await breaker_record(name, ok=True)
                metrics.AI_CALLS.labels(name, "ok").inc()
                return
            except ProviderError as exc:
                delay = await self._failed(exc, state, attempt_no, deadline)
                attempt_no += 1
            await asyncio.sleep(delay)

    async def _open(self, state: _Attempt, first_deadline: float) -> _Body:
        """Send the request; the body to read once the provider answered 200."""
        state.response = response = await self._post(first_deadline, state.error)
        if response.status != 200:
            raise await self._status_error(response, state.error)
        self._finish_seen = False
        self._usage = None
        content = response.content
        # One timer per attempt instead of a timeout context per read (that was ~3 µs a token): at the
        # deadline it closes the response, which wakes the pending read; the flag says why. Safe across
        # `yield`: nothing is cancelled in the consumer's task.
        watchdog = _Watchdog(response, first_deadline)
        interval = _CoalescingInterval(asyncio.get_running_loop(), content, self._config.coalesce_ms / 1000)
        state.body = _Body(content, watchdog, interval)
        return state.body

    def _handed_over(self, state: _Attempt, body: _Body, deadline: float) -> None:
        """Texts are handed over now: the first ones end the first-token wait (and any retry)."""
        if not state.yielded:
            state.yielded = True
            metrics.AI_FIRST_TOKEN_SECONDS.labels(self._config.name).observe(
                asyncio.get_running_loop().time() - state.started
            )
            body.watchdog.reset(deadline)
            # No retry once text has reached the user: the request body (the whole prompt, ≈ 30 KiB) need
            # not live as long as the stream (issue 19: memory per stream).
            self._body = b""
        body.interval.start()

    def _pieces(self, texts: list[str]) -> list[str]:
        """The texts of one read as handed over: one piece when coalescing."""
        if self._config.coalesce_ms and len(texts) > 1:
            return ["".join(texts)]
        return texts

    async def _failed(self, exc: ProviderError, state: _Attempt, attempt_no: int, deadline: float) -> float:
        """Record a failed attempt; the delay before the next one, or `exc` raised when none may follow."""
        name = self._config.name
        await breaker_record(name, ok=False)
        metrics.AI_CALLS.labels(name, "error").inc()
        metrics.AI_ERRORS.labels(name, exc.code.name).inc()
        delay = self._retry_delay(exc, attempt_no)
        if state.yielded or delay is None or asyncio.get_running_loop().time() + delay >= deadline:
            raise exc
        logger.info("retrying %s after %s (attempt %d, %.2fs)", name, exc.code.name, attempt_no + 1, delay)
        metrics.AI_RETRIES.labels(name, exc.code.name).inc()
        return delay

    def _retry_delay(self, exc: ProviderError, attempt_no: int) -> float | None:
        config = self._config
        if exc.code not in RETRYABLE or attempt_no >= config.max_retries or exc.status in PERMANENT_STATUSES:
            return None
        if exc.code is ErrorCode.AI_BUSY:
            wait = exc.retry_after if exc.retry_after is not None else config.backoff_base * 2**attempt_no
            return (
                wait + random.uniform(0, config.backoff_base)  # noqa: S311 - retry jitter, not security
                if wait <= config.retry_after_max_wait
                else None
            )
        return random.uniform(0, min(config.backoff_max, config.backoff_base * 2**attempt_no))  # noqa: S311

    def _check_end(self, done: bool, state: _Attempt) -> None:
        """Raise when the body ended without an answer; count the answer's tokens."""
        # Some servers omit [DONE]; a finish_reason is as good. Neither means the stream was cut.
        if not done and not self._finish_seen:
            raise state.error(ErrorCode.AI_UNAVAILABLE, "stream ended before [DONE]")
        if not state.yielded:
            raise state.error(ErrorCode.AI_BAD_RESPONSE, "empty answer")
        if self._usage is not None:
            metrics.AI_TOKENS.labels(self._config.name, "prompt").inc(self._usage.prompt_tokens)
            metrics.AI_TOKENS.labels(self._config.name, "completion").inc(self._usage.completion_tokens)

    async def _post(self, first_deadline: float, error: _ErrorFactory) -> aiohttp.ClientResponse:
        config = self._config
        headers = {
            "Authorization": f"Bearer {config.api_key}",
            "Content-Type": "application/json",
            "Accept": "text/event-stream",
        }
        timeout = aiohttp.ClientTimeout(
            total=None, connect=config.connect_timeout, sock_connect=config.connect_timeout
        )
        try:
            async with asyncio.timeout_at(first_deadline):
                return await _session().post(
                    config.completions_url, data=self._body, headers=headers, timeout=timeout
                )
        except TimeoutError as exc:
            raise error(ErrorCode.AI_TIMEOUT, "no response before the first-token timeout") from exc
        except aiohttp.ServerTimeoutError as exc:
            raise error(ErrorCode.AI_TIMEOUT, f"connect timeout: {exc}") from exc
        except (aiohttp.ClientError, OSError) as exc:
            raise error(ErrorCode.AI_UNAVAILABLE, f"connection failed: {exc!r}") from exc

    async def _read(self, body: _Body, state: _Attempt) -> bytes:
        """The bytes the body has now (b"" at its end); a broken or timed-out body as its ProviderError."""
        try:
            raw = await body.content.readany()
        except (aiohttp.ClientError, OSError) as exc:
            if body.watchdog.expired:
                raise self._timeout(state) from exc
            raise state.error(ErrorCode.AI_UNAVAILABLE, f"stream broken: {exc!r}") from exc
        if body.watchdog.expired:
            raise self._timeout(state)
        return raw

    def _parse(
        self, parser: SSEParser, raw: bytes, error: _ErrorFactory
    ) -> tuple[list[str], bool, ProviderError | None]:
        """(texts, [DONE] seen, the chunk's failure to raise after the texts before it)."""
        texts: list[str] = []
        for data in parser.feed_data(raw):
            if data == DONE:
                return texts, True, None
            try:
                self._collect(data, texts, error)
            except ProviderError as exc:
                return texts, False, exc
        return texts, False, None

    @staticmethod
    def _timeout(state: _Attempt) -> ProviderError:
        return state.error(
            ErrorCode.AI_TIMEOUT, "whole-answer timeout" if state.yielded else "first-token timeout"
        )

    def _collect(self, data: bytes, texts: list[str], error: _ErrorFactory) -> None:
        """Append the text of one chunk to `texts` (hot path: one orjson call, a few dict lookups)."""
        try:
            chunk = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            raise error(ErrorCode.AI_BAD_RESPONSE, f"chunk is not JSON: {data[:80]!r}") from exc
        if type(chunk) is not dict:
            raise error(ErrorCode.AI_BAD_RESPONSE, "chunk is not an object")
        if "error" in chunk:
            raise error(ErrorCode.AI_UNAVAILABLE, f"provider error in stream: {str(chunk['error'])[:200]}")
        usage = chunk.get("usage")
        if usage is not None and type(usage) is dict:
            self._usage = Usage(
                prompt_tokens=int(usage.get("prompt_tokens") or 0),
                completion_tokens=int(usage.get("completion_tokens") or 0),
            )
        choices = chunk.get("choices")
        if not choices:
            return
        if type(choices) is not list:
            raise error(ErrorCode.AI_BAD_RESPONSE, "choices is not a list")
        for choice in choices:
            if type(choice) is not dict:
                raise error(ErrorCode.AI_BAD_RESPONSE, "choice is not an object")
            delta = choice.get("delta")
            if delta is not None and type(delta) is dict:
                text = delta.get("content")
                if text and type(text) is str:
                    texts.append(text)
            if choice.get("finish_reason"):
                self._finish_seen = True

    async def _status_error(self, response: aiohttp.ClientResponse, error: _ErrorFactory) -> ProviderError:
        status = response.status
        try:
            async with asyncio.timeout(self._config.connect_timeout):
                body = (await response.content.read(2048)).decode("utf-8", "replace")
        except (TimeoutError, aiohttp.ClientError, OSError):
            body = ""
        if status == 429:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            return error(
                ErrorCode.AI_BUSY, f"429 from provider: {body[:200]}", retry_after=retry_after, status=429
            )
        if status in PERMANENT_STATUSES:
            logger.error("provider %s refused the request (%d): %s", self._config.name, status, body[:500])
        return error(ErrorCode.AI_UNAVAILABLE, f"HTTP {status}: {body[:200]}", status=status)


class OpenAICompatibleProvider:
    builtin = False

    def __init__(self, config: ProviderConfig) -> None:
        self.config = config
        self.name = config.name
        self.model = config.model

    def stream(self, messages: Sequence[Message], *, max_tokens: int) -> OpenAIStream:
        return OpenAIStream(self, messages, max_tokens)

    def __repr__(self) -> str:
        return f"OpenAICompatibleProvider(name={self.name!r}, model={self.model!r}, base_url={self.config.base_url!r})"


_CONFIG_FIELDS = frozenset(ProviderConfig.__dataclass_fields__)


def provider_config(entry: Mapping[str, Any]) -> ProviderConfig:
    """A ProviderConfig from one `LLM_PROVIDERS` entry (settings defaults fill the timeouts)."""
    defaults = {
        "connect_timeout": settings.LLM_CONNECT_TIMEOUT,
        "first_token_timeout": settings.LLM_FIRST_TOKEN_TIMEOUT,
        "total_timeout": settings.LLM_TOTAL_TIMEOUT,
        "max_retries": settings.LLM_MAX_RETRIES,
        "backoff_base": settings.LLM_BACKOFF_BASE,
        "backoff_max": settings.LLM_BACKOFF_MAX,
        "retry_after_max_wait": settings.LLM_RETRY_AFTER_MAX_WAIT,
        "coalesce_ms": settings.LLM_STREAM_COALESCE_MS,
    }
    values = {**defaults, **{k: v for k, v in entry.items() if k in _CONFIG_FIELDS}}
    return ProviderConfig(**values)


def provider_entries_active(entries: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """`LLM_PROVIDERS` entries in the console's order, without the providers it switched off. Names
    missing from `providers.order` keep their configured order after the listed ones."""
    order = [str(name) for name in switch_get("providers.order")]
    disabled = {str(name) for name in switch_get("providers.disabled")}
    rank = {name: position for position, name in enumerate(order)}
    indexed = list(enumerate(entries))
    indexed.sort(key=lambda item: (rank.get(str(item[1].get("name")), len(rank)), item[0]))
    return [entry for _, entry in indexed if str(entry.get("name")) not in disabled]


def configured_providers() -> list[ChatProvider]:
    """Remote providers in fallback order (the console's order and on/off switches); empty when no provider
    has a key (the built-in one is then used)."""
    return [
        OpenAICompatibleProvider(provider_config(entry))
        for entry in provider_entries_active(settings.LLM_PROVIDERS)
        if entry.get("api_key") and entry.get("base_url") and entry.get("model")
    ]
