"""Time zones from the pinned ``tzdata`` package (never the OS copy, whose Korean history may be old).

Older tz databases get Korea's 1954–61 UTC+8:30 era and the 1948–51 daylight saving wrong, so the zone
files are read from ``tzdata`` explicitly rather than through ``zoneinfo``'s search path.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Final
from zoneinfo import ZoneInfo

import tzdata  # type: ignore[import-untyped]

from saju.errors import INVALID_TIMEZONE, InvalidBirth

DEFAULT_TIMEZONE: Final = "Asia/Seoul"
TZDATA_VERSION: Final[str] = tzdata.IANA_VERSION
KOREAN_ZONES: Final = frozenset({"Asia/Seoul", "ROK"})
_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+){0,2}")


@lru_cache(maxsize=512)
def zone(key: str) -> ZoneInfo:
    """The IANA zone ``key`` from the tzdata package; raises InvalidBirth (INVALID_TIMEZONE)."""
    if not _KEY.fullmatch(key):
        raise InvalidBirth(INVALID_TIMEZONE, f"알 수 없는 시간대입니다: {key!r}")
    path = resources.files("tzdata").joinpath("zoneinfo", *key.split("/"))
    try:
        with path.open("rb") as handle:
            return ZoneInfo.from_file(handle, key=key)
    except (OSError, ValueError) as exc:
        raise InvalidBirth(INVALID_TIMEZONE, f"알 수 없는 시간대입니다: {key!r}") from exc
