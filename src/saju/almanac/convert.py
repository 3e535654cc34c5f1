"""Lunar ↔ solar conversion on the Korean (KASI) lunar calendar, with the leap-month rules.

A lunar year has 12 months, and 7 years in 19 a 13th: the 윤달, which repeats the number of the month
before it (윤6월 follows 6월). A date in a 윤달 is written with ``leap=True``; ``leap=False`` always means
the ordinary month (평달) of that number. The converter refuses what did not exist (InvalidLunarDate with
``reason`` month/leap/day) and what lies outside the tables (OutOfRange), with Korean messages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from saju.calendar import (
    LunarDate,
    day_pillar,
    leap_month_of,
    lunar_month_length,
    lunar_to_solar,
    solar_to_lunar,
)
from saju.core import Pillar
from saju.errors import InvalidLunarDate


@dataclass(frozen=True, slots=True)
class Conversion:
    """A day on both calendars.

    ``month_days`` is the length of its lunar month (29 or 30); ``leap_month`` the 윤달 of its lunar year
    (None in a year without one); ``twin`` the solar date of the same lunar day in the other month of the
    same number (the 윤달 of an ordinary month or the ordinary month of a 윤달), None when that month has
    no such day or the year has no 윤달 of this number.
    """

    solar: dt.date
    lunar: LunarDate
    day_pillar: Pillar
    month_days: int
    leap_month: int | None
    twin: dt.date | None


def _conversion(solar: dt.date, lunar: LunarDate) -> Conversion:
    leap_month = leap_month_of(lunar.year)
    twin = None
    if leap_month == lunar.month:
        try:
            twin = lunar_to_solar(lunar.year, lunar.month, lunar.day, not lunar.leap)
        except InvalidLunarDate:
            twin = None  # day 30 whose twin month has 29 days
    return Conversion(
        solar=solar,
        lunar=lunar,
        day_pillar=day_pillar(solar),
        month_days=lunar_month_length(lunar.year, lunar.month, lunar.leap),
        leap_month=leap_month,
        twin=twin,
    )


def convert_solar(solar: dt.date) -> Conversion:
    """The Korean lunar date of a civil date, 1900-01-01 to 2100-12-31 (else OutOfRange)."""
    return _conversion(solar, solar_to_lunar(solar))


def convert_lunar(year: int, month: int, day: int, leap: bool = False) -> Conversion:
    """The civil date of a Korean lunar date; InvalidLunarDate or OutOfRange when it did not exist."""
    solar = lunar_to_solar(year, month, day, leap)
    return _conversion(solar, LunarDate(year, month, day, leap))
