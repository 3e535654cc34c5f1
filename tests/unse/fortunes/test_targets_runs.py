"""Who is a target (the nightly AI bill), keyset pages, and the batch-run records."""

from __future__ import annotations

from datetime import date

import pytest

from tests.unse.fortunes.conftest import make_target
from unse.fortunes.batch.runs import (
    batch_chunks_create,
    batch_failure_clear,
    batch_failure_record,
    batch_run_add_chunk,
    batch_run_create,
    batch_run_finalize_chunks,
)
from unse.fortunes.batch.summary import BatchCounters, Outcome, UserResult
from unse.fortunes.models import BatchFailure, BatchRun, BatchSource, BatchStatus
from unse.fortunes.selectors import daily_target_count, daily_target_id_pages, daily_target_pages

pytestmark = pytest.mark.django_db(transaction=True)
DAY = date(2026, 11, 25)


def test_targets_are_active_verified_recent_opted_in_users() -> None:
    wanted = [make_target(n=1), make_target(n=2)]
    make_target(n=3, verified=False)
    make_target(n=4, active=False)
    make_target(n=5, deleted=True)
    make_target(n=6, seen_days_ago=45)
    make_target(n=7, seen_days_ago=None)
    make_target(n=8, opted_in=False)
    make_target(n=9, default=False)
    assert daily_target_count(target_date=DAY) == 2
    assert [pk for page in daily_target_id_pages(page_size=100) for pk in page] == wanted


def test_active_days_setting_moves_the_cutoff(settings: object) -> None:
    make_target(n=1, seen_days_ago=45)
    settings.DAILY_FORTUNE_ACTIVE_DAYS = 60  # type: ignore[attr-defined]
    assert daily_target_count(target_date=DAY) == 1


async def test_keyset_pages_cover_every_target_once_in_order() -> None:
    from asgiref.sync import sync_to_async

    ids = [await sync_to_async(make_target)(n=n) for n in range(1, 12)]
    pages = [page async for page in daily_target_pages(target_date=DAY, page_size=4)]
    assert [len(p) for p in pages] == [4, 4, 3]
    assert [pk for page in pages for pk in page] == ids
    ranged = [
        pk
        async for page in daily_target_pages(target_date=DAY, page_size=4, first_id=ids[2], last_id=ids[6])
        for pk in page
    ]
    assert ranged == ids[2:7]


async def test_failures_are_recorded_once_per_user_and_cleared_on_success() -> None:
    from asgiref.sync import sync_to_async

    run = await sync_to_async(batch_run_create)(
        source=BatchSource.CELERY,
        base_date=date(2026, 11, 24),
        target_date=DAY,
        dry_run=False,
        force=False,
        options={},
    )
    failed = UserResult(user_id=7, outcome=Outcome.FAILED, cause="AI_TIMEOUT", message="slow", attempts=4)
    await batch_failure_record(run_id=run.pk, result=failed)
    await batch_failure_record(run_id=run.pk, result=failed)  # redelivered chunk
    await batch_failure_record(run_id=run.pk, result=UserResult(user_id=8, outcome=Outcome.FAILED, cause="X"))
    assert await BatchFailure.objects.filter(run=run).acount() == 2
    await batch_failure_clear(run_id=run.pk, user_id=8)
    assert await BatchFailure.objects.filter(run=run).acount() == 1


def test_chunks_add_up_once_and_the_last_one_finalizes_once() -> None:
    run = batch_run_create(
        source=BatchSource.CELERY,
        base_date=date(2026, 11, 24),
        target_date=DAY,
        dry_run=False,
        force=False,
        options={},
    )
    batch_chunks_create(run_id=run.pk, chunks=[(1, 10), (11, 20)])
    BatchFailure.objects.create(run=run, user_id=3, cause="AI_TIMEOUT")
    first = BatchCounters(done=5, skipped=1, tokens=50)
    assert batch_run_add_chunk(run_id=run.pk, first_id=1, counters=first) is False
    assert (
        batch_run_add_chunk(run_id=run.pk, first_id=1, counters=first) is False
    )  # redelivered: not re-added
    assert batch_run_add_chunk(run_id=run.pk, first_id=11, counters=BatchCounters(done=3, tokens=30)) is True
    summary = batch_run_finalize_chunks(run_id=run.pk, max_failure_share=0.05)
    assert summary is not None
    assert (summary.targets, summary.done, summary.skipped, summary.failed, summary.tokens) == (
        10,
        8,
        1,
        1,
        80,
    )
    assert batch_run_finalize_chunks(run_id=run.pk, max_failure_share=0.05) is None  # only once
    stored = BatchRun.objects.get(pk=run.pk)
    assert stored.status == BatchStatus.FAILED  # 10 % > 5 %
    assert stored.failures_by_cause == {"AI_TIMEOUT": 1}
    assert stored.finished_at is not None
