"""Liveness and readiness: required checks fail the instance, optional ones only degrade it."""

from __future__ import annotations

import json

import pytest

from unse.core import health, probes
from unse.core.drain import drain_start

pytestmark = [pytest.mark.urls("tests.unse.core.urls")]


async def _ok() -> str | None:
    return None


async def _degraded() -> str | None:
    return "breaker open for provider-a"


async def _broken() -> str | None:
    raise ConnectionError("provider unreachable")


async def test_health_answers_without_io(async_client, django_assert_num_queries):
    response = await async_client.get("/health/")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}


@pytest.mark.django_db
async def test_ready_reports_each_builtin_check(async_client):
    response = await async_client.get("/ready/")
    body = json.loads(response.content)
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    for name in ("database", "migrations", "cache"):
        assert body["checks"][name]["status"] == "ok"
        assert body["checks"][name]["latency_ms"] >= 0
    assert body["checks"]["database"]["required"] is True


@pytest.mark.django_db
async def test_optional_failure_is_degraded_not_503(async_client):
    health.register_readiness_check("ai_breaker", _broken, required=False)
    health.register_readiness_check("search", _degraded, required=False)
    response = await async_client.get("/ready/")
    body = json.loads(response.content)
    assert response.status_code == 200
    assert body["status"] == "degraded"
    assert body["checks"]["ai_breaker"]["status"] == "failed"
    assert "provider unreachable" in body["checks"]["ai_breaker"]["detail"]
    assert body["checks"]["search"] == {
        "status": "degraded",
        "required": False,
        "latency_ms": body["checks"]["search"]["latency_ms"],
        "detail": "breaker open for provider-a",
    }


@pytest.mark.django_db
async def test_required_failure_is_503_naming_the_check(async_client):
    health.register_readiness_check("storage", _broken, required=True)
    response = await async_client.get("/ready/")
    body = json.loads(response.content)
    assert response.status_code == 503
    assert body["status"] == "failed"
    assert body["failing"] == ["storage"]


@pytest.mark.django_db
async def test_a_hanging_check_times_out(async_client, settings):
    import asyncio

    async def hangs() -> str | None:
        await asyncio.sleep(30)
        return None

    settings.READY_CHECK_TIMEOUT_SECONDS = 0.05
    health.register_readiness_check("slow", hangs, required=True)
    response = await async_client.get("/ready/")
    body = json.loads(response.content)
    assert response.status_code == 503
    assert "timed out" in body["checks"]["slow"]["detail"]


@pytest.mark.django_db
async def test_draining_flips_ready_but_keeps_serving(async_client):
    drain_start()
    ready = await async_client.get("/ready/")
    assert ready.status_code == 503
    assert json.loads(ready.content)["status"] == "draining"
    assert (await async_client.get("/health/")).status_code == 200
    assert (await async_client.get("/t/ok/")).status_code == 200


@pytest.mark.django_db
async def test_unapplied_migrations_fail_readiness(async_client, monkeypatch):
    health.reset_migrations_memo()
    monkeypatch.setattr(health, "_unapplied_migrations", lambda: ["readings.0007_new_table"])
    response = await async_client.get("/ready/")
    body = json.loads(response.content)
    assert response.status_code == 503
    assert body["failing"] == ["migrations"]
    assert "readings.0007_new_table" in body["checks"]["migrations"]["detail"]
    health.reset_migrations_memo()


@pytest.mark.django_db(transaction=True)
async def test_missing_database_cache_table_fails_readiness(async_client, settings):
    # Seed 000: the cache table was never created and every request failed. Readiness must say so.

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "missing_cache_table",
        }
    }
    try:
        health.register_builtin_checks()
        response = await async_client.get("/ready/")
        body = json.loads(response.content)
        assert response.status_code == 503
        assert body["failing"] == ["cache"]
        assert body["checks"]["cache"]["required"] is True
    finally:
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def test_probes_bypass_host_validation_and_https_redirect(client, settings):
    settings.ALLOWED_HOSTS = ["unse.example"]
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/health/", HTTP_HOST="10.1.2.3:8000")
    assert response.status_code == 200
    page = client.get("/t/ok/", HTTP_HOST="unse.example")
    assert page.status_code == 301
    assert page["Location"] == "https://unse.example/t/ok/"


async def test_registry_contract():
    health.register_readiness_check("x", _ok, required=False)
    assert health.registered_checks()["x"] is False
    health.register_readiness_check("x", _ok, required=True)
    assert health.registered_checks()["x"] is True


@pytest.mark.django_db
def test_public_ready_answers_status_only_and_bounds_its_round_trips(client, settings, monkeypatch):
    # Issue 20: a stranger read "Error 111 connecting to 127.0.0.1:6390" and could make every call run the
    # database, cache and Redis checks.
    calls: list[int] = []

    async def _counted() -> str | None:
        calls.append(1)
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6390")

    health.register_readiness_check("internal_redis", _counted, required=False)
    settings.READY_PUBLIC_CACHE_SECONDS = 60.0
    monkeypatch.setattr(probes, "_public_results", None)
    for _ in range(3):
        public = client.get("/ready/", REMOTE_ADDR="203.0.113.9")
        assert public.status_code == 200
        assert json.loads(public.content) == {"status": "degraded"}
    assert len(calls) == 1  # one run for three public calls
    inside = client.get("/ready/", REMOTE_ADDR="127.0.0.1")  # in METRICS_ALLOWED_IPS
    assert "127.0.0.1:6390" in json.loads(inside.content)["checks"]["internal_redis"]["detail"]
    drain_start()
    drained = client.get("/ready/", REMOTE_ADDR="203.0.113.9")
    assert drained.status_code == 503 and json.loads(drained.content) == {"status": "draining"}
