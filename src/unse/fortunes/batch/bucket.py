"""Token buckets that keep the batch inside the provider's requests/tokens-per-minute limits.

Reservation semantics: `reserve(amount)` always takes the tokens (the level may go negative) and
returns how long the caller must wait before using them. Waiters are therefore served in arrival
order with one atomic step and no lock held while sleeping. The same arithmetic runs in-process
(one batch process) or in Redis through a Lua script (every batch process and Celery worker on any
machine shares one budget).

The batch only gets `1 - DAILY_FORTUNE_WEB_RESERVE` of each limit, so interactive web requests keep
their share even while the whole user base is being generated.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import redis.asyncio as aredis
from django.conf import settings

logger = logging.getLogger(__name__)

SECONDS_PER_MINUTE = 60.0
# Burst allowance: how many seconds of refill a bucket may hold when idle.
BURST_SECONDS = 1.0


class Bucket(Protocol):
    async def reserve(self, amount: float) -> float: ...

    async def refund(self, amount: float) -> None: ...


@dataclass(frozen=True, slots=True)
class BucketSpec:
    rate_per_second: float
    capacity: float

    @classmethod
    def per_minute(cls, limit: int, *, reserve_share: float) -> BucketSpec | None:
        """The batch's share of a per-minute limit; None when the limit is 0 (unlimited)."""
        if limit <= 0:
            return None
        share = max(0.0, min(1.0, 1.0 - reserve_share))
        rate = limit * share / SECONDS_PER_MINUTE
        return cls(rate_per_second=rate, capacity=max(1.0, rate * BURST_SECONDS))

    def divided(self, parts: int) -> BucketSpec:
        """One process's share when `parts` processes each keep their own bucket."""
        rate = self.rate_per_second / parts
        return BucketSpec(rate_per_second=rate, capacity=max(1.0, rate * BURST_SECONDS))


class LocalBucket:
    """In-process bucket; every coroutine of one event loop shares it."""

    def __init__(self, spec: BucketSpec, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._spec = spec
        self._clock = clock
        self._level = spec.capacity
        self._stamp = clock()

    def _refill(self) -> None:
        now = self._clock()
        self._level = min(self._spec.capacity, self._level + (now - self._stamp) * self._spec.rate_per_second)
        self._stamp = now

    async def reserve(self, amount: float) -> float:
        self._refill()
        # A single request larger than the burst must still pass eventually.
        self._level -= min(amount, self._spec.capacity)
        return 0.0 if self._level >= 0 else -self._level / self._spec.rate_per_second

    async def refund(self, amount: float) -> None:
        self._refill()
        self._level = min(self._spec.capacity, self._level + amount)


# KEYS[1] = bucket key; ARGV = rate/s, capacity, amount (negative = refund), ttl seconds.
# Redis TIME keeps every machine on one clock; returns the wait in milliseconds.
_RESERVE_LUA = """
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local amount = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'level', 'stamp')
local level = tonumber(state[1])
local stamp = tonumber(state[2])
if level == nil then level = capacity; stamp = now end
level = math.min(capacity, level + (now - stamp) * rate)
if amount >= 0 then
  level = level - math.min(amount, capacity)
else
  level = math.min(capacity, level - amount)
end
redis.call('HSET', KEYS[1], 'level', tostring(level), 'stamp', tostring(now))
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
if level >= 0 then return 0 end
return math.ceil(-level / rate * 1000)
"""


class RedisBucket:
    """A bucket shared through Redis; if Redis fails it degrades to a local bucket (logged), never raises."""

    TTL_SECONDS = 3600

    def __init__(self, spec: BucketSpec, *, url: str, key: str) -> None:
        self._spec = spec
        self._key = key
        self._client = aredis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)
        self._script = self._client.register_script(_RESERVE_LUA)
        self._local = LocalBucket(spec)

    async def _run(self, amount: float) -> float:
        try:
            millis = await self._script(
                keys=[self._key],
                args=[self._spec.rate_per_second, self._spec.capacity, amount, self.TTL_SECONDS],
            )
        except Exception:
            logger.warning("batch bucket: redis unavailable, using the in-process bucket", exc_info=True)
            if amount >= 0:
                return await self._local.reserve(amount)
            await self._local.refund(-amount)
            return 0.0
        return float(millis) / 1000.0

    async def reserve(self, amount: float) -> float:
        return await self._run(amount)

    async def refund(self, amount: float) -> None:
        await self._run(-amount)

    async def aclose(self) -> None:
        await self._client.aclose()


class ProviderLimiter:
    """Requests-per-minute and tokens-per-minute buckets plus a shared pause (provider said 429)."""

    def __init__(
        self,
        *,
        requests: Bucket | None,
        tokens: Bucket | None,
        sleep: Callable[[float], object] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._requests = requests
        self._tokens = tokens
        self._sleep = sleep
        self._clock = clock
        self._paused_until = 0.0
        self.waited_seconds = 0.0

    async def acquire(self, *, tokens: int) -> None:
        pause = self._paused_until - self._clock()
        waits = [max(0.0, pause)]
        if self._requests is not None:
            waits.append(await self._requests.reserve(1))
        if self._tokens is not None:
            waits.append(await self._tokens.reserve(tokens))
        wait = max(waits)
        if wait > 0:
            self.waited_seconds += wait
            await self._sleep(wait)  # type: ignore[misc]

    async def settle(self, *, estimated: int, actual: int) -> None:
        """Correct the token bucket once the real usage is known."""
        if self._tokens is None or actual == estimated:
            return
        if actual > estimated:
            await self._tokens.reserve(actual - estimated)
        else:
            await self._tokens.refund(estimated - actual)

    def pause(self, seconds: float) -> None:
        """Every worker of this limiter holds off (the provider answered 429 with Retry-After)."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    async def aclose(self) -> None:
        for bucket in (self._requests, self._tokens):
            close = getattr(bucket, "aclose", None)
            if close is not None:
                await close()


def limiter_from_settings(*, shared: bool | None = None, divide: int = 1) -> ProviderLimiter:
    """The batch's limiter. In Redis every process shares one bucket of the batch's whole share; without
    Redis a process of a run with `divide` processes (`--processes`) gets 1/divide of it."""
    reserve = settings.DAILY_FORTUNE_WEB_RESERVE
    rpm = BucketSpec.per_minute(settings.LLM_PROVIDER_RPM, reserve_share=reserve)
    tpm = BucketSpec.per_minute(settings.LLM_PROVIDER_TPM, reserve_share=reserve)
    use_redis = settings.DAILY_FORTUNE_BUCKET_SHARED if shared is None else shared
    url = getattr(settings, "REDIS_URL", "")
    if not (use_redis and url) and divide > 1:
        rpm = rpm.divided(divide) if rpm is not None else None
        tpm = tpm.divided(divide) if tpm is not None else None

    def make(spec: BucketSpec | None, name: str) -> Bucket | None:
        if spec is None:
            return None
        if use_redis and url:
            return RedisBucket(spec, url=url, key=f"unse:batch:bucket:{name}")
        return LocalBucket(spec)

    return ProviderLimiter(requests=make(rpm, "rpm"), tokens=make(tpm, "tpm"))
