"""One whole batch run (command and benchmark): plan → run record → engine → summary → webhook."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import IO, Any, TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings

from unse.fortunes.bucket import ProviderLimiter, limiter_from_settings
from unse.fortunes.engine import DailyWork, EngineOptions, run_engine
from unse.fortunes.models import BatchRun, BatchSource
from unse.fortunes.progress import progress_for
from unse.fortunes.runs import (
    batch_failure_record,
    batch_run_create,
    batch_run_finish,
    batch_run_mark_crashed,
)
from unse.fortunes.selectors import daily_target_count, daily_target_pages
from unse.fortunes.summary import BatchCounters, BatchSummary, Outcome, UserResult
from unse.fortunes.webhook import webhook_send

logger = logging.getLogger("unse.fortunes.batch")

KST = ZoneInfo("Asia/Seoul")
T = TypeVar("T")


def kst_today(*, now: datetime | None = None) -> date:
    return (now or datetime.now(tz=KST)).astimezone(KST).date()


@dataclass(frozen=True, slots=True)
class BatchPlan:
    """What to run. `base_date` is the day the batch runs for; the fortunes are for the next day."""

    base_date: date
    workers: int
    user_id: int | None = None
    dry_run: bool = False
    limit: int | None = None
    force: bool = False

    @property
    def target_date(self) -> date:
        return self.base_date + timedelta(days=1)

    def to_options(self) -> dict[str, Any]:
        data = asdict(self)
        data["base_date"] = self.base_date.isoformat()
        return data


def run_async(main: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run the batch's event loop (uvloop when installed: less CPU per streamed token) with a thread
    pool sized for the pipeline's database calls (`db_call` runs in the loop's default executor)."""

    async def with_executor() -> T:
        loop = asyncio.get_running_loop()
        executor = ThreadPoolExecutor(
            max_workers=settings.DAILY_FORTUNE_DB_THREADS, thread_name_prefix="batch-db"
        )
        loop.set_default_executor(executor)
        return await main()

    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop ships with uvicorn[standard]
        return asyncio.run(with_executor())
    return uvloop.run(with_executor())


def engine_options(*, plan: BatchPlan) -> EngineOptions:
    # More coroutines than the pipeline's per-process stream cap would only earn AI_BUSY retries.
    workers = max(1, min(plan.workers, settings.AI_MAX_STREAMS_PER_WORKER))
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


def batch_execute(
    *,
    plan: BatchPlan,
    work: DailyWork[Any],
    stream: IO[str],
    source: BatchSource = BatchSource.COMMAND,
    limiter: ProviderLimiter | None = None,
    emit: Callable[[str], None] | None = None,
) -> tuple[BatchSummary, BatchRun]:
    """Run the batch synchronously (it owns its event loop); store the summary and notify."""
    run = batch_run_create(
        source=source,
        base_date=plan.base_date,
        target_date=plan.target_date,
        dry_run=plan.dry_run,
        force=plan.force,
        options=plan.to_options(),
    )
    total = daily_target_count(target_date=plan.target_date, user_id=plan.user_id)
    if plan.limit is not None:
        total = min(total, plan.limit)
    reporter = progress_for(stream, every_seconds=settings.DAILY_FORTUNE_LOG_EVERY_SECONDS, emit=emit)
    own_limiter = limiter is None
    active_limiter = limiter or limiter_from_settings()

    async def on_result(result: UserResult, counters: BatchCounters) -> None:
        if result.outcome is Outcome.FAILED:
            await batch_failure_record(run_id=run.pk, result=result)
        reporter.update(counters)

    async def main() -> tuple[BatchCounters, float]:
        try:
            pages = daily_target_pages(
                target_date=plan.target_date,
                user_id=plan.user_id,
                page_size=settings.DAILY_FORTUNE_PAGE_SIZE,
            )
            return await run_engine(
                _limited(pages, plan.limit),
                work=work,
                limiter=active_limiter,
                options=engine_options(plan=plan),
                on_result=on_result,
            )
        finally:
            if own_limiter:
                await active_limiter.aclose()

    reporter.start(total)
    try:
        counters, elapsed = run_async(main)
    except BaseException:
        batch_run_mark_crashed(run_id=run.pk)
        raise
    reporter.stop(counters)
    summary = BatchSummary.from_counters(
        counters,
        target_date=plan.target_date,
        dry_run=plan.dry_run,
        elapsed_seconds=elapsed,
        max_failure_share=settings.DAILY_FORTUNE_MAX_FAILURE_SHARE,
    )
    run = batch_run_finish(run_id=run.pk, summary=summary)
    if not plan.dry_run:
        webhook_send(summary=summary)
    return summary, run
