"""Celery tasks of the nightly batch and the morning delivery. Tasks take ids and call services.

Reliability: every task is idempotent (the daily reading is unique per key, deliveries are unique per
user/day/channel), `acks_late` with `reject_on_worker_lost` (a task whose worker dies goes back to
the queue), hard/soft time limits from settings, and automatic retries with exponential backoff and
jitter for infrastructure errors (database, broker).
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError

from unse.core.clock import kst_today
from unse.fortunes import services
from unse.fortunes.batch import fanout

logger = logging.getLogger(__name__)

INFRA_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)
TASK_OPTIONS: dict[str, Any] = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": INFRA_ERRORS,
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(name="fortunes.fan_out_daily_fortunes", bind=True, **TASK_OPTIONS)
def fan_out_daily_fortunes(self: Task, base_date: str | None = None, force: bool = False) -> int:
    """Beat entry (22:00 KST): split tomorrow's targets into id-range chunks; returns the run id."""
    base = date.fromisoformat(base_date) if base_date else None
    run_id, chunks = fanout.batch_fan_out_plan(base_date=base, force=force, task_id=self.request.id or "")
    for first_id, last_id in chunks:
        generate_daily_chunk.delay(run_id, first_id, last_id)
    logger.info("daily fortunes: run %s fanned out in %s chunk(s)", run_id, len(chunks))
    return run_id


@shared_task(
    name="fortunes.generate_daily_chunk",
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
    # A chunk cut by its soft time limit is sent again and the next try skips the fortunes already stored
    # (the hard limit would end it as failed and lose the chunk; docs/batch.md says when retries run out).
    **(TASK_OPTIONS | {"autoretry_for": (*INFRA_ERRORS, SoftTimeLimitExceeded)}),
)
def generate_daily_chunk(run_id: int, first_id: int, last_id: int) -> dict[str, int]:
    """Generate the daily fortunes of the targets with first_id <= id <= last_id (a redelivery skips done ones)."""
    return fanout.batch_chunk_run(run_id=run_id, first_id=first_id, last_id=last_id)


@shared_task(name="fortunes.send_morning_fortunes", **TASK_OPTIONS)
def send_morning_fortunes(day: str | None = None) -> int:
    """Beat entry (DAILY_FORTUNE_EMAIL_HOUR_KST): one delivery task per opted-in user."""
    target_day = date.fromisoformat(day) if day else None
    count = 0
    for user_ids in services.delivery_recipient_pages(day=target_day):
        for user_id in user_ids:
            deliver_daily_fortune.delay(user_id, (target_day or kst_today()).isoformat())
            count += 1
    return count


@shared_task(
    name="fortunes.deliver_daily_fortune",
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
    **TASK_OPTIONS,
)
def deliver_daily_fortune(user_id: int, day: str) -> bool:
    return services.fortune_deliver(user_id=user_id, day=date.fromisoformat(day))
