"""Reads of stored readings (sync ORM; async callers go through `unse.core.db.db_call`)."""

from __future__ import annotations

from collections.abc import Sequence

from unse.core.errors import ErrorCode, ServiceError
from unse.core.fastread import FieldsReader
from unse.readings.models import Reading

# What serving a stored reading reads: not the facts document, whose JSON would be decoded on every hit
# for nothing. Any other column is loaded on access (Django's deferred fields). A cache hit is the hottest
# query of the service: one statement built from `_meta` (unse.core.fastread, BENCHMARKS.md "Cached path").
_SERVED = FieldsReader(
    Reading,
    {"id", "public_id", "cache_key", "generated_by", "provider", "model", "text", "html", "html_version"},
)
SERVED_FIELDS = tuple(_SERVED.attnames)


def reading_find_cached(*, cache_keys: Sequence[str]) -> Reading | None:
    """The stored reading of the first key (in the given preference order) that has one (the columns a
    cache hit serves; any other column is loaded on access)."""
    found = {reading.cache_key: reading for reading in _SERVED.filter_in("cache_key", list(cache_keys))}
    for key in cache_keys:
        if key in found:
            return found[key]
    return None


def reading_get(*, public_id: str) -> Reading:
    reading = Reading.objects.filter(public_id=public_id).first()
    if reading is None:
        raise ServiceError(ErrorCode.NOT_FOUND, message="풀이를 찾을 수 없습니다. 주소를 확인해 주세요.")
    return reading


def reading_exists(*, cache_keys: Sequence[str]) -> bool:
    return Reading.objects.filter(cache_key__in=cache_keys).exists()


def readings_existing(*, cache_keys: Sequence[str]) -> set[str]:
    """Which of `cache_keys` have a stored reading (one query; the batch's page-wise preparation)."""
    return set(Reading.objects.filter(cache_key__in=cache_keys).values_list("cache_key", flat=True))


def rules_reading_for(*, fingerprint: str) -> Reading | None:
    """A stored rule-based full reading of the same chart (the chat's built-in answers read its sections)."""
    return (
        Reading.objects.filter(fingerprint=fingerprint, kind="saju", topic="general", generated_by="rules")
        .order_by("-created_at")
        .first()
    )
