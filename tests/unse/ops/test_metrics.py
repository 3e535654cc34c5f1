"""The `unse_ops_*` gauges behind the alert rules, refreshed by the always-ok readiness check."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone
from prometheus_client import REGISTRY

from unse.fortunes.models import BatchRun, BatchSource, BatchStatus
from unse.ops import metrics

pytestmark = pytest.mark.django_db(transaction=True)


def _make_run() -> None:
    BatchRun.objects.create(
        source=BatchSource.CELERY,
        status=BatchStatus.FAILED,
        base_date=date(2026, 11, 23),
        target_date=date(2026, 11, 24),
        targets=200,
        done=150,
        failed=50,
        finished_at=timezone.now() - timedelta(hours=1),
    )


async def test_gauges_follow_the_last_batch_the_budget_and_the_broker(settings: Any) -> None:
    settings.AI_DAILY_TOKEN_BUDGET = 12345
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    await sync_to_async(_make_run)()
    await sync_to_async(metrics._refresh_sync)()
    assert REGISTRY.get_sample_value("unse_ops_batch_last_failed_share") == 0.25
    assert REGISTRY.get_sample_value("unse_ops_batch_last_unsuccessful") == 1
    assert REGISTRY.get_sample_value("unse_ops_ai_budget_limit_tokens") == 12345
    assert REGISTRY.get_sample_value("unse_ops_celery_broker_up") == 0


async def test_the_readiness_check_never_degrades_the_instance(
    async_client: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    monkeypatch.setattr(metrics, "_next_refresh", 0.0)  # earlier probes in this process started one
    monkeypatch.setattr(metrics, "_refresh_task", None)
    response = await async_client.get("/ready/")
    body = response.json()
    assert body["checks"]["ops_metrics"]["status"] == "ok"
    assert body["checks"]["ops_metrics"]["required"] is False
    # The probe answered without waiting for the broker; the refresh it started still lands.
    assert metrics._refresh_task is not None
    await metrics._refresh_task
    assert REGISTRY.get_sample_value("unse_ops_celery_broker_up") == 0
