"""Per-worker caps of open reading streams: beyond them a new stream is refused at once (503 AI_BUSY +
Retry-After) instead of every open stream slowing down together.

Three counts (issue 20, finding 3: one client with one charged request and 19 joiners filled the cap):
- streams that lead a generation or serve a stored text: `AI_MAX_STREAMS_PER_WORKER`;
- joiners of a running generation (they share its upstream stream and are not charged) in their own pool,
  `AI_MAX_JOINERS_PER_WORKER`, so joiners can never take a leader's slot;
- every stream of one client (rate-limit subject: `user:<id>` or the IP / IPv6 /64), leaders and joiners
  alike: `AI_MAX_STREAMS_PER_CLIENT`, else 429 AI_TOO_MANY_STREAMS. Callers that are not charged (the nightly
  batch) pass no subject.

Counted in the worker's event loop thread only (async context manager), so no lock is needed.
"""

from __future__ import annotations

from django.conf import settings

from unse.ai import metrics
from unse.core.errors import ErrorCode, ServiceError

_open = 0
_joined = 0
_by_client: dict[str, int] = {}


def open_streams() -> int:
    """Streams that lead a generation or serve a stored text (joiners are counted apart)."""
    return _open


def joined_streams() -> int:
    return _joined


def client_streams(subject: str) -> int:
    return _by_client.get(subject, 0)


def _retry_after() -> int:
    return int(settings.AI_STREAM_RETRY_AFTER_SECONDS)


def client_refusal(subject: str | None) -> ServiceError | None:
    """429 AI_TOO_MANY_STREAMS when `subject` already holds its share of this worker's streams."""
    cap = int(settings.AI_MAX_STREAMS_PER_CLIENT)
    if subject is None or client_streams(subject) < cap:
        return None
    return ServiceError(
        ErrorCode.AI_TOO_MANY_STREAMS,
        details={"client_streams": client_streams(subject), "cap": cap},
        retry_after=_retry_after(),
    )


def worker_refusal(*, joined: bool) -> ServiceError | None:
    """503 AI_BUSY when this worker's pool (joiners', or everyone else's) is full."""
    if joined:
        count, cap = _joined, int(settings.AI_MAX_JOINERS_PER_WORKER)
    else:
        count, cap = _open, int(settings.AI_MAX_STREAMS_PER_WORKER)
    if count < cap:
        return None
    return ServiceError(
        ErrorCode.AI_BUSY, details={"open_streams": count, "cap": cap}, retry_after=_retry_after()
    )


def stream_refusal(*, subject: str | None, joined: bool) -> ServiceError | None:
    """Why a new stream of `subject` (a joiner or not) cannot open on this worker now, or None."""
    return client_refusal(subject) or worker_refusal(joined=joined)


class stream_slot:
    """One of this worker's stream slots for the life of an open stream (see the module docstring).

    A class rather than an `asynccontextmanager`: an open stream would keep that generator, its frame and
    its wrapper for its whole life (issue 19: memory per open stream); entering and leaving never wait."""

    __slots__ = ("joined", "subject")

    def __init__(self, *, subject: str | None = None, joined: bool = False) -> None:
        self.subject = subject
        self.joined = joined

    async def __aenter__(self) -> None:
        global _open, _joined
        refusal = stream_refusal(subject=self.subject, joined=self.joined)
        if refusal is not None:
            metrics.STREAMS_REJECTED.inc()
            refusal.headers["Retry-After"] = str(refusal.retry_after)
            raise refusal
        if self.joined:
            _joined += 1
        else:
            _open += 1
        if self.subject is not None:
            _by_client[self.subject] = _by_client.get(self.subject, 0) + 1
        metrics.OPEN_STREAMS.set(_open + _joined)

    async def __aexit__(self, *exc_info: object) -> None:
        global _open, _joined
        if self.joined:
            _joined -= 1
        else:
            _open -= 1
        subject = self.subject
        if subject is not None:
            left = _by_client[subject] - 1
            if left:
                _by_client[subject] = left
            else:
                del _by_client[subject]
        metrics.OPEN_STREAMS.set(_open + _joined)
