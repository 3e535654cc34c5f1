"""Public ids of personal objects: random UUIDs in URLs and exports (the sequential pk never leaves the
server). A malformed or foreign id answers NOT_FOUND exactly like a missing one (no existence oracle)."""

from __future__ import annotations

import uuid

from unse.core.errors import ErrorCode, ServiceError


def not_found() -> ServiceError:
    return ServiceError(ErrorCode.NOT_FOUND)


def public_id_or_404(public_id: str | uuid.UUID) -> uuid.UUID:
    if isinstance(public_id, uuid.UUID):
        return public_id
    try:
        return uuid.UUID(str(public_id))
    except ValueError as exc:
        raise not_found() from exc
