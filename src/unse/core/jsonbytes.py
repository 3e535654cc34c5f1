"""JSON bytes that are kept: cached, or held for as long as a stream is open.

orjson (3.12 and newer) returns its output in the buffer it wrote into: at least 4 KiB, rounded up to a
power of two, and never shrunk (`sys.getsizeof` shows only the logical length; tracemalloc shows the
rest). A 1.3 KB chart document held 6.9 KB; a 100-byte `delta` event 4 KiB (issue 19: memory per open
stream). What is kept is copied once into an object of its own size; what is sent at once is not.
"""

from __future__ import annotations

import orjson


def dumps_kept(value: object, *, option: int | None = None) -> bytes:
    """`orjson.dumps(value)` as a right-sized object, for bytes that outlive the call."""
    return bytes(memoryview(orjson.dumps(value, option=option)))
