"""Liveness (`/health/`) and readiness (`/ready/`).

`/health/` does no I/O: it says the process answers. `/ready/` runs every registered check
concurrently, each under a timeout, and reports status and latency per check. A failing *required*
check (database, migrations, a database cache table) answers 503; a failing optional one (Redis,
the AI providers' breaker) answers 200 with status `degraded`, so one Redis outage does not take
every instance out of the load balancer. Draining answers 503 while the server keeps serving.

Other parts add checks from their AppConfig.ready():

    register_readiness_check("ai_breaker", breaker_check, required=False)

A check returns None when healthy, a short detail string when degraded, and raises when failed.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from redis.asyncio import Redis

from unse.core.process import on_process_reset

ReadinessCheck = Callable[[], Awaitable[str | None]]


class CheckStatus(Enum):
    OK = "ok"
    DEGRADED = "degraded"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class _Registered:
    check: ReadinessCheck
    required: bool


@dataclass(frozen=True, slots=True)
class CheckResult:
    name: str
    status: CheckStatus
    required: bool
    latency_ms: float
    detail: str | None

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "status": self.status.value,
            "required": self.required,
            "latency_ms": round(self.latency_ms, 2),
        }
        if self.detail:
            body["detail"] = self.detail
        return body


_registry: dict[str, _Registered] = {}


def register_readiness_check(name: str, check: ReadinessCheck, *, required: bool) -> None:
    """Add (or replace, by name) a readiness check; see the module docstring for the contract."""
    _registry[name] = _Registered(check=check, required=required)


def registered_checks() -> dict[str, bool]:
    """Name -> required, for operators' pages and tests."""
    return {name: entry.required for name, entry in _registry.items()}


# --- built-in checks ------------------------------------------------------------------------------


def _database_roundtrip() -> None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


async def check_database() -> str | None:
    await sync_to_async(_database_roundtrip)()
    return None


_migrations_complete = False


def _unapplied_migrations() -> list[str]:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


async def check_migrations() -> str | None:
    # Applied migrations stay applied, so once complete the (costly) graph load is skipped.
    global _migrations_complete
    if _migrations_complete:
        return None
    pending = await sync_to_async(_unapplied_migrations)()
    if pending:
        shown = ", ".join(pending[:5]) + (" …" if len(pending) > 5 else "")
        raise RuntimeError(f"{len(pending)} unapplied migration(s): {shown}; run `manage.py release`")
    _migrations_complete = True
    return None


def reset_migrations_memo() -> None:
    global _migrations_complete
    _migrations_complete = False


on_process_reset("core.health.migrations", reset_migrations_memo)


async def check_cache() -> str | None:
    cache = caches["default"]
    key = f"unse:ready:{uuid.uuid4().hex}"
    token = uuid.uuid4().hex
    await cache.aset(key, token, timeout=30)
    value = await cache.aget(key)
    await cache.adelete(key)
    if value != token:
        raise RuntimeError("cache round trip returned a different value")
    return None


async def check_redis() -> str | None:
    timeout = float(settings.READY_CHECK_TIMEOUT_SECONDS)
    client = Redis.from_url(settings.REDIS_URL, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        await client.ping()
    finally:
        await client.aclose()
    return None


def _cache_is_database() -> bool:
    return any(str(c["BACKEND"]).endswith("DatabaseCache") for c in settings.CACHES.values())


def register_builtin_checks() -> None:
    """Called from CoreConfig.ready(): what every instance needs to serve."""
    register_readiness_check("database", check_database, required=True)
    register_readiness_check("migrations", check_migrations, required=True)
    # A database cache table is part of the schema (seed 000: a missing table broke every request);
    # a Redis cache is something the service survives without.
    register_readiness_check("cache", check_cache, required=_cache_is_database())
    if settings.REDIS_URL:
        register_readiness_check("redis", check_redis, required=False)


# --- running them -----------------------------------------------------------------------------------


async def _run_one(name: str, entry: _Registered, limit_seconds: float) -> CheckResult:
    started = time.perf_counter()
    status = CheckStatus.OK
    detail: str | None
    try:
        detail = await asyncio.wait_for(entry.check(), timeout=limit_seconds)
        if detail:
            status = CheckStatus.DEGRADED
    except TimeoutError:
        status, detail = CheckStatus.FAILED, f"timed out after {limit_seconds:g}s"
    except Exception as exc:
        status, detail = CheckStatus.FAILED, f"{type(exc).__name__}: {exc}".strip()[:300]
    latency = (time.perf_counter() - started) * 1000
    return CheckResult(name=name, status=status, required=entry.required, latency_ms=latency, detail=detail)


async def run_readiness_checks() -> list[CheckResult]:
    timeout = float(settings.READY_CHECK_TIMEOUT_SECONDS)
    entries = list(_registry.items())
    return list(await asyncio.gather(*(_run_one(name, entry, timeout) for name, entry in entries)))


def summarize(results: list[CheckResult], *, draining: bool) -> tuple[int, dict[str, Any]]:
    required_failed = [r.name for r in results if r.required and r.status is CheckStatus.FAILED]
    not_ok = [r.name for r in results if r.status is not CheckStatus.OK and r.name not in required_failed]
    if draining:
        overall, status_code = "draining", 503
    elif required_failed:
        overall, status_code = "failed", 503
    elif not_ok:
        overall, status_code = "degraded", 200
    else:
        overall, status_code = "ok", 200
    body: dict[str, Any] = {
        "status": overall,
        "checks": {r.name: r.as_json() for r in results},
    }
    if required_failed:
        body["failing"] = required_failed
    if draining:
        body["draining"] = True
    return status_code, body


# --- views (served by HealthMiddleware ahead of host validation, HTTPS redirect and maintenance) ---

_NO_STORE = {"Cache-Control": "no-store"}


async def health(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"}, headers=_NO_STORE)
