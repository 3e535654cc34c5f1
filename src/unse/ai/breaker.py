"""Circuit breaker per provider, shared by every worker and host through Redis when configured.

States: CLOSED -> OPEN when, over the sliding window, the failure rate reaches the threshold with at
least `min_calls` calls, or after `consecutive` failures in a row; OPEN -> HALF_OPEN after the open period
(the next caller becomes the probe; other callers are refused while the probe's lease runs);
HALF_OPEN -> CLOSED on the probe's success, -> OPEN on its failure. Thresholds: docs/ai-infrastructure.md.

Recovery follows the provider: the first open period is short (`probe_seconds`, 1 s), and it doubles only
while probes keep failing, up to `open_seconds` (15 s); each period is jittered (× 0.5–1.0) so that the
probes of many breakers and hosts do not arrive together. A success closes the breaker and forgets the
failed probes, so a provider that flaps for a few seconds costs a few seconds, not a fixed 15.

With Redis each transition is one Lua script (atomic, Redis' clock, so hosts agree); the window is a hash
of per-second buckets. Any Redis error falls back to this process's local breaker (logged, counted) and
never raises: a broken Redis must not take the AI (or the cache in front of it) down.
"""

from __future__ import annotations

import hashlib
import logging
import math
import random
import time
from collections import deque
from collections.abc import Awaitable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, cast

from django.conf import settings
from redis.asyncio import Redis
from redis.exceptions import NoScriptError, RedisError

from unse.ai import metrics
from unse.ai.redis import ai_redis, key_prefix, mark_redis_down
from unse.core.process import on_process_reset
from unse.core.switch_store import Snapshot, switch_refresh_hook_register

logger = logging.getLogger(__name__)


class BreakerState(Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass(frozen=True, slots=True)
class BreakerConfig:
    window_seconds: int
    min_calls: int
    failure_rate: float
    consecutive: int
    open_seconds: float  # the longest open period (reached only while probes keep failing)
    probe_lease_seconds: float
    probe_seconds: float = 1.0  # the first open period (before jitter)

    def open_period(self, failed_probes: int, jitter: float) -> float:
        """How long to stay open after `failed_probes` failed probes in a row (0: the breaker just tripped)."""
        base = min(self.open_seconds, self.probe_seconds * float(2 ** min(failed_probes, 30)))
        return base * jitter

    @classmethod
    def from_settings(cls) -> BreakerConfig:
        return cls(
            window_seconds=int(settings.AI_BREAKER_WINDOW_SECONDS),
            min_calls=int(settings.AI_BREAKER_MIN_CALLS),
            failure_rate=float(settings.AI_BREAKER_FAILURE_RATE),
            consecutive=int(settings.AI_BREAKER_CONSECUTIVE_FAILURES),
            open_seconds=float(settings.AI_BREAKER_OPEN_SECONDS),
            probe_lease_seconds=float(settings.AI_BREAKER_PROBE_LEASE_SECONDS),
            probe_seconds=float(settings.AI_BREAKER_PROBE_SECONDS),
        )


JITTER_LOW = 0.5


def _jitter() -> float:
    return random.uniform(JITTER_LOW, 1.0)  # noqa: S311 - spreading probes, not security


# --- local (in-process) breaker ----------------------------------------------------------------------
@dataclass(slots=True)
class _Local:
    state: BreakerState = BreakerState.CLOSED
    opened_at: float = 0.0
    open_for: float = 0.0  # this open period (jittered)
    failed_probes: int = 0  # half-open probes failed in a row since the breaker last closed
    probe_until: float = 0.0
    consecutive: int = 0
    calls: deque[tuple[int, bool]] = field(default_factory=deque)

    def allow(self, cfg: BreakerConfig, now: float) -> bool:
        if self.state is BreakerState.CLOSED:
            return True
        if self.state is BreakerState.OPEN:
            if now - self.opened_at < self.open_for:
                return False
            self.state = BreakerState.HALF_OPEN
            self.probe_until = now + cfg.probe_lease_seconds
            return True
        if now >= self.probe_until:
            self.probe_until = now + cfg.probe_lease_seconds
            return True
        return False

    def record(self, cfg: BreakerConfig, now: float, *, ok: bool, jitter: float = 1.0) -> BreakerState:
        if self.state is BreakerState.HALF_OPEN:
            if ok:
                self._close()
            else:
                self.failed_probes += 1
                self._open(now, cfg.open_period(self.failed_probes, jitter))
            return self.state
        if self.state is BreakerState.OPEN:
            return self.state  # late results of calls started before opening change nothing
        second = int(now)
        self.calls.append((second, ok))
        while self.calls and self.calls[0][0] <= second - cfg.window_seconds:
            self.calls.popleft()
        self.consecutive = 0 if ok else self.consecutive + 1
        if not ok:
            total = len(self.calls)
            failures = sum(1 for _, good in self.calls if not good)
            if self.consecutive >= cfg.consecutive or (
                total >= cfg.min_calls and failures >= math.ceil(cfg.failure_rate * total)
            ):
                self.failed_probes = 0
                self._open(now, cfg.open_period(0, jitter))
        return self.state

    def current(self, cfg: BreakerConfig, now: float) -> BreakerState:
        if self.state is BreakerState.OPEN and now - self.opened_at >= self.open_for:
            return BreakerState.HALF_OPEN
        return self.state

    def _open(self, now: float, period: float) -> None:
        self.state = BreakerState.OPEN
        self.opened_at = now
        self.open_for = period
        self.consecutive = 0
        self.calls.clear()

    def _close(self) -> None:
        self.state = BreakerState.CLOSED
        self.failed_probes = 0
        self.consecutive = 0
        self.calls.clear()


_local: dict[str, _Local] = {}


def _local_for(provider: str) -> _Local:
    return _local.setdefault(provider, _Local())


def breaker_reset_local(provider: str | None = None) -> None:
    """Forget this process's local breaker state of `provider` (all providers when None)."""
    if provider is None:
        _local.clear()
    else:
        _local.pop(provider, None)


# Breaker resets done by an operator in another process reach this one through the `breaker.resets`
# switch (provider -> time of the reset): its local state (used without Redis, or while Redis is down) is
# cleared on the next switch refresh. Resets older than this process's first read say nothing about it.
_resets_seen: dict[str, str] = {}
_resets_loaded = False


def _apply_operator_resets(snapshot: Snapshot) -> None:
    global _resets_loaded
    resets = snapshot.values.get("breaker.resets") or {}
    if not isinstance(resets, dict):
        return
    for provider, stamp in resets.items():
        if _resets_seen.get(provider) != stamp:
            if _resets_loaded:
                breaker_reset_local(provider)
            _resets_seen[provider] = stamp
    _resets_loaded = True


def _reset_process_state() -> None:
    global _resets_loaded
    breaker_reset_local()
    _resets_seen.clear()
    _resets_loaded = False


switch_refresh_hook_register("ai.breaker.resets", _apply_operator_resets)
on_process_reset("ai.breaker", _reset_process_state)


# --- Redis scripts ----------------------------------------------------------------------------------
# KEYS[1] state hash, KEYS[2] window hash. Times are Redis' own (TIME), so every host agrees.
_LUA_PRELUDE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HGET', KEYS[1], 'state') or 'closed'
"""

_LUA_ALLOW = (
    _LUA_PRELUDE
    + """
local open_seconds = tonumber(ARGV[1])
local lease = tonumber(ARGV[2])
local ttl = tonumber(ARGV[3])
if state == 'closed' then return {1, state} end
if state == 'open' then
  local opened = tonumber(redis.call('HGET', KEYS[1], 'opened_at') or '0')
  local open_for = tonumber(redis.call('HGET', KEYS[1], 'open_for') or open_seconds)
  if now - opened < open_for then return {0, state} end
  redis.call('HSET', KEYS[1], 'state', 'half_open', 'probe_until', tostring(now + lease))
  redis.call('EXPIRE', KEYS[1], ttl)
  return {1, 'half_open', 'transition'}
end
local probe_until = tonumber(redis.call('HGET', KEYS[1], 'probe_until') or '0')
if now >= probe_until then
  redis.call('HSET', KEYS[1], 'probe_until', tostring(now + lease))
  redis.call('EXPIRE', KEYS[1], ttl)
  return {1, state}
end
return {0, state}
"""
)

_LUA_RECORD = (
    _LUA_PRELUDE
    + """
local ok = ARGV[1] == '1'
local window = tonumber(ARGV[2])
local min_calls = tonumber(ARGV[3])
local rate = tonumber(ARGV[4])
local consecutive_limit = tonumber(ARGV[5])
local ttl = tonumber(ARGV[6])
local max_open = tonumber(ARGV[7])
local first_open = tonumber(ARGV[8])
local jitter = tonumber(ARGV[9])
local function open(failed_probes)
  local period = math.min(max_open, first_open * 2 ^ math.min(failed_probes, 30)) * jitter
  redis.call('HSET', KEYS[1], 'state', 'open', 'opened_at', tostring(now), 'consecutive', '0',
    'open_for', tostring(period), 'failed_probes', tostring(failed_probes))
  redis.call('DEL', KEYS[2])
  redis.call('EXPIRE', KEYS[1], ttl)
  return {'open', 'transition'}
end
local function close()
  redis.call('HSET', KEYS[1], 'state', 'closed', 'consecutive', '0', 'failed_probes', '0')
  redis.call('DEL', KEYS[2])
  redis.call('EXPIRE', KEYS[1], ttl)
  return {'closed', 'transition'}
end
if state == 'half_open' then
  if ok then return close() end
  return open(tonumber(redis.call('HGET', KEYS[1], 'failed_probes') or '0') + 1)
end
if state == 'open' then return {'open'} end
local second = math.floor(now)
redis.call('HINCRBY', KEYS[2], second .. (ok and ':o' or ':f'), 1)
redis.call('EXPIRE', KEYS[2], window * 2)
local consecutive = 0
if ok then
  redis.call('HSET', KEYS[1], 'consecutive', '0')
else
  consecutive = redis.call('HINCRBY', KEYS[1], 'consecutive', 1)
end
redis.call('EXPIRE', KEYS[1], ttl)
if ok then return {'closed'} end
if consecutive >= consecutive_limit then return open(0) end
local total, failures = 0, 0
local fields = redis.call('HGETALL', KEYS[2])
for i = 1, #fields, 2 do
  local f = fields[i]
  local sec = tonumber(string.sub(f, 1, -3))
  if sec <= second - window then
    redis.call('HDEL', KEYS[2], f)
  else
    local n = tonumber(fields[i + 1])
    total = total + n
    if string.sub(f, -1) == 'f' then failures = failures + n end
  end
end
if total >= min_calls and failures >= math.ceil(rate * total) then return open(0) end
return {'closed'}
"""
)

_LUA_STATE = (
    _LUA_PRELUDE
    + """
if state == 'open' then
  local opened = tonumber(redis.call('HGET', KEYS[1], 'opened_at') or '0')
  local open_for = tonumber(redis.call('HGET', KEYS[1], 'open_for') or ARGV[1])
  if now - opened >= open_for then return 'half_open' end
end
return state
"""
)


_SHAS: dict[str, str] = {}


async def _script(client: Redis, source: str, keys: list[str], *args: str | int | float) -> Any:
    """EVALSHA (the script body is sent once per Redis server), loading the script when Redis lacks it."""
    argv = [str(arg) for arg in args]
    sha = _SHAS.get(source)
    if sha is None:
        sha = _SHAS[source] = hashlib.sha1(source.encode(), usedforsecurity=False).hexdigest()
    try:
        return await cast(Awaitable[Any], client.evalsha(sha, len(keys), *keys, *argv))
    except NoScriptError:
        await client.script_load(source)
        return await cast(Awaitable[Any], client.evalsha(sha, len(keys), *keys, *argv))


def _keys(provider: str) -> list[str]:
    base = f"{key_prefix()}:breaker:{provider}"
    return [f"{base}:state", f"{base}:window"]


def _ttl(cfg: BreakerConfig) -> int:
    # Long enough to outlive any open period and window; short enough that a retired provider's
    # keys disappear on their own.
    return int(max(cfg.window_seconds * 4, cfg.open_seconds * 4, 3600))


def _decode(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _publish(provider: str, state: BreakerState, *, transition: bool) -> None:
    metrics.BREAKER_STATE.labels(provider).set(metrics.BREAKER_STATE_VALUE[state.value])
    if transition:
        metrics.BREAKER_TRANSITIONS.labels(provider, state.value).inc()
        log = logger.warning if state is BreakerState.OPEN else logger.info
        log("circuit breaker of %s is now %s", provider, state.value)


def _redis_failed(error: BaseException) -> None:
    metrics.BREAKER_BACKEND_FALLBACKS.inc()
    mark_redis_down(error)


# --- public API -------------------------------------------------------------------------------------
async def breaker_allow(provider: str) -> bool:
    """May a call to `provider` start now? In HALF_OPEN exactly one caller per lease gets True (the probe)."""
    cfg = BreakerConfig.from_settings()
    client = ai_redis()
    if client is not None:
        try:
            result = await _script(
                client, _LUA_ALLOW, _keys(provider), cfg.open_seconds, cfg.probe_lease_seconds, _ttl(cfg)
            )
        except (RedisError, OSError) as exc:
            _redis_failed(exc)
        else:
            state = BreakerState(_decode(result[1]))
            if len(result) > 2:
                _publish(provider, state, transition=True)
            return bool(int(result[0]))
    local = _local_for(provider)
    before = local.state
    allowed = local.allow(cfg, time.monotonic())
    if local.state is not before:
        _publish(provider, local.state, transition=True)
    return allowed


async def breaker_record(provider: str, *, ok: bool) -> None:
    """Feed one call's outcome (one per HTTP attempt; cancelled calls are not recorded)."""
    cfg = BreakerConfig.from_settings()
    jitter = _jitter()
    client = ai_redis()
    if client is not None:
        try:
            result = await _script(
                client,
                _LUA_RECORD,
                _keys(provider),
                "1" if ok else "0",
                cfg.window_seconds,
                cfg.min_calls,
                cfg.failure_rate,
                cfg.consecutive,
                _ttl(cfg),
                cfg.open_seconds,
                cfg.probe_seconds,
                jitter,
            )
        except (RedisError, OSError) as exc:
            _redis_failed(exc)
        else:
            state = BreakerState(_decode(result[0]))
            _publish(provider, state, transition=len(result) > 1)
            return
    local = _local_for(provider)
    before = local.state
    state = local.record(cfg, time.monotonic(), ok=ok, jitter=jitter)
    _publish(provider, state, transition=state is not before)


async def breaker_state(provider: str) -> BreakerState:
    """Current state (also refreshes this worker's gauge: with Redis, another worker may have moved it)."""
    state = await _read_state(provider)
    metrics.BREAKER_STATE.labels(provider).set(metrics.BREAKER_STATE_VALUE[state.value])
    return state


async def _read_state(provider: str) -> BreakerState:
    cfg = BreakerConfig.from_settings()
    client = ai_redis()
    if client is not None:
        try:
            result = await _script(client, _LUA_STATE, _keys(provider), cfg.open_seconds)
        except (RedisError, OSError) as exc:
            _redis_failed(exc)
        else:
            return BreakerState(_decode(result))
    return _local_for(provider).current(cfg, time.monotonic())


async def breaker_reset(provider: str) -> None:
    """Operator action (no redeploy needed): close the breaker everywhere."""
    client = ai_redis()
    if client is not None:
        try:
            await client.delete(*_keys(provider))
        except (RedisError, OSError) as exc:
            _redis_failed(exc)
    breaker_reset_local(provider)
    _publish(provider, BreakerState.CLOSED, transition=True)
    logger.info("circuit breaker of %s reset", provider)


async def breaker_states() -> dict[str, BreakerState]:
    """State of every configured provider (for `/ready/` and metrics)."""
    names = [str(entry.get("name")) for entry in settings.LLM_PROVIDERS if entry.get("name")]
    return {name: await breaker_state(name) for name in names}
