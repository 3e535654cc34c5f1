"""allauth's rate limiter fails open when the cache (Redis) is down, like every other limiter of the service
(docs/reliability.md): a login, sign-up or password reset is let through and a warning is logged, instead
of a 500 (issue 20, finding 12).

allauth reads and writes its counters through the module-level `cache` of
`allauth.core.internal.ratelimit` and offers no setting for another cache or for errors; `install()`
(AccountsConfig.ready) puts this proxy of the default cache there. Only the calls that module makes exist.
"""

from __future__ import annotations

import logging
from typing import Any

from allauth.core.internal import ratelimit as allauth_ratelimit
from django.core.cache import caches
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

_DOWN = (RedisError, OSError)


class FailOpenCache:
    """The default cache, with every failure answered as "no history": the limiter allows the request."""

    def add(self, key: str, value: Any, timeout: float | None = None) -> bool:
        try:
            return bool(caches["default"].add(key, value, timeout=timeout))
        except _DOWN:
            logger.warning("login_limiter_cache_down", exc_info=True)
            return True  # the lock is "taken": the limiter goes on and finds no history

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return caches["default"].get(key, default)
        except _DOWN:
            logger.warning("login_limiter_cache_down", exc_info=True)
            return default

    def set(self, key: str, value: Any, timeout: float | None = None) -> None:
        try:
            caches["default"].set(key, value, timeout=timeout)
        except _DOWN:
            logger.warning("login_limiter_cache_down", exc_info=True)

    def delete(self, key: str) -> None:
        try:
            caches["default"].delete(key)
        except _DOWN:
            logger.warning("login_limiter_cache_down", exc_info=True)


def install() -> None:
    allauth_ratelimit.cache = FailOpenCache()
