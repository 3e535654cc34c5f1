"""Writes of the fortunes app: the Celery fan-out and chunks, daily fortunes on demand, morning delivery.

(Batch-run record writes live in `runs.py`, the whole command run in `batch.py`.)
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from datetime import date
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError
from django.template.loader import render_to_string
from django.utils import timezone

from unse.accounts.models import Profile
from unse.core.errors import ErrorCode, ServiceError
from unse.fortunes.batch import BatchPlan, engine_options, kst_today, run_async
from unse.fortunes.bucket import limiter_from_settings
from unse.fortunes.daily import DailyFortune, DailyFortuneWork, daily_fortune_for_profile
from unse.fortunes.engine import run_engine
from unse.fortunes.models import BatchSource, DeliveryChannel, DeliveryStatus, FortuneDelivery
from unse.fortunes.runs import (
    batch_chunks_create,
    batch_failure_clear,
    batch_failure_record,
    batch_run_add_chunk,
    batch_run_create,
    batch_run_finalize_chunks,
    batch_run_heartbeat,
)
from unse.fortunes.selectors import (
    daily_target_id_pages,
    daily_target_pages,
    default_profile_get,
    delivery_recipient_id_pages,
)
from unse.fortunes.summary import BatchCounters, Outcome, UserResult
from unse.fortunes.webhook import webhook_send

logger = logging.getLogger("unse.fortunes.batch")

__all__ = [
    "batch_chunk_run",
    "batch_fan_out_plan",
    "delivery_recipient_pages",
    "fortune_deliver",
    "fortune_today_get",
    "kst_today",
]


async def fortune_today_get(
    *, user: Any, profile: Profile | None, client_subject: str, request_id: str, day: date | None = None
) -> DailyFortune:
    """Today's (KST) fortune of the user's default profile (`default_profile_get`, read by the caller in
    the same hop as the user): the stored row (cache first, one indexed lookup by key), else generated
    now through the readings pipeline and stored under the same key."""
    if profile is None:
        raise ServiceError(
            ErrorCode.NOT_FOUND,
            message="기본 프로필이 없습니다. 내 정보에서 생년월일시 프로필을 먼저 만들어 주세요.",
            details={"reason": "no_default_profile"},
        )
    return await daily_fortune_for_profile(
        profile=profile,
        day=day or kst_today(),
        user=user,
        client_subject=client_subject,
        request_id=request_id,
    )


def batch_fan_out_plan(
    *, base_date: date | None, force: bool, task_id: str = ""
) -> tuple[int, list[tuple[int, int]]]:
    """Create the run record and split the targets into (first_id, last_id) chunks.

    Only chunk boundaries are kept (one pair per DAILY_FORTUNE_CHUNK_SIZE users), so planning a
    million users holds a few thousand integers, read by keyset pages. Idempotent per Celery task id:
    a redelivered fan-out reuses its run and returns only the chunks not finished yet.
    """
    from unse.fortunes.models import BatchChunk, BatchRun

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
    from unse.fortunes.models import BatchRun

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


def delivery_recipient_pages(*, day: date | None = None) -> Iterator[list[int]]:
    del day
    return delivery_recipient_id_pages(page_size=settings.DAILY_FORTUNE_PAGE_SIZE)


def fortune_deliver(*, user_id: int, day: date) -> bool:
    """Mail one user the fortune of `day` (generated on demand if the batch missed it); at most once.

    The delivery row (unique per user, day, channel) is claimed before sending; a redelivered task
    finds it SENT and does nothing. Extra channels (push) are called after the e-mail.
    """
    from unse.accounts.models import User

    user = User.objects.filter(pk=user_id, is_active=True, deleted_at__isnull=True).first()
    profile = default_profile_get(user_id=user_id)
    if user is None or profile is None or not profile.daily_fortune or not user.email:
        return False
    try:
        delivery, _ = FortuneDelivery.objects.get_or_create(user=user, day=day, channel=DeliveryChannel.EMAIL)
    except IntegrityError:
        delivery = FortuneDelivery.objects.get(user=user, day=day, channel=DeliveryChannel.EMAIL)
    if delivery.status == DeliveryStatus.SENT:
        return False
    fortune = asyncio.run(daily_fortune_for_profile(profile=profile, day=day))
    context = {"user": user, "profile_label": profile.label, "day": day, "fortune": fortune}
    message = EmailMultiAlternatives(
        subject=render_to_string("fortunes/email/daily_subject.txt", context).strip(),
        body=render_to_string("fortunes/email/daily_body.txt", context),
        from_email=settings.DAILY_FORTUNE_EMAIL_FROM,
        to=[user.email],
    )
    message.send()
    FortuneDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SENT, sent_at=timezone.now())
    _extra_channels(user_id=user_id, fortune=fortune)
    return True


def _extra_channels(*, user_id: int, fortune: object) -> None:
    """Push and other channels: each dotted path in DAILY_FORTUNE_EXTRA_CHANNELS is called (docs/batch.md)."""
    from django.utils.module_loading import import_string

    for path in settings.DAILY_FORTUNE_EXTRA_CHANNELS:
        try:
            import_string(path)(user_id=user_id, fortune=fortune)
        except Exception:  # noqa: BLE001 - a broken push channel must not undo the sent e-mail
            logger.warning("delivery channel %s failed for user %s", path, user_id, exc_info=True)
