"""Staff reads and changes of personal data (the admin's access log) and its retention."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from unse.accounts.models import AdminAccessLog
from unse.core.db import delete_in_batches


def admin_access_log(
    *, staff: Any, action: str, model_label: str, object_id: str, path: str
) -> AdminAccessLog:
    return AdminAccessLog.objects.create(
        staff=staff if getattr(staff, "pk", None) else None,
        staff_username=getattr(staff, "username", "")[:150],
        action=action[:16],
        model_label=model_label[:100],
        object_id=str(object_id)[:64],
        path=path[:300],
    )


def staff_access_logs_purge_expired(*, before: datetime, batch_size: int, dry_run: bool = False) -> int:
    """Delete (or, `dry_run`, count) the staff access log rows written before `before`."""
    expired = AdminAccessLog.objects.filter(created_at__lt=before)
    return expired.count() if dry_run else delete_in_batches(expired, batch_size=batch_size)
