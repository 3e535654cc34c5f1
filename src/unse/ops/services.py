"""Writes of the operators' console: switches (audited), breaker resets, the audit trail, retention."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from asgiref.sync import async_to_sync
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from unse.accounts.selectors.library import saved_reading_ids
from unse.accounts.services.access_log import staff_access_logs_purge_expired
from unse.ai.breaker import breaker_reset, breaker_state
from unse.core.db import delete_in_batches
from unse.core.maintenance import reset_maintenance_memo
from unse.core.switch_store import switch_delete, switch_merge, switch_write, switches_announce_change
from unse.core.switches import SwitchValueError, provider_names, spec_of, switch_parse
from unse.fortunes.batch.runs import batch_runs_purge_expired
from unse.ops.models import AuditEntry, AuditSource
from unse.readings.services.retention import readings_purge_expired

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
    """Every process applies the change within seconds; this one (and its maintenance memo) at once."""
    switches_announce_change()
    reset_maintenance_memo()


def switch_set(*, actor: Any, name: str, value: Any, source: str = AuditSource.CONSOLE) -> Any:
    """Validate and store a switch value, audit it, and make every worker apply it within seconds.

    Raises SwitchValueError (Korean message) for an unknown switch or a bad value."""
    spec = spec_of(name)
    if not spec.editable:
        raise SwitchValueError(f"'{spec.label}'은(는) 직접 바꿀 수 없습니다.")
    parsed = switch_parse(name, value)
    with transaction.atomic():
        before = switch_write(name=name, value=parsed, updated_by=_actor_user(actor))
        audit_record(
            actor=actor, source=source, action="switch.set", target=name, before=before, after=parsed
        )
        transaction.on_commit(_announce_change)
    logger.info("switch %s set by %s: %r -> %r", name, _actor_name(actor), before, parsed)
    return parsed


def switch_reset(*, actor: Any, name: str, source: str = AuditSource.CONSOLE) -> Any:
    """Remove the override: the switch returns to its environment default (audited)."""
    spec = spec_of(name)
    with transaction.atomic():
        existed, before = switch_delete(name=name)
        if not existed:
            return spec.default()
        audit_record(
            actor=actor,
            source=source,
            action="switch.reset",
            target=name,
            before=before,
            after=spec.default(),
        )
        transaction.on_commit(_announce_change)
    return spec.default()


def breaker_reset_by_operator(*, actor: Any, provider: str, source: str = AuditSource.CONSOLE) -> None:
    """Close one provider's circuit breaker everywhere (Redis state at once; each process's local
    state on its next switch refresh, through the `breaker.resets` switch), audited."""
    if provider not in provider_names():
        raise SwitchValueError(f"알 수 없는 제공자: {provider}")
    before = async_to_sync(breaker_state)(provider).value
    async_to_sync(breaker_reset)(provider)
    stamp = timezone.now().isoformat()
    with transaction.atomic():
        switch_merge(name="breaker.resets", entries={provider: stamp}, updated_by=_actor_user(actor))
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
    moment = now or timezone.now()
    batch = int(settings.RETENTION_BATCH_SIZE)
    r_days = settings.RETENTION_READINGS_DAYS if readings_days is None else readings_days
    s_days = settings.RETENTION_STAFF_LOG_DAYS if staff_log_days is None else staff_log_days
    b_days = settings.RETENTION_BATCH_RUN_DAYS if batch_run_days is None else batch_run_days
    counts = dict.fromkeys(("readings", "staff_access_logs", "audit_entries", "batch_runs"), 0)
    if r_days > 0:
        # Readings someone keeps in their library stay (the saved copy links back to them).
        counts["readings"] = readings_purge_expired(
            before=moment - timedelta(days=r_days),
            keep=saved_reading_ids(),
            batch_size=batch,
            dry_run=dry_run,
        )
    if s_days > 0:
        cutoff = moment - timedelta(days=s_days)
        counts["staff_access_logs"] = staff_access_logs_purge_expired(
            before=cutoff, batch_size=batch, dry_run=dry_run
        )
        audit = AuditEntry.objects.filter(created_at__lt=cutoff)
        counts["audit_entries"] = audit.count() if dry_run else delete_in_batches(audit, batch_size=batch)
    if b_days > 0:
        counts["batch_runs"] = batch_runs_purge_expired(
            before=moment - timedelta(days=b_days), batch_size=batch, dry_run=dry_run
        )
    result = PurgeResult(**counts)
    if not dry_run and any(counts.values()):
        audit_record(actor=None, source=AuditSource.COMMAND, action="retention.purge", after=result.as_dict())
    logger.info("retention purge%s: %s", " (dry run)" if dry_run else "", result.as_dict())
    return result


class AdminTotpError(Exception):
    """Enrolment refused; the message is for the operator (Korean)."""


def admin_totp_enrol(*, username: str, replace: bool) -> TOTPDevice:
    """Give a staff account a confirmed TOTP device for /admin/ (docs/operations.md "Admin access").
    An account that already has one keeps it unless `replace`, so a typo cannot lock a colleague out."""
    user = get_user_model().objects.filter(username=username, is_staff=True, is_active=True).first()
    if user is None:
        raise AdminTotpError(f"'{username}' 관리자 계정이 없습니다(활성 스태프 계정만 가능).")
    existing = TOTPDevice.objects.filter(user=user)
    if existing.exists() and not replace:
        raise AdminTotpError(
            f"'{username}' 계정에는 이미 OTP 기기가 있습니다. 바꾸려면 --replace를 붙이세요."
        )
    with transaction.atomic():
        existing.delete()
        return TOTPDevice.objects.create(user=user, name="console", confirmed=True)
