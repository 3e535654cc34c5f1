"""Writes of batch-run records (summary numbers, per-user failures); used by the command and the tasks."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from unse.core.db import db_call, delete_in_batches
from unse.fortunes.batch.summary import BatchCounters, BatchSummary, UserResult
from unse.fortunes.models import BatchChunk, BatchFailure, BatchRun, BatchSource, BatchStatus


def batch_run_create(
    *,
    source: BatchSource,
    base_date: date,
    target_date: date,
    dry_run: bool,
    force: bool,
    options: dict[str, Any],
) -> BatchRun:
    """A new RUNNING row; first marks the runs that stopped sending heartbeats as interrupted (their ids
    are kept in the new row's options as `interrupted_runs`, and shown in its summary)."""
    interrupted = batch_runs_mark_stale()
    return BatchRun.objects.create(
        source=source,
        base_date=base_date,
        target_date=target_date,
        dry_run=dry_run,
        force=force,
        options=options | ({"interrupted_runs": interrupted} if interrupted else {}),
        heartbeat_at=timezone.now(),
    )


def stale_after(source: str) -> timedelta:
    """How long a RUNNING row may go without a heartbeat. A command beats every few seconds; a Celery run
    only when a chunk starts or ends, and a chunk lost with its worker returns after the broker's
    visibility timeout and may then run up to the hard time limit."""
    seconds = settings.DAILY_FORTUNE_STALE_SECONDS
    if source == BatchSource.CELERY:
        seconds = max(seconds, settings.CELERY_VISIBILITY_TIMEOUT + settings.CELERY_TASK_TIME_LIMIT)
    return timedelta(seconds=seconds)


def batch_runs_mark_stale(*, now: datetime | None = None) -> list[int]:
    """RUNNING rows without a heartbeat for too long → INTERRUPTED (e.g. the command was `kill -9`-ed).

    Nothing else can close such a row: the process that owned it is gone. Returns the marked ids.
    """
    now = now or timezone.now()
    last_sign = Coalesce("heartbeat_at", "started_at")
    stale = Q()
    for source in BatchSource:
        stale |= Q(source=source, last_sign__lt=now - stale_after(source))
    ids = list(
        BatchRun.objects.filter(status=BatchStatus.RUNNING, finished_at__isnull=True)
        .annotate(last_sign=last_sign)
        .filter(stale)
        .values_list("pk", flat=True)
    )
    if ids:
        BatchRun.objects.filter(pk__in=ids, status=BatchStatus.RUNNING, finished_at__isnull=True).update(
            status=BatchStatus.INTERRUPTED, finished_at=now
        )
    return ids


def batch_run_heartbeat(*, run_id: int, counters: BatchCounters | None = None) -> None:
    """The run is alive; with `counters`, the row also shows the progress so far (admin, monitoring)."""
    values: dict[str, Any] = {"heartbeat_at": timezone.now()}
    if counters is not None:
        values |= _tally(counters)
    BatchRun.objects.filter(pk=run_id, finished_at__isnull=True).update(**values)


def _tally(counters: BatchCounters) -> dict[str, Any]:
    return {
        "targets": counters.processed,
        "done": counters.done,
        "skipped": counters.skipped,
        "failed": counters.failed,
        "tokens_used": counters.tokens,
        "ai_calls": counters.ai_calls,
        "retries": counters.retries,
        "fallbacks": counters.fallbacks,
    }


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
            ai_calls=summary.ai_calls,
            retries=summary.retries,
            fallbacks=summary.fallbacks,
            classes=summary.classes,
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
                heartbeat_at=timezone.now(),
                done=F("done") + counters.done,
                skipped=F("skipped") + counters.skipped,
                tokens_used=F("tokens_used") + counters.tokens,
                ai_calls=F("ai_calls") + counters.ai_calls,
                retries=F("retries") + counters.retries,
                fallbacks=F("fallbacks") + counters.fallbacks,
                # Across chunks, the sum of each chunk's distinct classes (an upper bound of the run's).
                classes=F("classes") + len(counters.classes),
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
        done=run.done,
        skipped=run.skipped,
        failed=sum(causes.values()),
        tokens=run.tokens_used,
        ai_calls=run.ai_calls,
        retries=run.retries,
        fallbacks=run.fallbacks,
    )
    counters.causes = causes
    summary = BatchSummary.from_counters(
        counters,
        target_date=run.target_date,
        dry_run=run.dry_run,
        elapsed_seconds=(timezone.now() - run.started_at).total_seconds(),
        max_failure_share=max_failure_share,
        tokens_per_call=settings.DAILY_FORTUNE_TOKENS_ESTIMATE,
        classes=run.classes,
    )
    return summary if _finish(run_id=run_id, summary=summary) else None


def batch_run_mark_crashed(*, run_id: int, counters: BatchCounters | None = None) -> None:
    """The command failed (an exception, or one of its worker processes died); keeps the tally so far."""
    values: dict[str, Any] = {"status": BatchStatus.CRASHED, "finished_at": timezone.now()}
    if counters is not None:
        values |= _tally(counters) | {"failures_by_cause": dict(counters.causes)}
    BatchRun.objects.filter(pk=run_id, finished_at__isnull=True).update(**values)


def batch_runs_purge_expired(*, before: datetime, batch_size: int, dry_run: bool = False) -> int:
    """Delete (or, `dry_run`, count) the finished runs started before `before`, with their failures."""
    expired = BatchRun.objects.filter(started_at__lt=before, finished_at__isnull=False)
    return expired.count() if dry_run else delete_in_batches(expired, batch_size=batch_size)
