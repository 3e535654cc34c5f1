"""Global daily token budget (KST day): past it, uncached readings use the built-in reading (AI_QUOTA).

Redis `INCRBY` when configured (atomic across workers), in-process otherwise. A Redis failure falls back
to this process's counter (logged, counted), never raises. `AI_DAILY_TOKEN_BUDGET=0` disables the budget.

The nightly batch has a reserved share (`AI_BATCH_TOKEN_SHARE`) that interactive readings cannot spend:
two counters per day, everything spent and what the batch spent. The batch may spend up to the whole
budget; everyone else up to `limit − reserve − (spent − min(batch spent, reserve))`, i.e. the batch's spending
comes out of its reserve first and only what exceeds it shrinks the interactive pool.
"""

from __future__ import annotations

import logging
import sys
from collections import defaultdict
from datetime import datetime

from django.conf import settings
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


_local_batch: defaultdict[str, int] = defaultdict(int)
BYTES_PER_TOKEN = 4  # the usual rule of thumb (Korean: ≈ 0.75 token per syllable); used when usage is absent


def tokens_estimate(*texts: str) -> int:
    """Tokens charged for text whose provider sent no `usage`: never 0 for a non-empty text."""
    size = sum(len(text.encode()) for text in texts)
    return -(-size // BYTES_PER_TOKEN)


def _key(day: str) -> str:
    return f"{key_prefix()}:budget:{day}"


def _batch_key(day: str) -> str:
    return f"{key_prefix()}:budget:{day}:batch"


def _limit() -> int:
    # Set in the operators' console (its environment default otherwise).
    return int(switch_get("ai.daily_token_budget"))


async def _spent() -> tuple[int, int]:
    """(everything spent today, what the batch spent today)."""
    day = budget_day()
    client = ai_redis()
    if client is not None:
        try:
            total, batch = await client.mget(_key(day), _batch_key(day))
        except (RedisError, OSError) as exc:
            metrics.BUDGET_BACKEND_FALLBACKS.inc()
            mark_redis_down(exc)
        else:
            return int(total or 0), int(batch or 0)
    return _local_spent[day], _local_batch[day]


async def token_budget_spent() -> int:
    return (await _spent())[0]


def _reserve(limit: int) -> int:
    return int(limit * min(1.0, max(0.0, float(settings.AI_BATCH_TOKEN_SHARE))))


async def token_budget_remaining(*, batch: bool = False) -> int:
    """What a caller may still spend today: the batch up to the whole budget, others outside its reserve."""
    limit = _limit()
    if limit <= 0:
        return UNLIMITED
    spent, batch_spent = await _spent()
    remaining = max(0, limit - spent)
    metrics.BUDGET_REMAINING.set(remaining)
    if batch:
        return remaining
    reserve = _reserve(limit)
    return max(0, limit - reserve - (spent - min(batch_spent, reserve)))


async def token_budget_spend(tokens: int, *, batch: bool = False) -> None:
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
                if batch:
                    pipe.incrby(_batch_key(day), tokens)
                    pipe.expire(_batch_key(day), KEY_TTL_SECONDS)
                results = await pipe.execute()
        except (RedisError, OSError) as exc:
            metrics.BUDGET_BACKEND_FALLBACKS.inc()
            mark_redis_down(exc)
        else:
            _after_spend(int(results[0]))
            return
    _local_spent[day] += tokens
    if batch:
        _local_batch[day] += tokens
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
    _local_batch.clear()


on_process_reset("ai.budget", token_budget_reset_local)
