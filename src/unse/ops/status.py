"""The live status page of the console: breaker per provider, token spend against the budget, open
streams per worker, Celery queue lengths, the last batch run, readiness. Every probe is bounded and
reports its own failure instead of failing the page."""

from __future__ import annotations

import contextlib
import logging
import os
from dataclasses import dataclass, field
from typing import Any

from asgiref.sync import async_to_sync
from django.conf import settings
from kombu import Connection
from prometheus_client import CollectorRegistry, multiprocess

from unse.ai.breaker import breaker_states
from unse.ai.budget import budget_day, token_budget_spent
from unse.ai.streamcap import open_streams
from unse.core.health import run_readiness_checks
from unse.core.metrics import multiprocess_dir
from unse.core.switch_store import switch_get
from unse.fortunes.selectors import batch_run_latest

logger = logging.getLogger(__name__)

OPEN_STREAMS_METRIC = "unse_ai_open_streams"


@dataclass(slots=True)
class StatusReport:
    providers: list[dict[str, Any]] = field(default_factory=list)
    budget: dict[str, Any] = field(default_factory=dict)
    streams: list[dict[str, Any]] = field(default_factory=list)
    queues: list[dict[str, Any]] = field(default_factory=list)
    last_batch: Any = None
    maintenance: dict[str, bool] = field(default_factory=dict)
    readiness: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _providers(report: StatusReport) -> None:
    states = async_to_sync(breaker_states)()
    order = list(switch_get("providers.order"))
    disabled = set(switch_get("providers.disabled"))
    names = [name for name in order if name in states] + [name for name in states if name not in order]
    labels = {"closed": "정상(닫힘)", "half_open": "시험 중(반열림)", "open": "차단(열림)"}
    for position, name in enumerate(names, start=1):
        state = states[name].value
        report.providers.append(
            {
                "position": position,
                "name": name,
                "state": state,
                "state_label": labels.get(state, state),
                "enabled": name not in disabled,
            }
        )


def _budget(report: StatusReport) -> None:
    spent = int(async_to_sync(token_budget_spent)())
    limit = int(switch_get("ai.daily_token_budget"))
    report.budget = {
        "day": budget_day(),
        "spent": spent,
        "limit": limit,
        "percent": round(spent * 100 / limit, 1) if limit > 0 else None,
    }


def _streams(report: StatusReport) -> None:
    directory = multiprocess_dir()
    if not directory:
        report.streams = [{"worker": f"pid {os.getpid()} (이 프로세스)", "open": open_streams()}]
        return
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]
    rows = []
    for metric in registry.collect():
        if metric.name != OPEN_STREAMS_METRIC:
            continue
        for sample in metric.samples:
            rows.append({"worker": f"pid {sample.labels.get('pid', '?')}", "open": int(sample.value)})
    report.streams = sorted(rows, key=lambda row: row["worker"])


def queue_lengths() -> list[dict[str, Any]]:
    """Messages and consumers of each Celery queue in OPS_STATUS_QUEUES (raises when the broker is down)."""
    queues: list[dict[str, Any]] = []
    timeout = float(settings.OPS_STATUS_TIMEOUT_SECONDS)
    with Connection(
        settings.CELERY_BROKER_URL, connect_timeout=timeout, transport_options={"max_retries": 0}
    ) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)
        for name in settings.OPS_STATUS_QUEUES:
            channel = conn.channel()
            try:
                _, count, consumers = channel.queue_declare(queue=name, passive=True)
                queues.append({"name": name, "messages": int(count), "consumers": int(consumers)})
            except Exception:
                # A queue nobody declared yet (AMQP) or that is empty (Redis deletes empty lists) has no messages.
                queues.append({"name": name, "messages": 0, "consumers": None})
            finally:
                # A channel closed by the broker's NOT_FOUND is already closed.
                with contextlib.suppress(Exception):
                    channel.close()
    return queues


def _queues(report: StatusReport) -> None:
    report.queues = queue_lengths()


def _last_batch(report: StatusReport) -> None:
    report.last_batch = batch_run_latest()


def _maintenance(report: StatusReport) -> None:
    report.maintenance = {"env": bool(settings.MAINTENANCE_MODE), "console": bool(switch_get("maintenance"))}


def _readiness(report: StatusReport) -> None:
    for result in async_to_sync(run_readiness_checks)():
        report.readiness.append(
            {
                "name": result.name,
                "status": result.status.value,
                "required": result.required,
                "detail": result.detail or "",
            }
        )


_PROBES = (
    ("AI 제공자 차단기", _providers),
    ("토큰 예산", _budget),
    ("열린 스트림", _streams),
    ("작업 대기열", _queues),
    ("마지막 배치", _last_batch),
    ("점검 모드", _maintenance),
    ("준비 상태", _readiness),
)


def status_collect() -> StatusReport:
    report = StatusReport()
    for label, probe in _PROBES:
        try:
            probe(report)
        except Exception as exc:
            logger.warning("status probe %s failed", label, exc_info=True)
            report.errors.append(f"{label}: {type(exc).__name__}: {str(exc)[:200]}")
    return report
