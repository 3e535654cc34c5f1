"""Celery tasks of the operators' console (scheduled by CELERY_BEAT_SCHEDULE, config/settings/components/ops.py)."""

from __future__ import annotations

from celery import shared_task

from unse.ops import services


@shared_task(name="ops.purge_expired", acks_late=True)
def purge_expired() -> dict[str, int]:
    """Delete readings and logs past their retention period (idempotent: a rerun deletes nothing more)."""
    return services.retention_purge().as_dict()
