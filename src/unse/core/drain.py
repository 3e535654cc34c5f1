"""Draining: flip readiness to 503 while the server keeps serving, so the load balancer stops
sending new work before the process is stopped (docs/deploy.md, "Rolling restart").

Two switches, either is enough:
- the drain file (`DRAIN_FILE`, default `var/drain`): seen by every worker and container sharing it;
- SIGUSR2 to a worker process: that process only (handy with one worker per container).
"""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from types import FrameType

from django.conf import settings

_signalled = threading.Event()
DRAIN_SIGNAL = signal.SIGUSR2


def _on_signal(signum: int, frame: FrameType | None) -> None:
    _signalled.set()


def install_signal_handler() -> bool:
    """Installed from config/asgi.py; returns False where signals cannot be set (not the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        return False
    signal.signal(DRAIN_SIGNAL, _on_signal)
    return True


def drain_file() -> Path:
    return Path(settings.DRAIN_FILE)


def is_draining() -> bool:
    return _signalled.is_set() or drain_file().exists()


def drain_start() -> None:
    path = drain_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()


def drain_stop() -> None:
    _signalled.clear()
    drain_file().unlink(missing_ok=True)
