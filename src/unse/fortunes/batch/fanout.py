"""The batch under Celery: the fan-out into id-range chunks, and one chunk's run (docs/batch.md)."""

from __future__ import annotations

import logging
from datetime import date

from django.conf import settings

from unse.core.clock import kst_today
from unse.fortunes.batch.bucket import limiter_from_settings
from unse.fortunes.batch.run import BatchPlan, engine_options, run_async
from unse.fortunes.batch.runs import (
    batch_chunks_create,
    batch_failure_clear,
    batch_failure_record,
    batch_run_add_chunk,
    batch_run_create,
    batch_run_finalize_chunks,
    batch_run_heartbeat,
)
from unse.fortunes.batch.summary import BatchCounters, Outcome, UserResult
from unse.fortunes.batch.webhook import webhook_send
from unse.fortunes.batch.work import DailyFortuneWork
from unse.fortunes.batch.workers import run_engine
from unse.fortunes.models import BatchChunk, BatchRun, BatchSource
from unse.fortunes.selectors import daily_target_id_pages, daily_target_pages

logger = logging.getLogger(__name__)


def batch_fan_out_plan(
    *, base_date: date | None, force: bool, task_id: str = ""
) -> tuple[int, list[tuple[int, int]]]:
    """Create the run record and split the targets into (first_id, last_id) chunks.

    Only chunk boundaries are kept (one pair per DAILY_FORTUNE_CHUNK_SIZE users), so planning a
    million users holds a few thousand integers, read by keyset pages. Idempotent per Celery task id:
    a redelivered fan-out reuses its run and returns only the chunks not finished yet.
    """
    if task_id:
        existing = BatchRun.objects.filter(source=BatchSource.CELERY, options__task_id=task_id).first()
        if existing is not None:
            pending = BatchChunk.objects.filter(run=existing, finished_at__isnull=True).order_by("first_id")
            return existing.pk, list(pending.values_list("first_id", "last_id"))
    plan = BatchPlan(
        base_date=base_date or kst_today(), workers=settings.DAILY_FORTUNE_TASK_WORKERS, force=force
    )
    chunks = [
        (page[0], page[-1]) for page in daily_target_id_pages(page_size=settings.DAILY_FORTUNE_CHUNK_SIZE)
    ]
    run = batch_run_create(
        source=BatchSource.CELERY,
        base_date=plan.base_date,
        target_date=plan.target_date,
        dry_run=False,
        force=force,
        options=plan.to_options()
        | {"chunks": len(chunks), "chunk_size": settings.DAILY_FORTUNE_CHUNK_SIZE, "task_id": task_id},
    )
    batch_chunks_create(run_id=run.pk, chunks=chunks)
    if not chunks:
        batch_run_finalize_chunks(run_id=run.pk, max_failure_share=settings.DAILY_FORTUNE_MAX_FAILURE_SHARE)
    return run.pk, chunks


def batch_chunk_run(*, run_id: int, first_id: int, last_id: int) -> dict[str, int]:
    """One Celery chunk: the async engine over targets first_id..last_id, then the run's tally.

    Safe to run again after a worker died (acks_late redelivery): existing fortunes are skipped,
    a user's failure row is replaced, a later success clears it.
    """
    run = BatchRun.objects.get(pk=run_id)
    batch_run_heartbeat(run_id=run_id)
    plan = BatchPlan(base_date=run.base_date, workers=settings.DAILY_FORTUNE_TASK_WORKERS, force=run.force)

    async def on_result(result: UserResult, counters: BatchCounters) -> None:
        if result.outcome is Outcome.FAILED:
            await batch_failure_record(run_id=run_id, result=result)
        elif result.outcome in (Outcome.GENERATED, Outcome.SKIPPED):
            await batch_failure_clear(run_id=run_id, user_id=result.user_id)

    async def main() -> tuple[BatchCounters, float]:
        limiter = limiter_from_settings()
        try:
            pages = daily_target_pages(
                target_date=plan.target_date,
                page_size=settings.DAILY_FORTUNE_PAGE_SIZE,
                first_id=first_id,
                last_id=last_id,
            )
            return await run_engine(
                pages,
                work=DailyFortuneWork(target_date=plan.target_date),
                limiter=limiter,
                options=engine_options(plan=plan),
                on_result=on_result,
            )
        finally:
            await limiter.aclose()

    counters, elapsed = run_async(main)
    logger.info(
        "daily fortunes run %s chunk %s..%s: done %s, skipped %s, failed %s in %.1fs",
        run_id,
        first_id,
        last_id,
        counters.done,
        counters.skipped,
        counters.failed,
        elapsed,
    )
    if batch_run_add_chunk(run_id=run_id, first_id=first_id, counters=counters):
        summary = batch_run_finalize_chunks(
            run_id=run_id, max_failure_share=settings.DAILY_FORTUNE_MAX_FAILURE_SHARE
        )
        if summary is not None:
            logger.info("daily fortunes run %s finished:\n%s", run_id, summary.to_text())
            webhook_send(summary=summary)
    return {"done": counters.done, "skipped": counters.skipped, "failed": counters.failed}
