"""The AI layer's async Redis client: one per event loop (redis.asyncio connections are bound to the loop
that opened them; tests run one loop per test), short timeouts so a dead Redis costs milliseconds."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from redis.asyncio import BlockingConnectionPool, Redis

from unse.core.loop_local import PerLoop
from unse.core.process import on_process_reset

logger = logging.getLogger(__name__)

_clients: PerLoop[Redis] = PerLoop()
_pools: PerLoop[BlockingConnectionPool] = PerLoop()
# After a Redis failure, callers skip Redis (use local state) until this monotonic time: paying a
# connect timeout on every request during an outage would turn a Redis outage into a site outage.
_down_until: dict[str, float] = {}


def redis_url() -> str:
    return str(getattr(settings, "AI_REDIS_URL", "") or getattr(settings, "REDIS_URL", "") or "")


def key_prefix() -> str:
    return str(getattr(settings, "AI_REDIS_PREFIX", "unse:ai"))


def ai_redis() -> Redis | None:
    """The client for the configured URL, or None when no Redis is configured or it recently failed."""
    url = redis_url()
    if not url or _down_until.get(url, 0.0) > time.monotonic():
        return None
    return _clients.get(url, lambda: Redis(connection_pool=ai_redis_pool(url)))


def ai_redis_pool(url: str) -> BlockingConnectionPool:
    """This loop's bounded pool: a burst of requests waits for one of a few connections instead of
    opening hundreds at once (which, on a busy host, is what makes connects time out)."""

    def create() -> BlockingConnectionPool:
        timeout = float(getattr(settings, "AI_REDIS_TIMEOUT", 0.5))
        return BlockingConnectionPool.from_url(
            url,
            max_connections=int(getattr(settings, "AI_REDIS_MAX_CONNECTIONS", 32)),
            timeout=float(getattr(settings, "AI_REDIS_POOL_WAIT", 2.0)),
            socket_connect_timeout=timeout,
            socket_timeout=timeout,
            retry_on_timeout=False,
        )

    return _pools.get(url, create)


def redis_is_down() -> bool:
    url = redis_url()
    return bool(url) and _down_until.get(url, 0.0) > time.monotonic()


def mark_redis_down(error: BaseException) -> None:
    url = redis_url()
    cooldown = float(getattr(settings, "AI_REDIS_RETRY_SECONDS", 5.0))
    _down_until[url] = time.monotonic() + cooldown
    logger.warning("ai redis unavailable, using local state for %.0fs: %r", cooldown, error)


def reset_redis_state() -> None:
    """Forget failure cool-downs (tests, or after the operator fixed Redis and wants it used at once)."""
    _down_until.clear()


on_process_reset("ai.redis.down", reset_redis_state)


async def close_ai_redis() -> None:
    for client in _clients.pop_loop():
        await client.aclose()
    for pool in _pools.pop_loop():
        await pool.aclose()
