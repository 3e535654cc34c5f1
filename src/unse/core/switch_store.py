"""The runtime switches' store: the cached getter every layer reads, and the writes the console audits.

`switch_get(name)` answers from a per-process snapshot of every overridden switch. The snapshot is
trusted for OPS_SWITCH_TTL_SECONDS; then one GET of the version key in the shared cache (Redis in
production) says whether any switch changed, and only then is the table re-read (one query). So every
worker applies a change within about TTL seconds of `switch_set`, at the cost of one cache GET per
TTL per process. With a cache that is not shared (in-process), the table is re-read every TTL.

It never raises: if the database or the cache fails, the last snapshot (or the environment defaults)
is used and the error is logged, so a broken switch store cannot turn into a 500.

From async code the getter never does I/O itself (no sync ORM on the event loop): `arefresh_switches`
refreshes the snapshot in the refresher thread when it is stale (the readings pipeline calls it at the start
of every `reading_open`, through `unse.readings.prompt_versions.aprompt_override`).

Writes (`switch_write`, `switch_delete`) are the console's (`unse.ops.services` audits them in the same
transaction); `switches_announce_change` makes every process re-read within seconds.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connections

from unse.core.models import RuntimeSwitch
from unse.core.process import on_fork_in_child, on_process_reset
from unse.core.switches import SWITCHES, spec_of

logger = logging.getLogger(__name__)

VERSION_CACHE_KEY = "unse:ops:switches:version"
# After a failed refresh, try again after this long instead of on every call.
RETRY_AFTER_FAILURE_SECONDS = 1.0
# A caller waits at most this long for a refresh, then goes on with the last values.
REFRESH_WAIT_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class Snapshot:
    values: dict[str, Any] = field(default_factory=dict)
    version: str | None = None
    loaded_at: float = 0.0  # monotonic time of the last database read
    fresh_until: float = 0.0  # monotonic time until which no check is needed
    ok: bool = False  # False until the first successful read


_lock = threading.Lock()
_snapshot = Snapshot()
_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="switches")
# Called with every freshly read snapshot (e.g. the AI layer applies breaker resets done by another process).
_refresh_hooks: dict[str, Callable[[Snapshot], None]] = {}


def _new_refresher_in_child() -> None:
    # A forked child (`generate_daily_fortunes --processes N`) has none of the parent's threads: with the
    # inherited executor its first refresh would wait forever for a thread that does not exist.
    global _executor, _lock
    _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="switches")
    _lock = threading.Lock()


on_fork_in_child("switches.refresher", _new_refresher_in_child)


def switch_refresh_hook_register(name: str, hook: Callable[[Snapshot], None]) -> None:
    """`hook(snapshot)` runs after each read of the table (in the refresher thread; must not raise)."""
    _refresh_hooks[name] = hook


def _cache_is_shared() -> bool:
    backend = str(settings.CACHES["default"]["BACKEND"])
    return not backend.endswith(("LocMemCache", "DummyCache"))


def _read_rows() -> dict[str, Any]:
    return {
        name: value for name, value in RuntimeSwitch.objects.values_list("name", "value") if name in SWITCHES
    }


def _refresh_now(force: bool) -> Snapshot:
    global _snapshot
    now = time.monotonic()
    current = _snapshot
    # Also after a failed read (ok may still be False if no read ever succeeded): its retry window counts.
    if not force and now < current.fresh_until:
        return current  # another caller refreshed while this one waited for the refresher thread
    ttl = float(settings.OPS_SWITCH_TTL_SECONDS)
    try:
        version = cache.get(VERSION_CACHE_KEY) if _cache_is_shared() else None
    except Exception:
        logger.warning("switch version check failed; reloading switches from the database", exc_info=True)
        version = None
    unchanged = (
        not force
        and current.ok
        and version is not None
        and version == current.version
        and now - current.loaded_at < float(settings.OPS_SWITCH_MAX_AGE_SECONDS)
    )
    if unchanged:
        new = Snapshot(current.values, current.version, current.loaded_at, now + ttl, True)
    else:
        try:
            values = _read_rows()
        except Exception:
            logger.warning("reading runtime switches failed; using the last known values", exc_info=True)
            # From the end of the failed read (it may have waited DB_POOL_TIMEOUT): callers queued behind it
            # take this result instead of each repeating the wait (docs/reliability.md, scenario 5).
            retry_at = time.monotonic() + RETRY_AFTER_FAILURE_SECONDS
            new = Snapshot(current.values, current.version, current.loaded_at, retry_at, current.ok)
            with _lock:
                _snapshot = new
            return new
        new = Snapshot(values, version, now, now + ttl, True)
    with _lock:
        _snapshot = new
    _apply_side_effects(new)
    return new


def refresh_switches(*, force: bool = False) -> Snapshot:
    """Sync: bring this process's snapshot up to date (no-op while fresh). Never raises.

    The read runs in the process's one refresher thread with its own connection, released right after:
    it never joins the caller's transaction, never holds a pooled connection, and is not one of the
    request's queries; concurrent callers share one refresh."""
    current = _snapshot
    if not force and current.ok and time.monotonic() < current.fresh_until:
        return current
    try:
        return _executor.submit(_refresh_closing, force).result(timeout=REFRESH_WAIT_SECONDS)
    except Exception:
        logger.warning("refreshing runtime switches failed; using the last known values", exc_info=True)
        return _snapshot


def _apply_side_effects(snapshot: Snapshot) -> None:
    for name, hook in list(_refresh_hooks.items()):
        try:
            hook(snapshot)
        except Exception:
            logger.warning("switch refresh hook %s failed", name, exc_info=True)


def _refresh_closing(force: bool = False) -> Snapshot:
    try:
        return _refresh_now(force)
    finally:
        connections.close_all()


def switches_stale() -> bool:
    snapshot = _snapshot
    return not snapshot.ok or time.monotonic() >= snapshot.fresh_until


async def arefresh_switches() -> None:
    """Async: refresh in a worker thread (its connection released right after) when stale."""
    if switches_stale():
        await asyncio.wrap_future(_executor.submit(_refresh_closing))


def _in_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def switch_value(snapshot: Snapshot, name: str) -> Any:
    if name in snapshot.values:
        return snapshot.values[name]
    return spec_of(name).default()


def switch_get(name: str) -> Any:
    """The current value of switch `name` (its environment default when nobody set it)."""
    spec_of(name)  # unknown names are a programming error: fail loudly
    snapshot = _snapshot if _in_event_loop() else refresh_switches()
    return switch_value(snapshot, name)


def switches_reset_local() -> None:
    """Forget this process's snapshot (tests; after `switch_set` in this process)."""
    global _snapshot
    with _lock:
        _snapshot = Snapshot()


on_process_reset("switches.snapshot", switches_reset_local)


def switch_rows() -> list[dict[str, Any]]:
    """Every switch with its current value, default and whether it is overridden (console, command)."""
    stored = {row.name: row for row in RuntimeSwitch.objects.select_related("updated_by")}
    rows = []
    for name, spec in SWITCHES.items():
        row = stored.get(name)
        rows.append(
            {
                "name": name,
                "spec": spec,
                "value": row.value if row is not None else spec.default(),
                "default": spec.default(),
                "overridden": row is not None,
                "updated_at": row.updated_at if row is not None else None,
                "updated_by": row.updated_by.get_username() if row is not None and row.updated_by else "",
            }
        )
    return rows


def switch_write(*, name: str, value: Any, updated_by: Any) -> Any:
    """Store a parsed value (the caller's transaction; the console audits it). Returns the value before."""
    row = RuntimeSwitch.objects.select_for_update().filter(name=name).first()
    before = row.value if row is not None else spec_of(name).default()
    if row is None:
        row = RuntimeSwitch(name=name, value=value, updated_by=updated_by)
    else:
        row.value = value
        row.updated_by = updated_by
    row.save()
    return before


def switch_delete(*, name: str) -> tuple[bool, Any]:
    """Remove the override (the caller's transaction): (whether there was one, the value it had)."""
    row = RuntimeSwitch.objects.select_for_update().filter(name=name).first()
    if row is None:
        return False, spec_of(name).default()
    before = row.value
    row.delete()
    return True, before


def switch_merge(*, name: str, entries: dict[str, Any], updated_by: Any) -> None:
    """Add `entries` to a mapping switch's stored value (the caller's transaction)."""
    row = RuntimeSwitch.objects.select_for_update().filter(name=name).first()
    if row is None:
        RuntimeSwitch.objects.create(name=name, value=entries, updated_by=updated_by)
        return
    row.value = {**dict(row.value or {}), **entries}
    row.updated_by = updated_by
    row.save()


def switches_announce_change() -> None:
    """Tell every process (through the shared cache) that a switch changed; this one reloads at once."""
    try:
        cache.set(VERSION_CACHE_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        # Other workers still pick the change up within OPS_SWITCH_MAX_AGE_SECONDS.
        logger.warning("announcing a switch change through the cache failed", exc_info=True)
    refresh_switches(force=True)
