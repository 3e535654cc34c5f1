"""Zones come from the pinned tzdata package, and bad zone names are input errors."""

from __future__ import annotations

import datetime as dt

import pytest
import tzdata

from saju.errors import INVALID_TIMEZONE, InvalidBirth
from saju.tz import TZDATA_VERSION, zone


def test_zone_is_read_from_the_tzdata_package() -> None:
    assert TZDATA_VERSION == tzdata.IANA_VERSION
    seoul = zone("Asia/Seoul")
    assert zone("Asia/Seoul") is seoul  # loaded once
    assert seoul.utcoffset(dt.datetime(1958, 1, 1)) == dt.timedelta(hours=8, minutes=30)  # noqa: DTZ001
    assert seoul.dst(dt.datetime(1949, 7, 1)) == dt.timedelta(hours=1)  # noqa: DTZ001


@pytest.mark.parametrize(
    "key", ["Asia/Atlantis", "../../etc/passwd", "Asia", "", "Asia/Seoul/../Tokyo", "/etc"]
)
def test_bad_zone_names(key: str) -> None:
    with pytest.raises(InvalidBirth) as info:
        zone(key)
    assert info.value.code == INVALID_TIMEZONE
