"""Gauges for the alert rules (deploy/prometheus/alerts.yml) that no other part exports: the budget limit
as set in the console, Celery queue lengths, the last batch run.

They are refreshed in a worker thread that the optional readiness check `ops_metrics` starts (the load
balancer polls /ready/ every few seconds; the values are re-read at most every OPS_METRICS_REFRESH_SECONDS
per process), so no scheduler of its own is needed. The check always answers "ok": a broker that cannot be reached shows as
`unse_ops_celery_broker_up 0` (and its alert), not as a degraded web instance.
"""

from __future__ import annotations

import asyncio
import logging
import time

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connections
from prometheus_client import Gauge

from unse.core.switch_store import switch_get
from unse.fortunes.models import BatchStatus
from unse.fortunes.selectors import batch_run_last_finished
from unse.ops.status import queue_lengths

logger = logging.getLogger(__name__)

BUDGET_LIMIT = Gauge(
    "unse_ops_ai_budget_limit_tokens",
    "Daily AI token budget in force (console switch or env); 0 = none",
    multiprocess_mode="max",
)
QUEUE_MESSAGES = Gauge(
    "unse_ops_celery_queue_messages", "Messages waiting in a Celery queue", ["queue"], multiprocess_mode="max"
)
BROKER_UP = Gauge(
    "unse_ops_celery_broker_up", "1 when the Celery broker answered the last check", multiprocess_mode="min"
)
BATCH_LAST_FAILED_SHARE = Gauge(
    "unse_ops_batch_last_failed_share",
    "failed / targets of the last finished batch run",
    multiprocess_mode="max",
)
BATCH_LAST_UNSUCCESSFUL = Gauge(
    "unse_ops_batch_last_unsuccessful",
    "1 when the last finished batch run failed or crashed",
    multiprocess_mode="max",
)
BATCH_LAST_FINISHED = Gauge(
    "unse_ops_batch_last_finished_timestamp_seconds",
    "Unix time the last batch run finished",
    multiprocess_mode="max",
)

_next_refresh = 0.0
_refresh_task: asyncio.Future[None] | None = None


def _refresh_sync() -> None:
    try:
        BUDGET_LIMIT.set(int(switch_get("ai.daily_token_budget")))
        run = batch_run_last_finished()
        if run is not None:
            BATCH_LAST_FAILED_SHARE.set(run.failed / run.targets if run.targets else 0.0)
            BATCH_LAST_UNSUCCESSFUL.set(1 if run.status in {BatchStatus.FAILED, BatchStatus.CRASHED} else 0)
            if run.finished_at is not None:
                BATCH_LAST_FINISHED.set(run.finished_at.timestamp())
    except Exception:
        logger.warning("refreshing the ops gauges from the database failed", exc_info=True)
    finally:
        connections.close_all()
    try:
        queues = queue_lengths()
    except Exception:
        BROKER_UP.set(0)
        logger.warning("celery broker unreachable for the queue gauges", exc_info=True)
        return
    BROKER_UP.set(1)
    for queue in queues:
        if queue.get("messages") is not None:
            QUEUE_MESSAGES.labels(queue["name"]).set(queue["messages"])


async def check_ops_metrics() -> str | None:
    global _next_refresh, _refresh_task
    now = time.monotonic()
    running = _refresh_task is not None and not _refresh_task.done()
    if now >= _next_refresh and not running:
        _next_refresh = now + float(settings.OPS_METRICS_REFRESH_SECONDS)
        # The probe only triggers the refresh and never waits for it: a slow broker or a cold database
        # connection must not add latency to /ready/ (load balancers probe it every few seconds). The gauges
        # update when the thread finishes; the module keeps the task so it is not garbage-collected.
        _refresh_task = asyncio.ensure_future(sync_to_async(_refresh_sync, thread_sensitive=False)())
    return None
