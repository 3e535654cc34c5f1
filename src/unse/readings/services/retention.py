"""Retention of stored readings (docs/privacy.md "Retention of readings and logs")."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from unse.core.db import delete_in_batches
from unse.readings.models import Reading


def readings_purge_expired(
    *, before: datetime, keep: QuerySet[Any, int] | Iterable[int], batch_size: int, dry_run: bool = False
) -> int:
    """Delete (or, `dry_run`, count) the stored readings created before `before`, except the ids in `keep`
    (readings someone saved in their library)."""
    expired = Reading.objects.filter(created_at__lt=before).exclude(pk__in=keep)
    return expired.count() if dry_run else delete_in_batches(expired, batch_size=batch_size)


def readings_delete(*, cache_keys: Iterable[str]) -> None:
    """Drop the stored readings of these keys, so the pipeline generates them again under the same keys
    (`generate_daily_fortunes --force`)."""
    Reading.objects.filter(cache_key__in=list(cache_keys)).delete()
