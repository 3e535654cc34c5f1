"""Rate limits for uncached AI readings with the `limits` library (moving windows: exact, atomic).

Storage: `limits`' async Redis storage (redis-py, one Lua script per hit) when `REDIS_URL` is set, its
in-memory storage otherwise. Every window is peeked at first (shortest first), then hit: a request refused by one window uses no unit
of another, except in a race between peek and hit, where the error is conservative (a unit used, never a
request let through beyond a limit). Each hit itself is atomic (one Lua script / one locked update).

If the backend fails the request is allowed (fail-open), logged and counted: the limiter protects the AI
bill, it must never turn a Redis outage into a site outage (seed 000).
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from functools import lru_cache

from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from unse.ai import metrics
from unse.ai.redis import ai_redis_pool, key_prefix, mark_redis_down, redis_is_down, redis_url
from unse.core.loop_local import PerLoop
from unse.core.switch_store import switch_get

logger = logging.getLogger(__name__)

GLOBAL_ANON_SUBJECT = "anon-global"


@dataclass(frozen=True, slots=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int
    reset_after: int
    window: str
    degraded: bool = False

    def headers(self) -> dict[str, str]:
        """`RateLimit-*` style response headers (plus Retry-After when refused)."""
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_after),
        }
        if not self.allowed:
            headers["Retry-After"] = str(max(1, self.reset_after))
        return headers


@lru_cache(maxsize=32)
def _windows(spec: str) -> tuple[RateLimitItem, ...]:
    if not spec.strip():
        return ()
    return tuple(sorted(parse_many(spec), key=lambda item: item.get_expiry()))


def _window_name(scope: str, item: RateLimitItem) -> str:
    unit = item.GRANULARITY.name
    per = unit if item.multiples == 1 else f"{item.multiples}{unit}"
    return f"{scope}:{item.amount}/{per}"


# limits' async storages hold loop-bound connections/locks: one per event loop and URL.
_storages: PerLoop[Storage] = PerLoop()


def _storage(url: str) -> Storage:
    if not url:
        return MemoryStorage(wrap_exceptions=True)
    return RedisStorage(
        "async+" + url if not url.startswith("async+") else url,
        implementation="redispy",
        wrap_exceptions=True,
        key_prefix=f"{key_prefix()}:rl",
        connection_pool=ai_redis_pool(url),  # type: ignore[arg-type]  # limits types its options narrowly; redis-py takes it
    )


def _limiter() -> MovingWindowRateLimiter:
    url = redis_url()
    return MovingWindowRateLimiter(_storages.get(url, lambda: _storage(url)))


def _plan(subject: str, anonymous: bool, free: bool) -> list[tuple[str, RateLimitItem, tuple[str, ...]]]:
    # The windows are runtime switches (the operators' console; their environment defaults otherwise).
    if free:
        return [("free", item, ("free", subject)) for item in _windows(str(switch_get("ratelimit.free")))]
    spec = str(switch_get("ratelimit.anon" if anonymous else "ratelimit.user"))
    kind = "anon" if anonymous else "user"
    plan: list[tuple[str, RateLimitItem, tuple[str, ...]]] = [
        ("subject", item, (kind, subject)) for item in _windows(spec)
    ]
    if anonymous:
        plan += [
            ("anon-global", item, (GLOBAL_ANON_SUBJECT,))
            for item in _windows(str(switch_get("ratelimit.anon_global")))
        ]
    return plan


async def _refused(
    limiter: MovingWindowRateLimiter, scope: str, item: RateLimitItem, identifiers: tuple[str, ...]
) -> RateDecision:
    stats = await limiter.get_window_stats(item, *identifiers)
    metrics.RATELIMIT_DECISIONS.labels(scope, "limited").inc()
    return RateDecision(
        allowed=False,
        limit=item.amount,
        remaining=max(0, stats.remaining),
        reset_after=max(1, math.ceil(stats.reset_time - time.time())),
        window=_window_name(scope, item),
    )


async def rate_limit_check(
    *, subject: str, anonymous: bool, cost: int = 1, free: bool = False
) -> RateDecision:
    """Count one uncached AI request of `subject` (`user:<id>` or `client_subject(ip)`) and decide.
    `free`: a reading the built-in interpreter writes (no AI call) counts against the separate, generous
    free-path window (`ratelimit.free`) instead of the AI windows."""
    plan = _plan(subject, anonymous, free)
    if not plan:
        return RateDecision(allowed=True, limit=0, remaining=0, reset_after=0, window="none")
    tightest: RateDecision | None = None
    try:
        if redis_is_down():
            raise ConnectionError("redis marked down after a recent failure")
        limiter = _limiter()
        # Peek first so that a refusal by one window uses no unit of the others; only a race between
        # the peek and the hit can use one (conservative: never lets more than a limit through).
        for scope, item, identifiers in plan:
            if not await limiter.test(item, *identifiers, cost=cost):
                return await _refused(limiter, scope, item, identifiers)
        for scope, item, identifiers in plan:
            if not await limiter.hit(item, *identifiers, cost=cost):
                return await _refused(limiter, scope, item, identifiers)
            stats = await limiter.get_window_stats(item, *identifiers)
            decision = RateDecision(
                allowed=True,
                limit=item.amount,
                remaining=max(0, stats.remaining),
                reset_after=max(0, math.ceil(stats.reset_time - time.time())),
                window=_window_name(scope, item),
            )
            if tightest is None or decision.remaining < tightest.remaining:
                tightest = decision
    except Exception as exc:  # any backend failure: fail open (and say so)
        metrics.RATELIMIT_FAIL_OPEN.inc()
        metrics.RATELIMIT_DECISIONS.labels("backend", "fail_open").inc()
        logger.warning("rate limiter backend failed, allowing %s: %r", subject, exc)
        if redis_url():
            mark_redis_down(exc)
        first = plan[0][1]
        return RateDecision(
            allowed=True,
            limit=first.amount,
            remaining=first.amount,
            reset_after=0,
            window=_window_name(plan[0][0], first),
            degraded=True,
        )
    metrics.RATELIMIT_DECISIONS.labels("subject", "allowed").inc()
    assert tightest is not None  # noqa: S101 - plan is non-empty, so the loop ran
    return tightest


async def rate_limit_reset(*, subject: str, anonymous: bool) -> None:
    """Clear a subject's windows, AI and free path (support action; tests)."""
    limiter = _limiter()
    for free in (False, True):
        for _, item, identifiers in _plan(subject, anonymous, free):
            await limiter.clear(item, *identifiers)
