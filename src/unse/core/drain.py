"""Draining: flip readiness to 503 while the server keeps serving, so the load balancer stops
sending new work before the process is stopped (docs/deploy.md, "Rolling restart").

Two switches, either is enough:
- the drain file (`DRAIN_FILE`, default `var/drain`): seen by every worker and container sharing it;
- SIGUSR2 to a worker process: that process only (handy with one worker per container).

Stopping (SIGTERM) must refuse new connections at once, or a proxy keeps handing requests to a process
that will never answer them. uvicorn closes its listening socket on SIGTERM, but with `--workers N` the
supervisor process keeps its own copy of that socket open until every worker has exited (after the last
stream, up to GRACEFUL_TIMEOUT): the kernel kept completing connections into a backlog nobody accepted,
and each such request hung until the supervisor exited and then got a reset. `install_signal_handler`
therefore also chains a SIGTERM handler that shuts the shared listening socket down in the kernel
(`shutdown(SHUT_RD)` on a listening socket stops it for every process holding it), so connects are
refused from the first SIGTERM on and nginx passes them to another instance (`deploy/nginx.conf`).
`SIGTERM_REFUSE_CONNECTIONS=false` leaves uvicorn's own behaviour (bench/rolling_restart.py --baseline).
"""

from __future__ import annotations

import os
import signal
import socket
import stat
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings

_signalled = threading.Event()
DRAIN_SIGNAL = signal.SIGUSR2
STOP_SIGNAL = signal.SIGTERM
_FD_DIR = Path("/proc/self/fd")


def _on_signal(signum: int, frame: FrameType | None) -> None:
    _signalled.set()


def install_signal_handler() -> bool:
    """Installed from config/asgi.py; returns False where signals cannot be set (not the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        return False
    signal.signal(DRAIN_SIGNAL, _on_signal)
    if os.environ.get("SIGTERM_REFUSE_CONNECTIONS", "true").strip().lower() not in {
        "0",
        "false",
        "no",
        "off",
    }:
        _chain_stop_handler()
    return True


def _chain_stop_handler() -> None:
    """Run `stop_listening()` before the server's own SIGTERM handler.

    config/asgi.py is imported by each uvicorn worker after uvicorn installed its handler, so that handler
    is the one found here. Outside a server (no Python handler installed) nothing is chained: the default
    action must stay "terminate".
    """
    previous: Any = signal.getsignal(STOP_SIGNAL)
    if not callable(previous) or getattr(previous, "unse_stop_listening", False):
        return
    server_handler: Callable[[int, FrameType | None], Any] = previous

    def on_stop(signum: int, frame: FrameType | None) -> None:
        stop_listening()
        server_handler(signum, frame)

    on_stop.unse_stop_listening = True  # type: ignore[attr-defined]
    signal.signal(STOP_SIGNAL, on_stop)


def _listening_tcp_fds() -> list[int]:
    """File descriptors of this process that are listening TCP sockets (Linux: /proc/self/fd)."""
    try:
        names = os.listdir(_FD_DIR)
    except OSError:
        return []
    found: list[int] = []
    for name in names:
        fd = int(name)
        try:
            if not stat.S_ISSOCK(os.fstat(fd).st_mode):
                continue
            sock = socket.socket(fileno=fd)
        except OSError:
            continue
        try:
            if (
                sock.family in (socket.AF_INET, socket.AF_INET6)
                and sock.type == socket.SOCK_STREAM
                and sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)
            ):
                found.append(fd)
        except OSError:
            pass
        finally:
            sock.detach()  # the descriptor belongs to the server; only look at it
    return found


def stop_listening() -> int:
    """Stop accepting connections on every listening TCP socket of this process, for all processes
    sharing it; connections already accepted are untouched. Returns how many sockets were stopped."""
    stopped = 0
    for fd in _listening_tcp_fds():
        sock = socket.socket(fileno=fd)
        try:
            sock.shutdown(socket.SHUT_RD)
            stopped += 1
        except OSError:
            pass
        finally:
            sock.detach()
    return stopped


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
