"""JSON kept in a process's memory, compressed with a preset dictionary.

zlib halves a 1–2 KB JSON document; primed with a typical document of the same shape (a preset dictionary,
RFC 1950) it keeps a sixth to a quarter of it: a cached chart document ≈ 0.2 KB instead of 1.25 KB, the facts
an open stream keeps until it stores its reading ≈ 0.5 KB instead of 2.2 KB (issue 19: memory per open
stream), for ≈ 10–20 µs to pack and 5–11 µs to unpack. The dictionary is made in the process from `sample`
and never stored, so packed bytes must never leave the process that packed them (no database, cache server
or other worker).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Any

import orjson

# Level 6 (zlib's default): ≈ 10 % smaller than level 1 on these documents for ≈ 4 µs more per pack.
_LEVEL = 6


class JsonPacker:
    """Packs and unpacks JSON documents shaped like `sample()` (computed once, on first use)."""

    __slots__ = ("_option", "_sample", "_zdict")

    def __init__(self, sample: Callable[[], object], *, option: int | None = None) -> None:
        self._sample = sample
        self._option = option
        self._zdict = b""

    def dictionary(self) -> bytes:
        """The preset dictionary (a worker computes it before it serves: unse.readings.warm)."""
        if not self._zdict:
            self._zdict = orjson.dumps(self._sample(), option=self._option)
        return self._zdict

    def pack(self, value: object) -> bytes:
        packer = zlib.compressobj(_LEVEL, zdict=self.dictionary())
        return packer.compress(orjson.dumps(value, option=self._option)) + packer.flush()

    def unpack(self, packed: bytes) -> Any:
        unpacker = zlib.decompressobj(zdict=self.dictionary())
        return orjson.loads(unpacker.decompress(packed) + unpacker.flush())
