"""Every staff action lands in one audit trail: the admin's own change log (adds, edits, deletes of any
model) and the accounts part's personal-data access log are mirrored into AuditEntry as they are written,
next to the console's switch changes and actions."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.admin.models import LogEntry
from django.db.models.signals import post_save
from django.dispatch import receiver

from unse.ops.models import AuditEntry, AuditSource

logger = logging.getLogger(__name__)

_ADMIN_ACTIONS = {1: "admin.add", 2: "admin.change", 3: "admin.delete"}


@receiver(post_save, sender=LogEntry, dispatch_uid="ops_mirror_admin_log")
def _mirror_admin_log(sender: Any, instance: LogEntry, created: bool, **kwargs: Any) -> None:
    if not created:
        return
    user = instance.user
    AuditEntry.objects.create(
        actor=user,
        actor_username=user.get_username() if user is not None else "",
        source=AuditSource.ADMIN,
        action=_ADMIN_ACTIONS.get(int(instance.action_flag), "admin.other"),
        target=f"{instance.content_type.app_label}.{instance.content_type.model}:{instance.object_id or ''}"[
            :200
        ]
        if instance.content_type is not None
        else (instance.object_repr or "")[:200],
        before=None,
        after={"repr": instance.object_repr, "change": instance.get_change_message()},
    )


# The accounts part's model by its label: the console reads what it writes, never its internals.
@receiver(post_save, sender="accounts.AdminAccessLog", dispatch_uid="ops_mirror_access_log")
def _mirror_access_log(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if not created:
        return
    AuditEntry.objects.create(
        actor_id=instance.staff_id,
        actor_username=instance.staff_username,
        source=AuditSource.ACCESS,
        action=f"access.{instance.action}"[:64],
        target=f"{instance.model_label}:{instance.object_id}"[:200],
        after={"path": instance.path},
    )
