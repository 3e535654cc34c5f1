"""Reads of stored readings (sync ORM; async callers go through `unse.readings.db.db_call`)."""

from __future__ import annotations

from collections.abc import Sequence

from unse.core.errors import ErrorCode, ServiceError
from unse.readings.models import Reading


def reading_find_cached(*, cache_keys: Sequence[str]) -> Reading | None:
    """The stored reading of the first key (in the given preference order) that has one."""
    if not cache_keys:
        return None
    found = {reading.cache_key: reading for reading in Reading.objects.filter(cache_key__in=list(cache_keys))}
    for key in cache_keys:
        if key in found:
            return found[key]
    return None


def reading_get(*, public_id: str) -> Reading:
    reading = Reading.objects.filter(public_id=public_id).first()
    if reading is None:
        raise ServiceError(ErrorCode.NOT_FOUND, message="풀이를 찾을 수 없습니다. 주소를 확인해 주세요.")
    return reading
