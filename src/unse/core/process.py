"""Process-wide state in one place: what a forked child must rebuild, and what a test resets.

Several modules keep state for the life of a process (per-process caches, memos, local fallbacks of shared
state, executors). Each registers here, at import, what must happen

* in a forked child (`on_fork_in_child`): threads do not survive `fork()`, so an executor or a lock
  inherited from the parent would wait forever (`generate_daily_fortunes --processes N`, Celery's prefork
  pool);
* on `reset_process_state()`: the one call tests make (tests/conftest.py) to start from a fresh process.

A module that registers lives at any layer; this module imports none of them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import SyncToAsync

_resets: dict[str, Callable[[], None]] = {}
_fork_hooks: dict[str, Callable[[], None]] = {}


def on_process_reset(name: str, reset: Callable[[], None]) -> None:
    """`reset()` forgets this module's process-wide state (registered once per name, at import)."""
    _resets[name] = reset


def on_fork_in_child(name: str, hook: Callable[[], None]) -> None:
    """`hook()` runs first thing in every forked child (registered once per name, at import)."""
    _fork_hooks[name] = hook


def reset_process_state() -> None:
    """Forget every registered process-wide state (tests; never needed in a serving process)."""
    for reset in list(_resets.values()):
        reset()


def _new_thread_sensitive_executor() -> None:
    # asgiref runs thread-sensitive calls outside a request (`sync_to_async(thread_sensitive=True)`, e.g.
    # releasing the request connection) in one class-wide executor; its thread stayed in the parent.
    SyncToAsync.single_thread_executor = ThreadPoolExecutor(max_workers=1)


on_fork_in_child("asgiref.single_thread_executor", _new_thread_sensitive_executor)


def _after_fork_in_child() -> None:
    for hook in list(_fork_hooks.values()):
        hook()


os.register_at_fork(after_in_child=_after_fork_in_child)
