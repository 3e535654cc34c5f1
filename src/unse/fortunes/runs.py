"""Writes of batch-run records (summary numbers, per-user failures); used by the command and the tasks."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from unse.fortunes.models import BatchChunk, BatchFailure, BatchRun, BatchSource, BatchStatus
from unse.fortunes.summary import BatchCounters, BatchSummary, UserResult
from unse.readings.db import db_call


def batch_run_create(
    *,
    source: BatchSource,
    base_date: date,
    target_date: date,
    dry_run: bool,
    force: bool,
    options: dict[str, Any],
) -> BatchRun:
    return BatchRun.objects.create(
        source=source,
        base_date=base_date,
        target_date=target_date,
        dry_run=dry_run,
        force=force,
        options=options,
    )


def _failure_record(*, run_id: int, result: UserResult) -> None:
    BatchFailure.objects.update_or_create(
        run_id=run_id,
        user_id=result.user_id,
        defaults={"cause": result.cause, "message": result.message, "attempts": result.attempts},
    )


def _failure_clear(*, run_id: int, user_id: int) -> None:
    BatchFailure.objects.filter(run_id=run_id, user_id=user_id).delete()


async def batch_failure_record(*, run_id: int, result: UserResult) -> None:
    await db_call(_failure_record, run_id=run_id, result=result)


async def batch_failure_clear(*, run_id: int, user_id: int) -> None:
    """A user who succeeded on a redelivered chunk no longer counts as failed."""
    await db_call(_failure_clear, run_id=run_id, user_id=user_id)


def _finish(*, run_id: int, summary: BatchSummary) -> bool:
    return bool(
        BatchRun.objects.filter(pk=run_id, finished_at__isnull=True).update(
            status=BatchStatus.SUCCEEDED if summary.ok else BatchStatus.FAILED,
            finished_at=timezone.now(),
            targets=summary.targets,
            done=summary.done,
            skipped=summary.skipped,
            failed=summary.failed,
            failures_by_cause=dict(summary.failures_by_cause),
            tokens_used=summary.tokens,
            elapsed_seconds=summary.elapsed_seconds,
            rate_per_second=summary.rate_per_second,
        )
    )


def batch_run_finish(*, run_id: int, summary: BatchSummary) -> BatchRun:
    _finish(run_id=run_id, summary=summary)
    return BatchRun.objects.get(pk=run_id)


def batch_chunks_create(*, run_id: int, chunks: list[tuple[int, int]]) -> None:
    BatchChunk.objects.bulk_create(
        [BatchChunk(run_id=run_id, first_id=first, last_id=last) for first, last in chunks], batch_size=1000
    )


def batch_run_add_chunk(*, run_id: int, first_id: int, counters: BatchCounters) -> bool:
    """Add one Celery chunk's tally once; returns True when no chunk of the run is left.

    Marking the chunk finished and adding its numbers happen in one transaction, and only when the chunk
    was not finished before, so a chunk redelivered after its worker died is never counted twice.
    Counters are added with F() so concurrent chunks on many machines never lose an update; failures come
    from the per-user failure table (unique per run and user).
    """
    with transaction.atomic():
        claimed = BatchChunk.objects.filter(
            run_id=run_id, first_id=first_id, finished_at__isnull=True
        ).update(finished_at=timezone.now())
        if claimed:
            BatchRun.objects.filter(pk=run_id).update(
                done=F("done") + counters.done,
                skipped=F("skipped") + counters.skipped,
                tokens_used=F("tokens_used") + counters.tokens,
            )
    return not BatchChunk.objects.filter(run_id=run_id, finished_at__isnull=True).exists()


def batch_run_finalize_chunks(*, run_id: int, max_failure_share: float) -> BatchSummary | None:
    """Close a fanned-out run once (the first caller wins); failures come from the failure table."""
    run = BatchRun.objects.get(pk=run_id)
    if run.finished_at is not None:
        return None
    causes: Counter[str] = Counter(
        {
            row["cause"]: row["n"]
            for row in BatchFailure.objects.filter(run_id=run_id).values("cause").annotate(n=Count("id"))
        }
    )
    counters = BatchCounters(
        done=run.done, skipped=run.skipped, failed=sum(causes.values()), tokens=run.tokens_used
    )
    counters.causes = causes
    summary = BatchSummary.from_counters(
        counters,
        target_date=run.target_date,
        dry_run=run.dry_run,
        elapsed_seconds=(timezone.now() - run.started_at).total_seconds(),
        max_failure_share=max_failure_share,
    )
    return summary if _finish(run_id=run_id, summary=summary) else None


def batch_run_mark_crashed(*, run_id: int) -> None:
    BatchRun.objects.filter(pk=run_id, finished_at__isnull=True).update(
        status=BatchStatus.CRASHED, finished_at=timezone.now()
    )
