"""The batch's async worker pool, shared by the management command and the Celery tasks.

A producer reads targets page by page (keyset pagination, supplied by the caller) into a bounded
queue; `workers` coroutines take one user each, so memory is bounded by the queue and the page size,
never by the number of users. Each user goes through: prepare (chart + daily key, no AI) → skip if the
daily reading exists → limiter (provider RPM/TPM minus the web's reserve; breaker-aware) → generate,
with retries (exponential backoff with jitter) for transient causes. A user's failure is recorded with
its cause and never stops the others.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from django.db import DatabaseError, InterfaceError, OperationalError
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from unse.core.errors import ErrorCode, ServiceError
from unse.fortunes.batch.bucket import ProviderLimiter
from unse.fortunes.batch.summary import BatchCounters, Outcome, UserResult

logger = logging.getLogger(__name__)

# Causes worth another attempt; anything else (bad birth data, quota exhausted, bugs) fails at once.
TRANSIENT_CODES = frozenset(
    {
        ErrorCode.AI_TIMEOUT,
        ErrorCode.AI_UNAVAILABLE,
        ErrorCode.AI_BUSY,
        ErrorCode.AI_BAD_RESPONSE,
        ErrorCode.DB_UNAVAILABLE,
        ErrorCode.RATE_LIMITED,
        # The pipeline's generation ended without a verdict (e.g. cancelled as an orphan under load).
        ErrorCode.INTERNAL,
    }
)
# Causes that no other user can escape either: the batch stops calling the pipeline once one is seen.
HALTING_CAUSES = frozenset({ErrorCode.AI_QUOTA.name})
HALTED_MESSAGE = "하루 AI 토큰 예산(AI_DAILY_TOKEN_BUDGET)이 소진되어 AI를 호출하지 않았습니다. 예산을 늘린 뒤 다시 실행하세요."
MAX_MESSAGE_CHARS = 500
# Longest single wait for an open breaker before looking again (the breaker decides; we only poll). Short:
# the breaker's first open period is about a second (unse.ai.breaker), and the batch should be back at
# work as soon as a probe closed it.
BREAKER_POLL_SECONDS = 0.5

T_co = TypeVar("T_co", covariant=True)


class Prepared(Protocol):
    """What `DailyWork.prepare` returns: enough to generate without reading the user again."""

    @property
    def user_id(self) -> int: ...

    @property
    def exists(self) -> bool: ...

    @property
    def class_key(self) -> str:
        """The stored fortune this user's reads (users of one daily class share it)."""
        ...


P = TypeVar("P", bound=Prepared)


@dataclass(frozen=True, slots=True)
class Generated:
    """What one `DailyWork.generate` cost: tokens, and whether it called the provider (0 when the pipeline
    answered from a flight or row another user of the same class had started)."""

    tokens: int
    ai_calls: int


class DailyWork(Protocol[P]):
    async def prepare(self, user_id: int) -> P: ...

    async def prepare_page(self, user_ids: Sequence[int]) -> dict[int, P | Exception]:
        """`prepare` for a whole page in a few queries (the per-user error, if any, in place of the result)."""
        ...

    async def generate(self, prepared: P, *, force: bool) -> Generated:
        """Generate and store the daily reading (the leader of its class in this run)."""
        ...

    async def join(self, prepared: P) -> bool:
        """True once another user of this run has stored the same class's fortune (waits while it is
        being generated); False makes the caller the class's generator (again, after a failed attempt)."""
        ...

    async def provider_open(self) -> bool:
        """True while the circuit breaker of the provider is open (the batch waits instead of piling on)."""
        ...


@dataclass(frozen=True, slots=True)
class EngineOptions:
    workers: int
    dry_run: bool
    force: bool
    max_attempts: int
    retry_base_seconds: float
    retry_max_seconds: float
    tokens_estimate: int


def error_cause(exc: BaseException) -> tuple[str, bool]:
    """(stable cause name, transient?) for any exception raised while producing one fortune."""
    code = getattr(exc, "code", None)
    if isinstance(cause := getattr(exc, "batch_cause", None), str):
        # A cause the work names itself (e.g. UNDECRYPTABLE_PROFILE): one user's data, never transient.
        return cause, False
    if isinstance(exc, ServiceError) and "engine_code" in exc.details:
        # The stored birth data cannot make a chart (the pipeline's VALIDATION_ERROR); retrying will not help.
        return f"INVALID_BIRTH:{exc.details['engine_code']}", False
    if isinstance(code, ErrorCode):
        return code.name, code in TRANSIENT_CODES
    if isinstance(exc, OperationalError | InterfaceError):
        return ErrorCode.DB_UNAVAILABLE.name, True
    if isinstance(exc, DatabaseError):
        return "DB_ERROR", False
    engine_code = getattr(exc, "code", None)
    if isinstance(engine_code, str) and isinstance(exc, ValueError):
        # saju.errors.SajuError: the stored birth data cannot make a chart; retrying will not help.
        return f"INVALID_BIRTH:{engine_code}", False
    return type(exc).__name__, False


def _retry_after(exc: BaseException) -> float | None:
    value = getattr(exc, "retry_after", None)
    return float(value) if isinstance(value, int | float) and value > 0 else None


async def process_user(
    user_id: int,
    *,
    work: DailyWork[P],
    limiter: ProviderLimiter,
    options: EngineOptions,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    first: P | Exception | None = None,
) -> UserResult:
    """One user, start to finish. `first` is the page-wise preparation (used by the first attempt)."""
    attempts = 0
    ai_calls = 0
    fallbacks = 0

    def is_transient(exc: BaseException) -> bool:
        return error_cause(exc)[1]

    async def before_sleep(state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome is not None else None
        if exc is not None and (after := _retry_after(exc)) is not None:
            # The provider asked everyone to hold off; the shared limiter makes all workers wait.
            limiter.pause(after)
        logger.debug("user %s attempt %s failed: %r", user_id, state.attempt_number, exc)

    try:
        async for attempt in AsyncRetrying(
            stop=stop_after_attempt(options.max_attempts),
            wait=wait_exponential_jitter(
                multiplier=options.retry_base_seconds, max=options.retry_max_seconds
            ),
            retry=retry_if_exception(is_transient),
            before_sleep=before_sleep,
            sleep=sleep,
            reraise=True,
        ):
            with attempt:
                attempts += 1
                if attempts == 1 and isinstance(first, Exception):
                    raise first
                prepared = (
                    first
                    if attempts == 1 and first is not None and not isinstance(first, Exception)
                    else await work.prepare(user_id)
                )
                if prepared.exists and not (options.force and attempts == 1):
                    # On a retry after a forced regeneration was stored, the fortune now exists: done.
                    if attempts > 1:
                        return UserResult(
                            user_id=user_id,
                            outcome=Outcome.GENERATED,
                            attempts=attempts,
                            ai_calls=ai_calls,
                            fallbacks=fallbacks,
                        )
                    return UserResult(user_id=user_id, outcome=Outcome.SKIPPED)
                if options.dry_run:
                    return UserResult(
                        user_id=user_id,
                        outcome=Outcome.WOULD_GENERATE,
                        attempts=0,
                        class_key=prepared.class_key,
                    )
                if await work.join(prepared):
                    # Another user of the same daily class generated it in this run: no provider call.
                    return UserResult(
                        user_id=user_id,
                        outcome=Outcome.GENERATED,
                        attempts=attempts,
                        ai_calls=ai_calls,
                        fallbacks=fallbacks,
                    )
                while await work.provider_open():
                    await sleep(BREAKER_POLL_SECONDS)
                await limiter.acquire(tokens=options.tokens_estimate)
                try:
                    generated = await work.generate(prepared, force=options.force)
                except Exception as exc:
                    ai_calls += int(getattr(exc, "ai_calls", 0))
                    fallbacks += int(getattr(exc, "fallback", False))
                    raise
                await limiter.settle(estimated=options.tokens_estimate, actual=generated.tokens)
                return UserResult(
                    user_id=user_id,
                    outcome=Outcome.GENERATED,
                    attempts=attempts,
                    tokens=generated.tokens,
                    ai_calls=ai_calls + generated.ai_calls,
                    fallbacks=fallbacks,
                )
        raise AssertionError("unreachable: tenacity either returns or reraises")  # pragma: no cover
    except Exception as exc:
        cause, _ = error_cause(exc)
        logger.warning("daily fortune failed for user %s after %s attempt(s): %s", user_id, attempts, cause)
        return UserResult(
            user_id=user_id,
            outcome=Outcome.FAILED,
            cause=cause,
            message=HALTED_MESSAGE if cause in HALTING_CAUSES else (str(exc)[:MAX_MESSAGE_CHARS] or cause),
            attempts=max(attempts, 1),
            ai_calls=ai_calls,
            fallbacks=fallbacks,
        )


async def run_engine(
    pages: AsyncIterator[Sequence[int]],
    *,
    work: DailyWork[P],
    limiter: ProviderLimiter,
    options: EngineOptions,
    on_result: Callable[[UserResult, BatchCounters], Awaitable[None]] | None = None,
) -> tuple[BatchCounters, float]:
    """Process every user id yielded by `pages`; returns the tally and the elapsed seconds."""
    counters = BatchCounters()
    consumers = max(1, options.workers)
    queue: asyncio.Queue[tuple[int, P | Exception | None] | None] = asyncio.Queue(maxsize=consumers * 2)
    started = time.monotonic()

    async def produce() -> None:
        async for page in pages:
            prepared = await work.prepare_page(page)
            for user_id in page:
                await queue.put((user_id, prepared.get(user_id)))
        # Not in a `finally`: a cancelled run (soft time limit, Ctrl-C) has cancelled the consumers too, and
        # would wait forever for room in a full queue; a failed page cancels them through the task group.
        for _ in range(consumers):
            await queue.put(None)

    halted: list[str] = []

    async def consume() -> None:
        while (item := await queue.get()) is not None:
            user_id, first = item
            if halted:
                # The daily token budget is spent: every further call would only produce a fallback.
                result = UserResult(
                    user_id=user_id, outcome=Outcome.FAILED, cause=halted[0], message=HALTED_MESSAGE
                )
            else:
                result = await process_user(user_id, work=work, limiter=limiter, options=options, first=first)
                if result.outcome is Outcome.FAILED and result.cause in HALTING_CAUSES and not halted:
                    logger.error(
                        "daily fortunes: %s - the daily token budget (AI_DAILY_TOKEN_BUDGET) is spent; the "
                        "remaining users of this process are recorded as failed without calling the AI. "
                        "Raise the budget (targets x tokens per fortune + the web's use) and rerun.",
                        result.cause,
                    )
                    halted.append(result.cause)
            counters.add(result)
            if on_result is not None:
                await on_result(result, counters)

    try:
        async with asyncio.TaskGroup() as group:
            group.create_task(produce())
            for _ in range(consumers):
                group.create_task(consume())
    except BaseExceptionGroup as failed:
        # One failure (a page query's or a tally write's database error) is raised as itself, so that what
        # names it still sees it: the chunk task retries infrastructure errors, never an ExceptionGroup.
        if len(failed.exceptions) == 1:
            raise failed.exceptions[0] from None
        raise
    return counters, time.monotonic() - started
