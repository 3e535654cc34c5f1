"""The breaker in `/ready/`: an open breaker degrades the instance (200), it never fails it (503)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from unse.ai.breaker import breaker_allow, breaker_record, breaker_reset

pytestmark = [pytest.mark.usefixtures("ai_clients", "ai_local"), pytest.mark.django_db]


def _provider(settings: Any) -> str:
    settings.LLM_PROVIDERS = [{"name": "primary", "base_url": "http://127.0.0.1:9/v1", "model": "m"}]
    return "primary"


async def test_open_breaker_makes_ready_degraded_and_names_the_provider(async_client, settings) -> None:
    name = _provider(settings)
    ready = json.loads((await async_client.get("/ready/")).content)
    assert ready["checks"]["ai_breaker"]["status"] == "ok"

    for _ in range(settings.AI_BREAKER_CONSECUTIVE_FAILURES):
        assert await breaker_allow(name)
        await breaker_record(name, ok=False)
    response = await async_client.get("/ready/")
    body = json.loads(response.content)
    assert response.status_code == 200
    assert body["status"] == "degraded"
    assert body["checks"]["ai_breaker"] == {
        "status": "degraded",
        "required": False,
        "latency_ms": body["checks"]["ai_breaker"]["latency_ms"],
        "detail": "primary: open",
    }

    await breaker_reset(name)  # the operator's reset, no redeploy
    # (only this check: on the Redis test pass the `redis` check sees the REDIS_URL this test blanked)
    assert json.loads((await async_client.get("/ready/")).content)["checks"]["ai_breaker"]["status"] == "ok"
