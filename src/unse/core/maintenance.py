"""Maintenance mode: `MAINTENANCE_MODE` from the environment, or a runtime switch.

Runtime switch: `set_maintenance_flag(True/False)` stores the flag in the default cache (shared by
every worker and instance when REDIS_URL is set; per process on the in-process cache). Another part
(the operators' console) may also register its own source, e.g. a database flag:

    register_maintenance_source("console", lambda: SiteFlag.objects.filter(maintenance=True).exists())

Sources are synchronous and are consulted at most once per MAINTENANCE_CHECK_INTERVAL_SECONDS per
process, off the event loop; a source that fails counts as "not in maintenance" (and is logged), so a
broken flag store never closes the site by itself.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

import structlog
from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.cache import cache

from unse.core.process import on_process_reset
from unse.core.switch_store import switch_get

logger = structlog.get_logger("unse.maintenance")

MaintenanceSource = Callable[[], bool]
FLAG_CACHE_KEY = "unse:maintenance:flag"

_sources: dict[str, MaintenanceSource] = {}
_memo_lock = threading.Lock()
_memo: tuple[bool, float] = (False, 0.0)  # (active, monotonic expiry)


def _cache_flag() -> bool:
    return bool(cache.get(FLAG_CACHE_KEY, False))


def register_maintenance_source(name: str, source: MaintenanceSource) -> None:
    _sources[name] = source
    reset_maintenance_memo()


def unregister_maintenance_source(name: str) -> None:
    _sources.pop(name, None)
    reset_maintenance_memo()


def set_maintenance_flag(active: bool) -> None:
    """The runtime switch (sync); `aset_maintenance_flag` from async code."""
    if active:
        cache.set(FLAG_CACHE_KEY, True, timeout=None)
    else:
        cache.delete(FLAG_CACHE_KEY)
    reset_maintenance_memo()


def maintenance_switch_active() -> bool:
    """The runtime switch `maintenance` (set in the operators' console) as a source (called off the loop)."""
    return bool(switch_get("maintenance"))


async def aset_maintenance_flag(active: bool) -> None:
    await sync_to_async(set_maintenance_flag)(active)


def reset_maintenance_memo() -> None:
    global _memo
    with _memo_lock:
        _memo = (False, 0.0)


on_process_reset("core.maintenance", reset_maintenance_memo)


def _consult_sources() -> bool:
    for name, source in [("cache", _cache_flag), *_sources.items()]:
        try:
            if source():
                return True
        except Exception:
            logger.warning("maintenance_source_failed", source=name, exc_info=True)
    return False


def _refresh() -> bool:
    global _memo
    # Callers queue on the one thread-sensitive thread: whoever waited behind a slow refresh (a source
    # stuck on an unreachable database for its pool timeout) takes that result instead of repeating it,
    # otherwise each queued request would pay the full timeout in turn.
    memo_active, memo_expires = _memo
    if time.monotonic() < memo_expires:
        return memo_active
    active = _consult_sources()
    with _memo_lock:
        _memo = (active, time.monotonic() + float(settings.MAINTENANCE_CHECK_INTERVAL_SECONDS))
    return active


def _env_flag() -> bool:
    return bool(settings.MAINTENANCE_MODE)


def is_maintenance_active() -> bool:
    """Sync; safe to call from async code too (there it answers from the last refresh)."""
    if _env_flag():
        return True
    active, expires = _memo
    if time.monotonic() < expires:
        return active
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _refresh()
    return active


async def ais_maintenance_active() -> bool:
    if _env_flag():
        return True
    active, expires = _memo
    if time.monotonic() < expires:
        return active
    # Thread-sensitive: a source that queries the database uses the request's connection, closed at its end.
    return bool(await sync_to_async(_refresh)())


def is_exempt_path(path: str) -> bool:
    return any(path.startswith(prefix) for prefix in settings.MAINTENANCE_EXEMPT_PATHS)
