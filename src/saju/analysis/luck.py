"""Luck cycles: 대운 (ten-year), 세운 (year), 월운 (month) and 일진 (day) pillars.

대운 rule (Korean mainstream, 연해자평):
- Direction: forward (순행) for a man born in a yang year-stem year or a woman born in a yin one; backward
  (역행) otherwise. Gender is required; without it there is no 대운 (never guessed).
- Start: the exact interval from the birth instant to the next 절 (forward) or back to the previous 절
  (backward) — 절 only, never 중기 — converted with 3 days = 1 year, 1 day = 4 months, 2 hours = 10 days.
- 대운수 (integer start age): by default the Korean rule on whole days — days mod 3 of 0 or 1 rounds down,
  2 rounds up, and a result of 0 counts as 1; `DaewoonRounding.FLOOR` gives 6tail's (lunar-python) floor
  of the exact value instead.
- Age convention: 대운수 is read as 세는 나이 (Korean count age) by default, as in traditional practice; the
  option `AgeConvention.INTERNATIONAL` reads it as 만 나이. The exact start date (birth + converted
  interval) is reported too and does not depend on the convention.
"""

from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum

from saju.core import Pillar, Polarity, Stem

DAYS_PER_LUCK_YEAR = 3
MONTHS_PER_LUCK_DAY = 4
LUCK_DAYS_PER_HOUR = 5  # 2 hours = 10 days
DAEWOON_PERIOD_YEARS = 10
DAEWOON_COUNT = 10
ORDINAL_TO_DAY_INDEX = (
    14  # (date.toordinal() + 14) % 60 is the sexagenary index of the day (2000-01-01 = 戊午)
)
YEAR_INDEX_OFFSET = 4  # year 4 CE (and every 60 years) is 甲子


class DaewoonRounding(Enum):
    KOREAN = "korean"
    FLOOR = "floor"


class AgeConvention(Enum):
    KOREAN = "korean"  # 세는 나이: 1 at birth, +1 every 1 January
    INTERNATIONAL = "international"  # 만 나이


class Direction(Enum):
    FORWARD = "순행"
    BACKWARD = "역행"


KOREAN = DaewoonRounding.KOREAN
FLOOR = DaewoonRounding.FLOOR


def daewoon_direction(year_stem: Stem, *, male: bool) -> Direction:
    yang = year_stem.polarity is Polarity.YANG
    return Direction.FORWARD if yang == male else Direction.BACKWARD


@dataclass(frozen=True, slots=True)
class LuckOffset:
    """The birth-to-절 interval converted to life time: years, months, days (and the raw interval)."""

    interval: timedelta
    years: int
    months: int
    days: int

    @property
    def exact_years(self) -> float:
        return self.interval.total_seconds() / (DAYS_PER_LUCK_YEAR * 86400)

    @property
    def text(self) -> str:
        """ "3년 1개월 24일"; zero parts left out ("27일"), "0일" when all are zero."""
        parts = [
            f"{n}{unit}" for n, unit in ((self.years, "년"), (self.months, "개월"), (self.days, "일")) if n
        ]
        return " ".join(parts) or "0일"


def convert_interval(interval: timedelta) -> LuckOffset:
    minutes = int(abs(interval.total_seconds()) // 60)
    minutes_per_year = DAYS_PER_LUCK_YEAR * 24 * 60
    minutes_per_month = 24 * 60 // MONTHS_PER_LUCK_DAY
    minutes_per_day = 60 // LUCK_DAYS_PER_HOUR
    years, rest = divmod(minutes, minutes_per_year)
    months, rest = divmod(rest, minutes_per_month)
    return LuckOffset(abs(interval), years, months, rest // minutes_per_day)


def daewoon_number(interval: timedelta, rounding: DaewoonRounding) -> int:
    if rounding is DaewoonRounding.FLOOR:
        return int(abs(interval).total_seconds() // (DAYS_PER_LUCK_YEAR * 86400))
    whole_days = abs(interval).days
    quotient, remainder = divmod(whole_days, DAYS_PER_LUCK_YEAR)
    number = quotient + (1 if remainder == DAYS_PER_LUCK_YEAR - 1 else 0)
    return max(number, 1)


# Days per month of a common year (index 1..12); February gains a day in leap years.
_DAYS_IN_MONTH: tuple[int, ...] = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def add_offset(start: date, offset: LuckOffset) -> date:
    """Calendar addition of years/months/days (day clamped at month end)."""
    month_index = start.month - 1 + offset.months
    year = start.year + offset.years + month_index // 12
    month = month_index % 12 + 1
    last = _DAYS_IN_MONTH[month] + (1 if month == 2 and _calendar.isleap(year) else 0)
    day = min(start.day, last)
    return date(year, month, day) + timedelta(days=offset.days)


def daewoon_pillars(month: Pillar, direction: Direction) -> tuple[Pillar, ...]:
    step = 1 if direction is Direction.FORWARD else -1
    return tuple(month.shifted(step * k) for k in range(1, DAEWOON_COUNT + 1))


def start_year_of(birth_year: int, start_age: int, convention: AgeConvention) -> int:
    """Calendar year in which a period starting at `start_age` begins."""
    return birth_year + start_age - (1 if convention is AgeConvention.KOREAN else 0)


def age_on(birth: date, day: date, convention: AgeConvention) -> int:
    if convention is AgeConvention.KOREAN:
        return day.year - birth.year + 1
    before_birthday = (day.month, day.day) < (birth.month, birth.day)
    return day.year - birth.year - (1 if before_birthday else 0)


def year_pillar(year: int) -> Pillar:
    """세운: the pillar of the saju year that starts at that year's 입춘."""
    return Pillar.from_index(year - YEAR_INDEX_OFFSET)


def month_pillars(year: int) -> tuple[Pillar, ...]:
    """월운: the twelve month pillars of a saju year, 寅월 (from 입춘) to 丑월 (from 소한 of the next year).

    The 寅 month stem follows 연상기월 (甲己年 丙寅, 乙庚年 戊寅, 丙辛年 庚寅, 丁壬年 壬寅, 戊癸年 甲寅).
    """
    first_stem = (year_pillar(year).stem.index % 5) * 2 + 2
    first = Pillar.from_index(_pillar_index(first_stem, 2))
    return tuple(first.shifted(k) for k in range(12))


def first_month_index(year: int) -> int:
    """Sexagenary index of the 寅 month pillar of saju year `year`."""
    return _FIRST_MONTH_BY_YEAR_STEM[(year - YEAR_INDEX_OFFSET) % 10]


def _pillar_index(stem_index: int, branch_index: int) -> int:
    # The unique i in 0..59 with i % 10 == stem and i % 12 == branch.
    return next(i for i in range(branch_index, 60, 12) if i % 10 == stem_index % 10)


def day_pillar(day: date) -> Pillar:
    """일진 of a civil date."""
    return Pillar.from_index(day.toordinal() + ORDINAL_TO_DAY_INDEX)


def as_utc(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("instant must be timezone-aware")
    return instant


# Year stem (0..9) → index of its 寅 month pillar (연상기월: 甲己年 丙寅, 乙庚年 戊寅, ...).
_FIRST_MONTH_BY_YEAR_STEM: tuple[int, ...] = tuple(_pillar_index((ys % 5) * 2 + 2, 2) for ys in range(10))
