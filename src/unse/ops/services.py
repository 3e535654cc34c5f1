"""Writes of the operators' console: switches (audited), breaker resets, the audit trail, retention."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from asgiref.sync import async_to_sync
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from unse.ops.models import AuditEntry, AuditSource, RuntimeSwitch
from unse.ops.selectors import VERSION_CACHE_KEY, refresh_switches, switch_get
from unse.ops.switches import SwitchValueError, provider_names, spec_of, switch_parse

logger = logging.getLogger(__name__)

SYSTEM_ACTOR = "system"


def _actor_name(actor: Any) -> str:
    if actor is None:
        return SYSTEM_ACTOR
    if isinstance(actor, str):
        return actor
    return str(actor.get_username())


def _actor_user(actor: Any) -> Any:
    if actor is None or isinstance(actor, str) or not getattr(actor, "pk", None):
        return None
    return actor


def audit_record(
    *,
    actor: Any,
    source: str,
    action: str,
    target: str = "",
    before: Any = None,
    after: Any = None,
) -> AuditEntry:
    """One row of the staff audit trail (who, what, before/after, when)."""
    return AuditEntry.objects.create(
        actor=_actor_user(actor),
        actor_username=_actor_name(actor)[:150],
        source=source,
        action=action[:64],
        target=target[:200],
        before=before,
        after=after,
    )


def _announce_change() -> None:
    """Tell every process (through the shared cache) that a switch changed; this one reloads at once."""
    try:
        cache.set(VERSION_CACHE_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        # Other workers still pick the change up within OPS_SWITCH_MAX_AGE_SECONDS.
        logger.warning("announcing a switch change through the cache failed", exc_info=True)
    refresh_switches(force=True)
    from unse.core.maintenance import reset_maintenance_memo

    reset_maintenance_memo()


def switch_set(*, actor: Any, name: str, value: Any, source: str = AuditSource.CONSOLE) -> Any:
    """Validate and store a switch value, audit it, and make every worker apply it within seconds.

    Raises SwitchValueError (Korean message) for an unknown switch or a bad value."""
    spec = spec_of(name)
    if not spec.editable:
        raise SwitchValueError(f"'{spec.label}'은(는) 직접 바꿀 수 없습니다.")
    parsed = switch_parse(name, value)
    with transaction.atomic():
        row = RuntimeSwitch.objects.select_for_update().filter(name=name).first()
        before = row.value if row is not None else spec.default()
        if row is None:
            row = RuntimeSwitch(name=name, value=parsed, updated_by=_actor_user(actor))
        else:
            row.value = parsed
            row.updated_by = _actor_user(actor)
        row.save()
        audit_record(actor=actor, source=source, action="switch.set", target=name, before=before, after=parsed)
        transaction.on_commit(_announce_change)
    logger.info("switch %s set by %s: %r -> %r", name, _actor_name(actor), before, parsed)
    return parsed


def switch_reset(*, actor: Any, name: str, source: str = AuditSource.CONSOLE) -> Any:
    """Remove the override: the switch returns to its environment default (audited)."""
    spec = spec_of(name)
    with transaction.atomic():
        row = RuntimeSwitch.objects.select_for_update().filter(name=name).first()
        if row is None:
            return spec.default()
        before = row.value
        row.delete()
        audit_record(
            actor=actor, source=source, action="switch.reset", target=name, before=before, after=spec.default()
        )
        transaction.on_commit(_announce_change)
    return spec.default()


def breaker_reset_by_operator(*, actor: Any, provider: str, source: str = AuditSource.CONSOLE) -> None:
    """Close one provider's circuit breaker everywhere (Redis state at once; each process's local
    state on its next switch refresh), audited."""
    from unse.ai.breaker import breaker_reset, breaker_state

    if provider not in provider_names():
        raise SwitchValueError(f"알 수 없는 제공자: {provider}")
    before = async_to_sync(breaker_state)(provider).value
    async_to_sync(breaker_reset)(provider)
    resets = dict(switch_get("breaker.resets") or {})
    resets[provider] = timezone.now().isoformat()
    with transaction.atomic():
        row = RuntimeSwitch.objects.select_for_update().filter(name="breaker.resets").first()
        if row is None:
            RuntimeSwitch.objects.create(name="breaker.resets", value=resets, updated_by=_actor_user(actor))
        else:
            row.value = {**dict(row.value or {}), provider: resets[provider]}
            row.updated_by = _actor_user(actor)
            row.save()
        audit_record(
            actor=actor, source=source, action="breaker.reset", target=provider, before=before, after="closed"
        )
        transaction.on_commit(_announce_change)


# --- retention ----------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PurgeResult:
    readings: int
    staff_access_logs: int
    audit_entries: int
    batch_runs: int

    def as_dict(self) -> dict[str, int]:
        return {
            "readings": self.readings,
            "staff_access_logs": self.staff_access_logs,
            "audit_entries": self.audit_entries,
            "batch_runs": self.batch_runs,
        }


def _delete_in_batches(queryset: Any, batch_size: int) -> int:
    """Delete by primary-key batches: short transactions, no table-wide lock on a big purge."""
    total = 0
    while True:
        ids = list(queryset.order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            return total
        with transaction.atomic():
            deleted, _ = queryset.model._base_manager.filter(pk__in=ids).delete()
        total += len(ids)
        if deleted == 0:
            return total


def retention_purge(
    *,
    readings_days: int | None = None,
    staff_log_days: int | None = None,
    batch_run_days: int | None = None,
    now: datetime | None = None,
    dry_run: bool = False,
) -> PurgeResult:
    """Delete what outlived its retention period (docs/privacy.md "Retention of readings and logs"):
    stored readings nobody saved, staff access logs and audit entries, batch runs with their failures.
    A value of 0 days keeps that kind forever."""
    from unse.accounts.models import AdminAccessLog, SavedReading
    from unse.fortunes.models import BatchRun
    from unse.readings.models import Reading

    moment = now or timezone.now()
    batch = int(settings.RETENTION_BATCH_SIZE)
    plans: dict[str, Any] = {}
    r_days = settings.RETENTION_READINGS_DAYS if readings_days is None else readings_days
    s_days = settings.RETENTION_STAFF_LOG_DAYS if staff_log_days is None else staff_log_days
    b_days = settings.RETENTION_BATCH_RUN_DAYS if batch_run_days is None else batch_run_days
    if r_days > 0:
        saved = SavedReading.objects.filter(reading__isnull=False).values("reading_id")
        plans["readings"] = Reading.objects.filter(created_at__lt=moment - timedelta(days=r_days)).exclude(pk__in=saved)
    if s_days > 0:
        cutoff = moment - timedelta(days=s_days)
        plans["staff_access_logs"] = AdminAccessLog.objects.filter(created_at__lt=cutoff)
        plans["audit_entries"] = AuditEntry.objects.filter(created_at__lt=cutoff)
    if b_days > 0:
        plans["batch_runs"] = BatchRun.objects.filter(
            started_at__lt=moment - timedelta(days=b_days), finished_at__isnull=False
        )
    counts = {name: 0 for name in ("readings", "staff_access_logs", "audit_entries", "batch_runs")}
    for name, queryset in plans.items():
        counts[name] = queryset.count() if dry_run else _delete_in_batches(queryset, batch)
    result = PurgeResult(**counts)
    if not dry_run and any(counts.values()):
        audit_record(actor=None, source=AuditSource.COMMAND, action="retention.purge", after=result.as_dict())
    logger.info("retention purge%s: %s", " (dry run)" if dry_run else "", result.as_dict())
    return result
