"""The batch engine: retries with backoff and jitter, failure isolation, skip/force/dry-run, limits."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

import pytest
from django.db import OperationalError

from unse.core.errors import ErrorCode, ServiceError
from unse.fortunes.batch.bucket import ProviderLimiter
from unse.fortunes.batch.summary import Outcome
from unse.fortunes.batch.workers import EngineOptions, Generated, error_cause, process_user, run_engine


@dataclass(frozen=True)
class Item:
    user_id: int
    exists: bool

    @property
    def class_key(self) -> str:
        return f"class-{self.user_id % 3}"


class ScriptedWork:
    """A DailyWork whose generate() raises the scripted errors per user, in order, then succeeds."""

    def __init__(
        self, *, errors: dict[int, list[Exception]] | None = None, existing: set[int] | None = None
    ) -> None:
        self.errors = defaultdict(list, {k: list(v) for k, v in (errors or {}).items()})
        self.existing = existing or set()
        self.generated: list[int] = []
        self.calls: dict[int, int] = defaultdict(int)
        self.in_flight = 0
        self.max_in_flight = 0
        self.breaker_checks = 0
        self.breaker_open_for = 0
        self.pages: list[list[int]] = []

    async def prepare(self, user_id: int) -> Item:
        return Item(user_id=user_id, exists=user_id in self.existing)

    async def prepare_page(self, user_ids: Sequence[int]) -> dict[int, Item | Exception]:
        self.pages.append(list(user_ids))
        return {user_id: await self.prepare(user_id) for user_id in user_ids}

    async def provider_open(self) -> bool:
        self.breaker_checks += 1
        if self.breaker_open_for > 0:
            self.breaker_open_for -= 1
            return True
        return False

    async def join(self, prepared: Item) -> bool:
        return False

    async def generate(self, prepared: Item, *, force: bool) -> Generated:
        self.calls[prepared.user_id] += 1
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(0.001)
            if self.errors[prepared.user_id]:
                raise self.errors[prepared.user_id].pop(0)
            self.generated.append(prepared.user_id)
            return Generated(tokens=100, ai_calls=1)
        finally:
            self.in_flight -= 1


def options(**overrides: object) -> EngineOptions:
    base = dict(
        workers=4,
        dry_run=False,
        force=False,
        max_attempts=4,
        retry_base_seconds=1.0,
        retry_max_seconds=30.0,
        tokens_estimate=100,
    )
    base.update(overrides)
    return EngineOptions(**base)  # type: ignore[arg-type]


def free_limiter() -> ProviderLimiter:
    return ProviderLimiter(requests=None, tokens=None)


async def pages_of(ids: Sequence[int], size: int = 7) -> AsyncIterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


async def test_transient_errors_are_retried_with_exponential_backoff_and_jitter() -> None:
    work = ScriptedWork(
        errors={1: [ServiceError(ErrorCode.AI_TIMEOUT), ServiceError(ErrorCode.AI_UNAVAILABLE)]}
    )
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    result = await process_user(1, work=work, limiter=free_limiter(), options=options(), sleep=sleep)
    assert result.outcome is Outcome.GENERATED
    assert result.attempts == 3
    assert result.tokens == 100
    assert len(slept) == 2
    assert 1.0 <= slept[0] <= 2.0  # 1 s base + up to 1 s jitter
    assert 2.0 <= slept[1] <= 3.0  # doubled


async def test_retries_give_up_and_record_the_cause() -> None:
    work = ScriptedWork(errors={1: [ServiceError(ErrorCode.AI_TIMEOUT)] * 10})

    async def sleep(seconds: float) -> None:
        return None

    result = await process_user(
        1, work=work, limiter=free_limiter(), options=options(max_attempts=3), sleep=sleep
    )
    assert result.outcome is Outcome.FAILED
    assert result.cause == "AI_TIMEOUT"
    assert result.attempts == 3
    assert work.calls[1] == 3


async def test_permanent_errors_are_not_retried() -> None:
    work = ScriptedWork(errors={1: [ServiceError(ErrorCode.AI_QUOTA)]})
    result = await process_user(1, work=work, limiter=free_limiter(), options=options())
    assert result.outcome is Outcome.FAILED
    assert result.cause == "AI_QUOTA"
    assert work.calls[1] == 1


async def test_retry_after_pauses_every_worker_through_the_limiter() -> None:
    limiter_waits: list[float] = []

    async def limiter_sleep(seconds: float) -> None:
        limiter_waits.append(seconds)

    async def sleep(seconds: float) -> None:
        return None

    limiter = ProviderLimiter(requests=None, tokens=None, sleep=limiter_sleep)
    work = ScriptedWork(errors={1: [ServiceError(ErrorCode.AI_BUSY, retry_after=30)]})
    result = await process_user(1, work=work, limiter=limiter, options=options(), sleep=sleep)
    assert result.outcome is Outcome.GENERATED
    assert len(limiter_waits) == 1 and 29.0 < limiter_waits[0] <= 30.0
    await limiter.acquire(tokens=1)  # any other worker of this limiter also holds off
    assert len(limiter_waits) == 2


async def test_open_breaker_is_waited_out_instead_of_called() -> None:
    work = ScriptedWork()
    work.breaker_open_for = 2
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    result = await process_user(1, work=work, limiter=free_limiter(), options=options(), sleep=sleep)
    assert result.outcome is Outcome.GENERATED
    assert work.calls[1] == 1
    assert len(slept) == 2


async def test_one_users_failure_never_stops_the_others_and_concurrency_is_bounded() -> None:
    ids = list(range(1, 51))
    work = ScriptedWork(errors={7: [ValueError("broken profile")]}, existing={10, 11})
    counters, _ = await run_engine(
        pages_of(ids), work=work, limiter=free_limiter(), options=options(workers=5)
    )
    assert counters.done == 47
    assert counters.skipped == 2
    assert counters.failed == 1
    assert dict(counters.causes) == {"ValueError": 1}
    assert sorted(work.generated) == [i for i in ids if i not in {7, 10, 11}]
    assert 1 < work.max_in_flight <= 5


async def test_force_regenerates_and_dry_run_calls_nothing() -> None:
    work = ScriptedWork(existing={1, 2})
    counters, _ = await run_engine(
        pages_of([1, 2, 3]), work=work, limiter=free_limiter(), options=options(force=True)
    )
    assert counters.done == 3
    dry = ScriptedWork(existing={1})
    counters, _ = await run_engine(
        pages_of([1, 2, 3]), work=dry, limiter=free_limiter(), options=options(dry_run=True)
    )
    assert (counters.skipped, counters.would_generate, counters.done) == (1, 2, 0)
    assert dry.calls == {}


def test_error_causes_are_stable_names() -> None:
    from django.db import OperationalError

    assert error_cause(ServiceError(ErrorCode.AI_TIMEOUT)) == ("AI_TIMEOUT", True)
    assert error_cause(OperationalError("gone")) == ("DB_UNAVAILABLE", True)
    assert error_cause(KeyError("x")) == ("KeyError", False)


@pytest.mark.parametrize("workers", [1, 3])
async def test_every_user_is_processed_exactly_once(workers: int) -> None:
    work = ScriptedWork()
    ids = list(range(100, 130))
    counters, _ = await run_engine(
        pages_of(ids, 4), work=work, limiter=free_limiter(), options=options(workers=workers)
    )
    assert sorted(work.generated) == ids
    assert counters.processed == len(ids)
    assert [len(page) for page in work.pages] == [4] * 7 + [2]  # prepared page by page


async def test_a_spent_token_budget_stops_calling_the_pipeline() -> None:
    work = ScriptedWork(errors={3: [ServiceError(ErrorCode.AI_QUOTA)]})
    counters, _ = await run_engine(
        pages_of(list(range(1, 11))), work=work, limiter=free_limiter(), options=options(workers=1)
    )
    assert work.generated == [1, 2]
    assert sum(work.calls.values()) == 3
    assert (counters.done, counters.failed, dict(counters.causes)) == (2, 8, {"AI_QUOTA": 8})


class StuckWork(ScriptedWork):
    """generate() never returns: the first call says so and waits until it is cancelled."""

    def __init__(self) -> None:
        super().__init__()
        self.started = asyncio.Event()

    async def generate(self, prepared: Item, *, force: bool) -> Generated:
        self.started.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


async def test_a_cancelled_run_ends_even_when_its_queue_is_full() -> None:
    # What the soft time limit and Ctrl-C do: cancel the run while the page producer waits for room.
    work = StuckWork()
    run = asyncio.create_task(
        run_engine(
            pages_of(list(range(1, 31))), work=work, limiter=free_limiter(), options=options(workers=1)
        )
    )
    await work.started.wait()
    run.cancel()
    # The bound only turns a hang into a failure; a run that ends does so at once.
    done, _ = await asyncio.wait([run], timeout=10)
    assert run in done and run.cancelled()


class BrokenPagesWork(ScriptedWork):
    async def prepare_page(self, user_ids: Sequence[int]) -> dict[int, Item | Exception]:
        raise OperationalError("the database went away")


async def test_a_failed_page_is_raised_as_itself_for_the_tasks_retry_policy() -> None:
    # The chunk task's autoretry_for names OperationalError; a task group would wrap it in an ExceptionGroup.
    with pytest.raises(OperationalError):
        await run_engine(
            pages_of([1, 2, 3]), work=BrokenPagesWork(), limiter=free_limiter(), options=options(workers=2)
        )
