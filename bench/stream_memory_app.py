"""The service's ASGI application with a tracemalloc switch, for bench/stream_memory.py.

The first SIGUSR1 starts tracing (one frame per allocation); the second writes a snapshot of what is still
allocated to `STREAM_MEMORY_OUT`, then `<that path>.done`, and stops tracing.
"""

from __future__ import annotations

import gc
import os
import signal
import tracemalloc
from pathlib import Path
from types import FrameType

from config.asgi import application

__all__ = ["application"]

OUT = Path(os.environ.get("STREAM_MEMORY_OUT", "var/stream-memory.snapshot"))


def _switch(signum: int, frame: FrameType | None) -> None:
    gc.collect()
    if not tracemalloc.is_tracing():
        tracemalloc.start(1)
        return
    tracemalloc.take_snapshot().dump(str(OUT))
    tracemalloc.stop()
    OUT.with_name(OUT.name + ".done").touch()


signal.signal(signal.SIGUSR1, _switch)
