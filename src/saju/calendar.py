"""Day pillars (일진), the Korean lunar calendar, and the year and month pillars of a saju year.

The lunar calendar is KASI's, taken from ``korean-lunar-calendar`` by ``scripts/gen_terms.py`` into the
month table ``saju/data/lunar.bin`` up to solar 2050-12-31 (the end of KASI's data). From 2051 to 2100
the months are computed by the same generator with KASI's rules at UTC+9 (new moons from ERFA's
``moon98``, 중기 from the term table) — rules that reproduce every KASI month 1912–2050. Never Chinese data.
"""

from __future__ import annotations

import datetime as dt
import sys
from array import array
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Final

from saju.core import SEXAGENARY_CYCLE, Pillar
from saju.errors import LUNAR_DAY, LUNAR_LEAP, LUNAR_MONTH, InvalidLunarDate, OutOfRange
from saju.terms import FIRST_YEAR, LAST_YEAR, TABLE_FIRST_YEAR, SolarTerm, _term_at, terms_of_year

# date.toordinal() + DAY_PILLAR_OFFSET ≡ pillar index (mod 60): 2000-01-01 was 戊午 (54), 1900-01-01 甲戌 (10).
DAY_PILLAR_OFFSET: Final = 14
# Saju year Y has pillar index (Y - 4) mod 60: 1984 was 甲子.
YEAR_PILLAR_OFFSET: Final = 4
# Month pillars run on without a break; the 寅 month starting at 입춘 1899 (己亥 year) was 丙寅 (index 2),
# and it is 절 number 1 of the table (절 0 is 소한 1899), so month index = (jie position + 1) mod 60.
MONTH_PILLAR_OFFSET: Final = 1
MONTHS_PER_YEAR: Final = 12
MIN_DATE: Final = dt.date(FIRST_YEAR, 1, 1)
MAX_DATE: Final = dt.date(LAST_YEAR, 12, 31)
LUNAR_MAX_MONTH: Final = 12
LUNAR_LONG_MONTH: Final = 30


def _check_date(d: dt.date) -> None:
    if not MIN_DATE <= d <= MAX_DATE:
        raise OutOfRange(f"{FIRST_YEAR}–{LAST_YEAR}년의 날짜만 지원합니다 (입력: {d.isoformat()}).")


def day_pillar_index(ordinal: int) -> int:
    """Sexagenary index of the day with proleptic Gregorian ``ordinal`` (no range check)."""
    return (ordinal + DAY_PILLAR_OFFSET) % SEXAGENARY_CYCLE


def day_pillar(d: dt.date) -> Pillar:
    """일진 of a civil date, e.g. ``day_pillar(date(2026, 11, 23))``."""
    _check_date(d)
    return Pillar.from_index(day_pillar_index(d.toordinal()))


def year_pillar_of(year: int) -> Pillar:
    """Pillar of saju year ``year`` (from that year's 입춘 to the next)."""
    return Pillar.from_index((year - YEAR_PILLAR_OFFSET) % SEXAGENARY_CYCLE)


def month_pillar_index(jie_position: int) -> int:
    """Sexagenary index of the month that starts at 절 ``jie_position`` of the term table."""
    return (jie_position + MONTH_PILLAR_OFFSET) % SEXAGENARY_CYCLE


def saju_year_of(jie_position: int) -> int:
    """Saju year of the month that starts at 절 ``jie_position`` (소한 belongs to the year before)."""
    return TABLE_FIRST_YEAR + (jie_position - 1) // MONTHS_PER_YEAR


@lru_cache(maxsize=256)
def month_pillars_of(year: int) -> tuple[tuple[SolarTerm, Pillar], ...]:
    """The 12 months of saju year ``year``: (starting 절, month pillar), from 입춘 to the next 소한."""
    terms_of_year(year)  # range check
    first = 1 + (year - TABLE_FIRST_YEAR) * MONTHS_PER_YEAR
    return tuple(
        (_term_at(2 * position), Pillar.from_index(month_pillar_index(position)))
        for position in range(first, first + MONTHS_PER_YEAR)
    )


@dataclass(frozen=True, slots=True)
class LunarDate:
    """A date of the Korean lunar calendar; ``leap`` marks a 윤달."""

    year: int
    month: int
    day: int
    leap: bool = False

    def isoformat(self) -> str:
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def __str__(self) -> str:
        prefix = "윤" if self.leap else ""
        return f"음력 {self.year}년 {prefix}{self.month}월 {self.day}일"


def _load_lunar() -> tuple[tuple[int, ...], tuple[int, ...]]:
    data = array("i")
    data.frombytes(resources.files("saju.data").joinpath("lunar.bin").read_bytes())
    if sys.byteorder != "little":
        data.byteswap()
    return tuple(data[0::2]), tuple(data[1::2])


# Month starts (ordinals) and their codes ((year * 100 + month) * 2 + leap); the last start is the
# first ordinal past the table, with code 0.
_MONTH_STARTS, _MONTH_CODES = _load_lunar()
_MONTH_BY_CODE: Final[dict[int, int]] = {code: i for i, code in enumerate(_MONTH_CODES[:-1])}
LUNAR_FIRST_SOLAR: Final = dt.date.fromordinal(_MONTH_STARTS[0])
LUNAR_LAST_SOLAR: Final = min(MAX_DATE, dt.date.fromordinal(_MONTH_STARTS[-1] - 1))
KASI_LAST_SOLAR: Final = dt.date(2050, 12, 31)  # later months are computed (docs/calendar.md)


def lunar_available(d: dt.date) -> bool:
    return LUNAR_FIRST_SOLAR <= d <= LUNAR_LAST_SOLAR


def solar_to_lunar(d: dt.date) -> LunarDate:
    """Korean lunar date of a civil date (1900-01-01 to 2100-12-31)."""
    _check_date(d)
    ordinal = d.toordinal()
    i = bisect_right(_MONTH_STARTS, ordinal) - 1
    if i < 0 or i >= len(_MONTH_STARTS) - 1:
        raise OutOfRange(
            f"음력 변환은 {LUNAR_FIRST_SOLAR.isoformat()}–{LUNAR_LAST_SOLAR.isoformat()}만 지원합니다."
        )
    code = _MONTH_CODES[i]
    return LunarDate(code // 200, (code // 2) % 100, ordinal - _MONTH_STARTS[i] + 1, bool(code % 2))


def lunar_month_length(year: int, month: int, leap: bool = False) -> int:
    """Days in a lunar month (29 or 30); InvalidLunarDate if the month did not exist."""
    i = _lunar_month_position(year, month, leap)
    return _MONTH_STARTS[i + 1] - _MONTH_STARTS[i]


def leap_month_of(year: int) -> int | None:
    """The 윤달 of Korean lunar year ``year`` (its number: 3 for 윤3월), or None in a year without one."""
    if (year * 100 + 1) * 2 not in _MONTH_BY_CODE and (year * 100 + 12) * 2 not in _MONTH_BY_CODE:
        raise _lunar_range_error(f"음력 {year}년")
    return next(
        (m for m in range(1, LUNAR_MAX_MONTH + 1) if (year * 100 + m) * 2 + 1 in _MONTH_BY_CODE), None
    )


def _lunar_label(year: int, month: int, leap: bool, day: int | None = None) -> str:
    text = f"음력 {year}년 {'윤' if leap else ''}{month}월"
    return text if day is None else f"{text} {day}일"


def _lunar_range_error(what: str) -> OutOfRange:
    first, last = solar_to_lunar(MIN_DATE), solar_to_lunar(MAX_DATE)
    return OutOfRange(
        f"{_lunar_label(first.year, first.month, first.leap, first.day)}부터 "
        f"{_lunar_label(last.year, last.month, last.leap, last.day)}까지"
        f"(양력 {MIN_DATE.isoformat()}–{MAX_DATE.isoformat()})만 지원합니다 (입력: {what})."
    )


def _lunar_month_position(year: int, month: int, leap: bool) -> int:
    if not 1 <= month <= LUNAR_MAX_MONTH:
        raise InvalidLunarDate(LUNAR_MONTH, f"음력 월은 1월부터 12월까지입니다 (입력: {month}월).")
    i = _MONTH_BY_CODE.get((year * 100 + month) * 2 + int(leap))
    if i is None:
        if leap and (year * 100 + month) * 2 in _MONTH_BY_CODE:
            actual = leap_month_of(year)
            hint = f"그해 윤달은 윤{actual}월입니다" if actual else "그해에는 윤달이 없습니다"
            raise InvalidLunarDate(LUNAR_LEAP, f"음력 {year}년에는 윤{month}월이 없습니다. {hint}.")
        raise _lunar_range_error(_lunar_label(year, month, leap))
    if _MONTH_STARTS[i + 1] <= MIN_DATE.toordinal() or _MONTH_STARTS[i] > MAX_DATE.toordinal():
        raise _lunar_range_error(_lunar_label(year, month, leap))  # a month wholly outside 1900–2100
    return i


def lunar_to_solar(year: int, month: int, day: int, leap: bool = False) -> dt.date:
    """Civil date of a Korean lunar date; InvalidLunarDate for dates that did not exist."""
    i = _lunar_month_position(year, month, leap)
    length = _MONTH_STARTS[i + 1] - _MONTH_STARTS[i]
    if day < 1:
        raise InvalidLunarDate(LUNAR_DAY, f"음력 날짜는 1일부터입니다 (입력: {day}일).")
    if day > min(length, LUNAR_LONG_MONTH):
        raise InvalidLunarDate(
            LUNAR_DAY, f"{_lunar_label(year, month, leap)}은 {length}일까지입니다 (입력: {day}일)."
        )
    solar = dt.date.fromordinal(_MONTH_STARTS[i] + day - 1)
    if not MIN_DATE <= solar <= MAX_DATE:
        raise _lunar_range_error(_lunar_label(year, month, leap, day))
    return solar
