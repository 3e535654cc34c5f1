"""One whole batch run (command and benchmark): plan → run record → workers → summary → webhook."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import signal
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from multiprocessing.queues import Queue
from types import FrameType
from typing import IO, Any, TypeVar

import uvloop
from django.conf import settings
from django.core.management.base import OutputWrapper

from unse.ai.budget import UNLIMITED, token_budget_remaining
from unse.ai.providers import configured_providers
from unse.fortunes.batch.bucket import ProviderLimiter, limiter_from_settings
from unse.fortunes.batch.processes import (
    ChildChannel,
    IdRange,
    Message,
    Monitor,
    ProgressBoard,
    exit_with_parent,
    fork_children,
    split_targets,
    stop_children,
)
from unse.fortunes.batch.progress import progress_for
from unse.fortunes.batch.runs import (
    batch_failure_record,
    batch_run_create,
    batch_run_finish,
    batch_run_mark_crashed,
)
from unse.fortunes.batch.summary import BatchCounters, BatchSummary, Outcome, UserResult
from unse.fortunes.batch.webhook import webhook_send
from unse.fortunes.batch.workers import DailyWork, EngineOptions, run_engine
from unse.fortunes.models import BatchRun, BatchSource
from unse.fortunes.selectors import daily_target_count, daily_target_pages

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class BatchPlan:
    """What to run. `base_date` is the day the batch runs for; the fortunes are for the next day."""

    base_date: date
    workers: int
    user_id: int | None = None
    dry_run: bool = False
    limit: int | None = None
    force: bool = False
    processes: int = 1

    @property
    def target_date(self) -> date:
        return self.base_date + timedelta(days=1)

    def to_options(self) -> dict[str, Any]:
        data = asdict(self)
        data["base_date"] = self.base_date.isoformat()
        return data


def run_async(main: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run the batch's event loop (uvloop: less CPU per streamed token) with a thread
    pool sized for the pipeline's database calls (`db_call` runs in the loop's default executor).

    An exception raised by a signal handler while the loop runs (Celery's soft time limit) cancels the run and
    is raised here once it has unwound, whatever the unwinding raised. Left alone, uvloop would log and drop it
    when it lands in a callback (the usual case: the signal wakes an idle loop), and a coroutine would take it
    for one user's failure. KeyboardInterrupt and SystemExit are left alone: the loop already lets them
    through, and a second Ctrl-C must still stop a run whose unwinding hangs.
    """
    raised: list[Exception] = []

    async def with_executor() -> T:
        loop = asyncio.get_running_loop()
        executor = ThreadPoolExecutor(
            max_workers=settings.DAILY_FORTUNE_DB_THREADS, thread_name_prefix="batch-db"
        )
        loop.set_default_executor(executor)
        task = asyncio.current_task()
        if task is None:  # pragma: no cover - uvloop.run runs the coroutine as its main task
            raise RuntimeError("run_async: no current task")
        with _signals_cancel(task=task, raised=raised):
            return await main()

    try:
        result = uvloop.run(with_executor())
    except BaseException as unwound:
        if raised:
            raise raised[0] from unwound
        raise
    if raised:  # the run ended without noticing the cancellation: its result is partial
        raise raised[0]
    return result


@contextlib.contextmanager
def _signals_cancel(*, task: asyncio.Task[Any], raised: list[Exception]) -> Iterator[None]:
    """While inside, a signal handler that raises an Exception cancels `task` instead, and the exception goes
    in `raised`; a second one is raised as it comes (the run is already stopping)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread runs signal handlers (and may replace them)
        return

    def wrap(handler: Callable[[int, FrameType | None], Any]) -> Callable[[int, FrameType | None], None]:
        def on_signal(signum: int, frame: FrameType | None) -> None:
            try:
                handler(signum, frame)
            except Exception as exc:
                if raised:
                    raise
                raised.append(exc)
                task.cancel()

        return on_signal

    previous = {
        signum: handler for signum in signal.valid_signals() if callable(handler := signal.getsignal(signum))
    }
    wrappers = {signum: wrap(handler) for signum, handler in previous.items()}
    # Blocked while the handlers change, so that no signal finds half of them swapped (a wrapper left behind
    # would cancel a finished task and drop a later run's soft time limit); pending ones arrive after.
    with _blocked(previous):
        for signum, wrapper in wrappers.items():
            signal.signal(signum, wrapper)
    try:
        yield
    finally:
        with _blocked(previous):
            for signum, handler in previous.items():
                # A handler that replaced itself meanwhile (billiard's shutdown sets SIG_DFL) keeps its choice.
                if signal.getsignal(signum) is wrappers[signum]:
                    signal.signal(signum, handler)


@contextlib.contextmanager
def _blocked(signals: Iterable[int]) -> Iterator[None]:
    before = signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def engine_options(*, plan: BatchPlan, processes: int = 1) -> EngineOptions:
    # Each of the run's processes gets its share of the concurrency; more coroutines than the pipeline's
    # per-process stream cap would only earn AI_BUSY retries.
    workers = max(1, min(math.ceil(plan.workers / max(1, processes)), settings.AI_MAX_STREAMS_PER_WORKER))
    return EngineOptions(
        workers=workers,
        dry_run=plan.dry_run,
        force=plan.force,
        max_attempts=settings.DAILY_FORTUNE_MAX_ATTEMPTS,
        retry_base_seconds=settings.DAILY_FORTUNE_RETRY_BASE_SECONDS,
        retry_max_seconds=settings.DAILY_FORTUNE_RETRY_MAX_SECONDS,
        tokens_estimate=settings.DAILY_FORTUNE_TOKENS_ESTIMATE,
    )


async def _limited(pages: AsyncIterator[Sequence[int]], limit: int | None) -> AsyncIterator[Sequence[int]]:
    left = limit
    async for page in pages:
        if left is None:
            yield page
            continue
        yield page[:left]
        left -= len(page[:left])
        if left <= 0:
            return


class BatchProcessDied(Exception):
    """A worker process of a `--processes` run ended without its tally (killed, out of memory, crashed)."""


async def budget_warning(*, targets: int) -> str | None:
    """A clear line before the first call when the day's token budget cannot cover the targets."""
    if targets <= 0 or not configured_providers():
        return None
    remaining = await token_budget_remaining(batch=True)
    estimate = max(1, settings.DAILY_FORTUNE_TOKENS_ESTIMATE)
    if remaining == UNLIMITED or remaining >= targets * estimate:
        return None
    return (
        f"경고: 오늘 남은 AI 토큰 예산 {remaining:,} 으로는 약 {remaining // estimate:,}명분만 생성할 수 있습니다"
        f" (대상 {targets:,}명 × 약 {estimate:,} 토큰). AI_DAILY_TOKEN_BUDGET 을 늘리지 않으면 나머지는"
        " AI_QUOTA 로 실패합니다 (docs/batch.md, 예산 산정)."
    )


def _run_share(
    *,
    plan: BatchPlan,
    work: DailyWork[Any],
    share: IdRange | None,
    processes: int,
    limiter: ProviderLimiter | None,
    on_result: Callable[[UserResult, BatchCounters], Awaitable[None]],
    parent_pid: int | None = None,
) -> tuple[BatchCounters, float]:
    """The async engine over one share of the targets (all of them when `share` is None)."""
    own_limiter = limiter is None
    # Without Redis each process only knows its own bucket: it gets 1/N of the batch's share.
    active_limiter = limiter or limiter_from_settings(divide=processes)

    async def main() -> tuple[BatchCounters, float]:
        watchdog = asyncio.create_task(exit_with_parent(parent_pid)) if parent_pid is not None else None
        try:
            pages = daily_target_pages(
                target_date=plan.target_date,
                user_id=plan.user_id,
                page_size=settings.DAILY_FORTUNE_PAGE_SIZE,
                first_id=share.first_id if share is not None else None,
                last_id=share.last_id if share is not None else None,
            )
            return await run_engine(
                # A share already holds exactly its part of --limit.
                _limited(pages, plan.limit if share is None else None),
                work=work,
                limiter=active_limiter,
                options=engine_options(plan=plan, processes=processes),
                on_result=on_result,
            )
        finally:
            if watchdog is not None:
                watchdog.cancel()
            if own_limiter:
                await active_limiter.aclose()

    return run_async(main)


def _child(
    *, run_id: int, plan: BatchPlan, work: DailyWork[Any], shares: list[IdRange], parent_pid: int
) -> Callable[[int, Queue[Message]], None]:
    def target(index: int, messages: Queue[Message]) -> None:
        # Executors and locks left behind by the parent were replaced at the fork (unse.core.process).
        channel = ChildChannel(index, messages)

        async def on_result(result: UserResult, counters: BatchCounters) -> None:
            if result.outcome is Outcome.FAILED:
                await batch_failure_record(run_id=run_id, result=result)
            channel.progress(counters)

        try:
            counters, elapsed = _run_share(
                plan=plan,
                work=work,
                share=shares[index],
                processes=len(shares),
                limiter=None,
                on_result=on_result,
                parent_pid=parent_pid,
            )
        except BaseException as error:
            logger.exception("daily fortunes: worker process %s failed", index)
            channel.error(error)
            raise SystemExit(1) from error
        channel.final(counters, elapsed)

    return target


def batch_execute(
    *,
    plan: BatchPlan,
    work: DailyWork[Any],
    stream: IO[str] | OutputWrapper,
    source: BatchSource = BatchSource.COMMAND,
    limiter: ProviderLimiter | None = None,
    emit: Callable[[str], None] | None = None,
) -> tuple[BatchSummary, BatchRun]:
    """Run the batch synchronously (it owns its event loops and, with `plan.processes` > 1, forks its
    worker processes); store one summary for the whole run and notify."""
    run = batch_run_create(
        source=source,
        base_date=plan.base_date,
        target_date=plan.target_date,
        dry_run=plan.dry_run,
        force=plan.force,
        options=plan.to_options(),
    )
    interrupted = tuple(int(pk) for pk in run.options.get("interrupted_runs", []))
    say = emit or logger.warning
    if interrupted:
        say(
            f"신호가 끊긴 이전 실행 {', '.join(f'#{pk}' for pk in interrupted)} 을(를) '중단됨(응답 없음)'으로 표시했습니다."
        )
    total = daily_target_count(target_date=plan.target_date, user_id=plan.user_id)
    if plan.limit is not None:
        total = min(total, plan.limit)
    shares: list[IdRange | None] = [None]
    if plan.processes > 1:
        shares = list(
            split_targets(processes=plan.processes, total=total, user_id=plan.user_id, limit=plan.limit)
        )
        shares = shares or [None]
        total = sum(share.count for share in shares if share is not None)
    if not plan.dry_run and (warning := run_async(lambda: budget_warning(targets=total))):
        say(warning)
    started = time.monotonic()
    children, messages = fork_children(
        len(shares) - 1,
        _child(
            run_id=run.pk,
            plan=plan,
            work=work,
            shares=[s for s in shares if s is not None],
            parent_pid=os.getpid(),
        ),
    )
    board = ProgressBoard()
    reporter = progress_for(stream, every_seconds=settings.DAILY_FORTUNE_LOG_EVERY_SECONDS, emit=emit)
    monitor = Monitor(
        run_id=run.pk,
        board=board,
        reporter=reporter,
        messages=messages,
        heartbeat_seconds=settings.DAILY_FORTUNE_HEARTBEAT_SECONDS,
    )

    async def on_result(result: UserResult, counters: BatchCounters) -> None:
        board.own = counters
        if result.outcome is Outcome.FAILED:
            await batch_failure_record(run_id=run.pk, result=result)

    reporter.start(total)
    monitor.start()
    try:
        own, _ = _run_share(
            plan=plan, work=work, share=shares[0], processes=len(shares), limiter=limiter, on_result=on_result
        )
        board.own = own
        for child in children:
            child.join()
    except BaseException:
        stop_children(children)
        monitor.stop()
        reporter.stop(board.merged())
        batch_run_mark_crashed(run_id=run.pk, counters=board.merged())
        raise
    monitor.stop()
    counters = board.merged()
    reporter.stop(counters)
    lost = [child.name for index, child in enumerate(children, start=1) if index not in board.finished]
    if lost:
        batch_run_mark_crashed(run_id=run.pk, counters=counters)
        details = "; ".join(board.errors.values()) or "exit codes " + ", ".join(
            str(child.exitcode) for child in children
        )
        raise BatchProcessDied(f"{len(lost)} worker process(es) ended without a tally: {details}")
    summary = BatchSummary.from_counters(
        counters,
        target_date=plan.target_date,
        dry_run=plan.dry_run,
        elapsed_seconds=time.monotonic() - started,
        max_failure_share=settings.DAILY_FORTUNE_MAX_FAILURE_SHARE,
        interrupted_runs=interrupted,
        tokens_per_call=settings.DAILY_FORTUNE_TOKENS_ESTIMATE,
    )
    run = batch_run_finish(run_id=run.pk, summary=summary)
    if not plan.dry_run:
        webhook_send(summary=summary)
    return summary, run
