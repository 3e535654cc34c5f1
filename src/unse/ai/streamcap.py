"""Per-worker cap of open reading streams: beyond `AI_MAX_STREAMS_PER_WORKER` a new stream is refused at
once with 503 AI_BUSY + Retry-After, instead of every open stream slowing down together.

Counted in the worker's event loop thread only (async context manager), so no lock is needed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from django.conf import settings

from unse.ai import metrics
from unse.core.errors import ErrorCode, ServiceError

_open = 0


def open_streams() -> int:
    return _open


@asynccontextmanager
async def stream_slot() -> AsyncIterator[None]:
    global _open
    cap = int(settings.AI_MAX_STREAMS_PER_WORKER)
    if _open >= cap:
        metrics.STREAMS_REJECTED.inc()
        retry_after = int(settings.AI_STREAM_RETRY_AFTER_SECONDS)
        raise ServiceError(
            ErrorCode.AI_BUSY,
            details={"open_streams": _open, "cap": cap},
            retry_after=retry_after,
            headers={"Retry-After": str(retry_after)},
        )
    _open += 1
    metrics.OPEN_STREAMS.set(_open)
    try:
        yield
    finally:
        _open -= 1
        metrics.OPEN_STREAMS.set(_open)
