"""Reads of stored readings (sync ORM; async callers go through `unse.readings.db.db_call`)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connection

from unse.core.errors import ErrorCode, ServiceError
from unse.readings.models import Reading

# What serving a stored reading reads: not the facts document, whose JSON would be decoded on every hit
# for nothing. Any other column is loaded on access (Django's deferred fields).
# (In the model's field order: `Model.from_db` maps a partial row by that order.)
_SERVED = frozenset({"id", "public_id", "cache_key", "generated_by", "provider", "model", "text", "html", "html_version"})
SERVED_FIELDS = tuple(field.attname for field in Reading._meta.concrete_fields if field.attname in _SERVED)


@cache
def _served_sql(keys: int) -> str:
    # A cache hit is the hottest query of the service: written once as SQL (portable, quoted by the backend)
    # it costs ~0.07 ms instead of ~0.4 ms of ORM query building per request (BENCHMARKS.md "Cached path").
    quote = connection.ops.quote_name
    column_of = {field.attname: str(field.column) for field in Reading._meta.concrete_fields}
    columns = ", ".join(quote(column_of[name]) for name in SERVED_FIELDS)
    placeholders = ", ".join(["%s"] * keys)
    table = quote(Reading._meta.db_table)
    key = quote(column_of["cache_key"])
    return f"SELECT {columns} FROM {table} WHERE {key} IN ({placeholders})"  # noqa: S608 - names from _meta


def reading_find_cached(*, cache_keys: Sequence[str]) -> Reading | None:
    """The stored reading of the first key (in the given preference order) that has one (the columns a
    cache hit serves; any other column is loaded on access)."""
    if not cache_keys:
        return None
    with connection.cursor() as cursor:
        cursor.execute(_served_sql(len(cache_keys)), list(cache_keys))
        rows = cursor.fetchall()
    found = {}
    for row in rows:
        reading = Reading.from_db(DEFAULT_DB_ALIAS, list(SERVED_FIELDS), row)
        found[reading.cache_key] = reading
    for key in cache_keys:
        if key in found:
            return found[key]
    return None


def reading_get(*, public_id: str) -> Reading:
    reading = Reading.objects.filter(public_id=public_id).first()
    if reading is None:
        raise ServiceError(ErrorCode.NOT_FOUND, message="풀이를 찾을 수 없습니다. 주소를 확인해 주세요.")
    return reading
