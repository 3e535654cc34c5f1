"""Global daily token budget (KST day): past it, uncached readings use the built-in reading (AI_QUOTA).

Redis `INCRBY` when configured (atomic across workers), in-process otherwise. A Redis failure falls back
to this process's counter (logged, counted), never raises. `AI_DAILY_TOKEN_BUDGET=0` disables the budget.
"""

from __future__ import annotations

import logging
import sys
from collections import defaultdict
from datetime import datetime

from redis.exceptions import RedisError

from unse.ai import metrics
from unse.ai.redis import ai_redis, key_prefix, mark_redis_down
from unse.core.clock import kst_today
from unse.core.process import on_process_reset
from unse.core.switch_store import switch_get

logger = logging.getLogger(__name__)

KEY_TTL_SECONDS = 2 * 24 * 3600  # yesterday's counter stays readable for a day, then disappears
UNLIMITED = sys.maxsize

_local_spent: defaultdict[str, int] = defaultdict(int)


def budget_day(now: datetime | None = None) -> str:
    return kst_today(now=now).isoformat()


def _key(day: str) -> str:
    return f"{key_prefix()}:budget:{day}"


def _limit() -> int:
    # Set in the operators' console (its environment default otherwise).
    return int(switch_get("ai.daily_token_budget"))


async def token_budget_spent() -> int:
    day = budget_day()
    client = ai_redis()
    if client is not None:
        try:
            value = await client.get(_key(day))
        except (RedisError, OSError) as exc:
            metrics.BUDGET_BACKEND_FALLBACKS.inc()
            mark_redis_down(exc)
        else:
            return int(value or 0)
    return _local_spent[day]


async def token_budget_remaining() -> int:
    limit = _limit()
    if limit <= 0:
        return UNLIMITED
    remaining = max(0, limit - await token_budget_spent())
    metrics.BUDGET_REMAINING.set(remaining)
    return remaining


async def token_budget_spend(tokens: int) -> None:
    if tokens <= 0:
        return
    metrics.BUDGET_SPENT.inc(tokens)
    day = budget_day()
    client = ai_redis()
    if client is not None:
        try:
            async with client.pipeline(transaction=True) as pipe:
                pipe.incrby(_key(day), tokens)
                pipe.expire(_key(day), KEY_TTL_SECONDS)
                total, _ = await pipe.execute()
        except (RedisError, OSError) as exc:
            metrics.BUDGET_BACKEND_FALLBACKS.inc()
            mark_redis_down(exc)
        else:
            _after_spend(int(total))
            return
    _local_spent[day] += tokens
    _after_spend(_local_spent[day])


def _after_spend(total: int) -> None:
    limit = _limit()
    if limit > 0:
        metrics.BUDGET_REMAINING.set(max(0, limit - total))
        if total >= limit and total - limit < limit:
            logger.warning("daily AI token budget spent: %d of %d tokens", total, limit)


def token_budget_reset_local() -> None:
    """Forget the in-process counters (tests)."""
    _local_spent.clear()


on_process_reset("ai.budget", token_budget_reset_local)
