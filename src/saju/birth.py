"""A birth as a person reports it, and its JSON form (the keys of ``saju chart --batch``).

Defaults (echoed in every chart): timezone ``Asia/Seoul``, calendar ``solar``, time basis ``lmt`` with the
birthplace longitude (Seoul, 126.978°E, when none is given), day change ``23h`` (조자시). See docs/calendar.md.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from typing import Final, TypeVar, cast

from saju.calendar import LunarDate, lunar_to_solar
from saju.errors import (
    INVALID_DATE,
    INVALID_INPUT,
    INVALID_LONGITUDE,
    INVALID_OPTION,
    INVALID_TIME,
    InvalidBirth,
)
from saju.tz import DEFAULT_TIMEZONE

E = TypeVar("E", bound=Enum)


class Calendar(StrEnum):
    SOLAR = "solar"
    LUNAR = "lunar"


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"


class TimeBasis(StrEnum):
    """Which clock the day and hour pillars are read from (year and month always use the true instant)."""

    CIVIL = "civil"  # the wall clock as reported, daylight saving included
    STANDARD = "standard"  # the wall clock with any daylight-saving hour removed
    LMT = "lmt"  # local mean time: UTC + longitude × 4 min
    TST = "tst"  # true solar time: local mean time + equation of time
    TABLE = "table"  # the 30-minute 반시 table: hours read on the 127.5°E meridian (UTC+8:30) in Korea


class DayChange(StrEnum):
    """How 23:00–24:00 (on the chosen time basis) is treated."""

    MIDNIGHT = "midnight"  # day changes at 00:00; 23:xx keeps today's day and today's 子 stem
    YAJASI = "yajasi"  # 야자시: today's day pillar, 子 stem from the next day
    H23 = "23h"  # 조자시/정자시: the day changes at 23:00


DEFAULT_TIME_BASIS: Final = TimeBasis.LMT
DEFAULT_DAY_CHANGE: Final = DayChange.H23
# Representative clock time of a birth without a time: it only decides year and month, and a chart
# records when the birth date holds a 절 (the month is then uncertain).
UNKNOWN_TIME_REPRESENTATIVE: Final = dt.time(12, 0)
MAPPING_KEYS: Final = frozenset(
    {"datetime", "timezone", "calendar", "leap", "longitude", "time_basis", "day_change", "fold",
     "time_unknown", "gender"}
)  # fmt: skip
MAX_LONGITUDE: Final = 180.0

# Also published as the API's JSON Schema `pattern` for `datetime` (unse.core.json_api.BirthIn).
DATETIME_PATTERN = r"\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*"
_DATETIME = re.compile(DATETIME_PATTERN)


@dataclass(frozen=True, slots=True)
class BirthInput:
    """A reported birth. ``local`` is the naive civil wall time on the solar (Gregorian) calendar.

    For a lunar birth ``local`` is the converted solar date with the reported clock time, and
    ``lunar_date`` keeps the date as reported; build lunar births with :meth:`from_mapping` or
    :meth:`from_lunar`. For ``time_unknown`` the time part of ``local`` is 12:00 and is not used for
    the day or hour.
    """

    local: dt.datetime
    timezone: str = DEFAULT_TIMEZONE
    calendar: Calendar = Calendar.SOLAR
    leap: bool = False
    longitude: float | None = None
    time_basis: TimeBasis = DEFAULT_TIME_BASIS
    day_change: DayChange = DEFAULT_DAY_CHANGE
    fold: int | None = None
    time_unknown: bool = False
    gender: Gender | None = None
    lunar_date: LunarDate | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.local.tzinfo is not None:
            raise InvalidBirth(
                INVALID_DATE, "출생 시각은 시간대 없이 입력하고, 시간대는 timezone으로 지정하세요."
            )
        if self.fold not in (None, 0, 1):
            raise InvalidBirth(INVALID_OPTION, "fold는 0 또는 1이어야 합니다.")
        if self.longitude is not None and not (
            math.isfinite(self.longitude) and -MAX_LONGITUDE <= self.longitude <= MAX_LONGITUDE
        ):
            raise InvalidBirth(INVALID_LONGITUDE, "경도는 -180에서 180 사이의 숫자여야 합니다.")
        if self.calendar is Calendar.LUNAR and self.lunar_date is None:
            raise InvalidBirth(INVALID_INPUT, "음력 출생은 from_mapping 또는 from_lunar로 만드세요.")

    @classmethod
    def from_lunar(
        cls,
        year: int,
        month: int,
        day: int,
        time: dt.time | None = None,
        *,
        leap: bool = False,
        **options: object,
    ) -> BirthInput:
        """A birth reported on the Korean lunar calendar (``time=None`` → time unknown)."""
        data: dict[str, object] = dict(options)
        clock = "" if time is None else f"T{time.hour:02d}:{time.minute:02d}:{time.second:02d}"
        data.update(
            datetime=f"{year:04d}-{month:02d}-{day:02d}{clock}",
            calendar="lunar",
            leap=leap,
            time_unknown=time is None,
        )
        return cls.from_mapping(data)

    @classmethod
    def from_mapping(cls, data: Mapping[str, object]) -> BirthInput:
        """Parse the batch/API JSON object; missing keys take the documented defaults."""
        if not isinstance(data, Mapping):
            raise InvalidBirth(INVALID_INPUT, "입력은 JSON 객체여야 합니다.")
        if not MAPPING_KEYS.issuperset(data):
            unknown = set(data) - MAPPING_KEYS
            raise InvalidBirth(
                INVALID_INPUT, f"알 수 없는 항목입니다: {', '.join(sorted(map(str, unknown)))}"
            )
        text = data.get("datetime")
        if not isinstance(text, str):
            raise InvalidBirth(INVALID_DATE, 'datetime 항목(예: "1990-05-15T14:30:00")이 필요합니다.')
        match = _DATETIME.fullmatch(text)
        if match is None:
            raise InvalidBirth(
                INVALID_DATE, f"날짜 형식이 올바르지 않습니다: {text!r} (예: 1990-05-15 14:30)"
            )
        year, month, day = int(match[1]), int(match[2]), int(match[3])
        has_time = match[4] is not None
        hour, minute, second = (int(match[4]), int(match[5]), int(match[6] or 0)) if has_time else (0, 0, 0)
        if not (hour < 24 and minute < 60 and second < 60):
            raise InvalidBirth(INVALID_TIME, f"존재하지 않는 시각입니다: {text!r}")
        time_unknown = _bool(data, "time_unknown", not has_time)
        if not has_time and not time_unknown:
            raise InvalidBirth(INVALID_TIME, "시간이 없으면 time_unknown을 true로 지정하세요.")
        clock = UNKNOWN_TIME_REPRESENTATIVE if time_unknown else dt.time(hour, minute, second)
        calendar = _enum(Calendar, data, "calendar", Calendar.SOLAR)
        leap = _bool(data, "leap", False)
        lunar: LunarDate | None = None
        if calendar is Calendar.LUNAR:
            solar = lunar_to_solar(year, month, day, leap)
            lunar = LunarDate(year, month, day, leap)
        else:
            if leap:
                raise InvalidBirth(INVALID_OPTION, "윤달(leap)은 음력 날짜에만 쓸 수 있습니다.")
            try:
                solar = dt.date(year, month, day)
            except ValueError as exc:
                raise InvalidBirth(INVALID_DATE, f"존재하지 않는 날짜입니다: {text!r}") from exc
        timezone = data.get("timezone", DEFAULT_TIMEZONE)
        if timezone is None:
            timezone = DEFAULT_TIMEZONE
        if not isinstance(timezone, str):
            raise InvalidBirth(INVALID_OPTION, "timezone은 IANA 시간대 이름(예: Asia/Seoul)이어야 합니다.")
        longitude = data.get("longitude")
        if longitude is not None and (isinstance(longitude, bool) or not isinstance(longitude, int | float)):
            raise InvalidBirth(INVALID_LONGITUDE, "경도는 숫자여야 합니다 (예: 126.98).")
        fold = data.get("fold")
        if fold is not None and (isinstance(fold, bool) or fold not in (0, 1)):
            raise InvalidBirth(INVALID_OPTION, "fold는 0 또는 1이어야 합니다.")
        gender = data.get("gender")
        return cls(
            local=dt.datetime.combine(solar, clock),
            timezone=timezone,
            calendar=calendar,
            leap=leap,
            longitude=None if longitude is None else float(longitude),
            time_basis=_enum(TimeBasis, data, "time_basis", DEFAULT_TIME_BASIS),
            day_change=_enum(DayChange, data, "day_change", DEFAULT_DAY_CHANGE),
            fold=fold if isinstance(fold, int) else None,
            time_unknown=time_unknown,
            gender=None if gender is None else _enum(Gender, data, "gender", Gender.FEMALE),
            lunar_date=lunar,
        )

    @property
    def reported_datetime(self) -> str:
        """The ``datetime`` string as reported (lunar digits for a lunar birth), normalized."""
        lunar = self.lunar_date
        if lunar is None:
            if self.time_unknown:
                return self.local.date().isoformat()
            return self.local.isoformat(timespec="seconds")
        date_text = lunar.isoformat()
        if self.time_unknown:
            return date_text
        return f"{date_text}T{self.local.hour:02d}:{self.local.minute:02d}:{self.local.second:02d}"

    def to_mapping(self) -> dict[str, object]:
        """The normalized JSON object with every default filled in."""
        return {
            "datetime": self.reported_datetime,
            "timezone": self.timezone,
            "calendar": str(self.calendar._value_),
            "leap": self.leap,
            "longitude": self.longitude,
            "time_basis": str(self.time_basis._value_),
            "day_change": str(self.day_change._value_),
            "fold": self.fold,
            "time_unknown": self.time_unknown,
            "gender": None if self.gender is None else str(self.gender._value_),
        }


def _bool(data: Mapping[str, object], key: str, default: bool) -> bool:
    value = data.get(key)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise InvalidBirth(INVALID_OPTION, f"{key}는 true 또는 false여야 합니다.")
    return value


def _enum(kind: type[E], data: Mapping[str, object], key: str, default: E) -> E:
    value = data.get(key)
    if value is None:
        return default
    # The value map is a plain dict: much cheaper than ``kind(value)`` on the per-birth path.
    member = kind._value2member_map_.get(value) if isinstance(value, str) else None
    if member is None:
        allowed = ", ".join(str(m.value) for m in kind)
        raise InvalidBirth(INVALID_OPTION, f"{key} 값이 올바르지 않습니다: {value!r} (가능: {allowed})")
    return cast(E, member)
