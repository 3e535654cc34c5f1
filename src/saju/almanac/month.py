"""The 만세력 month grid: every day's lunar date, 일진, 절기, month and year pillars, 손 and holidays.

Days are civil dates in Korean standard time (KST, UTC+9): a term belongs to the day on which its instant
falls in KST, the day on which the lunar table (KASI, computed at UTC+9) starts its months. The month pillar
changes at the exact instant of each 절 and the year pillar at 입춘, so a 절 day carries the pillar in force
when the day begins and a :class:`PillarChange` with the instant and the pillar after it.

Sources are the engine's own tables (``saju.terms``, ``saju.calendar``), so the grid and a chart never
disagree; public holidays come from the ``holidays`` package (country KR), see docs/calendar.md.
"""

from __future__ import annotations

import calendar as gregorian
import datetime as dt
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version
from typing import Final

import holidays as holiday_library

from saju.calendar import (
    LunarDate,
    day_pillar_index,
    month_pillar_index,
    saju_year_of,
    solar_to_lunar,
    year_pillar_of,
)
from saju.core import Pillar
from saju.errors import INVALID_DATE, OutOfRange, SajuError
from saju.terms import FIRST_YEAR, JIE_SECONDS, LAST_YEAR, TERM_SECONDS, SolarTerm, _term_at, jie_position

SECONDS_PER_DAY: Final = 86_400
KST_OFFSET_SECONDS: Final = 9 * 3600
WEEKDAY_HANGUL: Final[tuple[str, ...]] = ("월", "화", "수", "목", "금", "토", "일")  # date.weekday() order
# 손 by the last digit of the lunar day: 1·2 east, 3·4 south, 5·6 west, 7·8 north, 9·0 in the sky (없음).
SON_DIRECTIONS: Final[tuple[str | None, ...]] = ("동", "남", "서", "북", None)
SON_RULE: Final = (
    "음력 날짜의 끝자리로 정하는 민속 규칙: 1·2일 동쪽, 3·4일 남쪽, 5·6일 서쪽, 7·8일 북쪽, "
    "9·0으로 끝나는 날(9·10·19·20·29·30일)은 손이 하늘에 올라가 없는 날(손 없는 날)"
)
HOLIDAY_COUNTRY: Final = "KR"
HOLIDAY_FIRST_YEAR: Final = 1948  # the library's first year (the 1949 decree on public holidays)
HOLIDAY_SOURCE: Final = f"holidays {version('holidays')} (국가 {HOLIDAY_COUNTRY}, 공휴일, 대체공휴일 포함)"
MONTHS_PER_YEAR: Final = 12
MEMO_MONTHS: Final = 512


@dataclass(frozen=True, slots=True)
class PillarChange:
    """A month (or year) pillar switching during a day, at the exact instant of ``term`` (a 절)."""

    term: SolarTerm
    before: Pillar
    after: Pillar

    @property
    def instant(self) -> dt.datetime:
        """The switch instant, timezone-aware UTC (``term.instant_kst`` for Korean time)."""
        return self.term.instant


@dataclass(frozen=True, slots=True)
class CalendarDay:
    """One civil day (KST) of the 만세력.

    ``month_pillar``/``year_pillar``/``saju_year`` are those in force when the day begins (00:00 KST,
    before any 절 of the day); ``month_change``/``year_change`` say when and to what they switch that day.
    ``son_direction`` is where 손 is that day (동/남/서/북), None on a 손 없는 날.
    """

    solar: dt.date
    lunar: LunarDate
    day_pillar: Pillar
    terms: tuple[SolarTerm, ...]
    month_pillar: Pillar
    year_pillar: Pillar
    saju_year: int
    month_change: PillarChange | None
    year_change: PillarChange | None
    son_direction: str | None
    holidays: tuple[str, ...]

    @property
    def weekday_hangul(self) -> str:
        return WEEKDAY_HANGUL[self.solar.weekday()]

    @property
    def son_eomneun(self) -> bool:
        """손 없는 날 (lunar day ending in 9 or 0)."""
        return self.son_direction is None

    @property
    def is_holiday(self) -> bool:
        return bool(self.holidays)

    @property
    def month_pillar_at_end(self) -> Pillar:
        """The month pillar in force at the end of the day (after a 절 of that day)."""
        return self.month_change.after if self.month_change else self.month_pillar

    @property
    def year_pillar_at_end(self) -> Pillar:
        return self.year_change.after if self.year_change else self.year_pillar


@dataclass(frozen=True, slots=True)
class MonthCalendar:
    """A Gregorian month of the 만세력; ``holidays_covered`` is False before 1948 (no holiday data)."""

    year: int
    month: int
    days: tuple[CalendarDay, ...]
    terms: tuple[SolarTerm, ...]
    holidays_covered: bool

    @property
    def previous(self) -> tuple[int, int] | None:
        """(year, month) of the month before, None at the start of the supported range."""
        year, month = (self.year, self.month - 1) if self.month > 1 else (self.year - 1, MONTHS_PER_YEAR)
        return (year, month) if year >= FIRST_YEAR else None

    @property
    def next(self) -> tuple[int, int] | None:
        year, month = (self.year, self.month + 1) if self.month < MONTHS_PER_YEAR else (self.year + 1, 1)
        return (year, month) if year <= LAST_YEAR else None


def son_direction(lunar_day: int) -> str | None:
    """Where 손 is on lunar day ``lunar_day`` (1–30): 동, 남, 서, 북, or None (손 없는 날)."""
    return SON_DIRECTIONS[(lunar_day - 1) % 10 // 2]


@lru_cache(maxsize=LAST_YEAR - HOLIDAY_FIRST_YEAR + 1)
def _holidays_of_year(year: int) -> dict[dt.date, tuple[str, ...]]:
    # Building one year of the library costs ~2 ms, hence the per-year memo.
    table = holiday_library.country_holidays(
        HOLIDAY_COUNTRY, years=year, language="ko", categories=(holiday_library.PUBLIC,)
    )
    return {day: tuple(table.get_list(day)) for day in sorted(table)}


def public_holidays(year: int) -> dict[dt.date, tuple[str, ...]]:
    """Korean public holidays (names in Korean, 대체공휴일 included) of ``year``; empty before 1948."""
    if year < HOLIDAY_FIRST_YEAR:
        return {}
    return dict(_holidays_of_year(year))


def _check_month(year: int, month: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise OutOfRange(f"만세력 달력은 {FIRST_YEAR}–{LAST_YEAR}년만 지원합니다 (입력: {year}년).")
    if not 1 <= month <= MONTHS_PER_YEAR:
        raise SajuError(INVALID_DATE, f"월은 1월부터 12월까지입니다 (입력: {month}월).")


def _change(position: int) -> tuple[PillarChange, PillarChange | None]:
    """The month change at 절 ``position`` and, for 입춘, the year change."""
    term = _term_at(2 * position)
    month = PillarChange(
        term,
        Pillar.from_index(month_pillar_index(position - 1)),
        Pillar.from_index(month_pillar_index(position)),
    )
    before_year, after_year = saju_year_of(position - 1), saju_year_of(position)
    year = None
    if after_year != before_year:
        year = PillarChange(term, year_pillar_of(before_year), year_pillar_of(after_year))
    return month, year


@lru_cache(maxsize=MEMO_MONTHS)
def month_calendar(year: int, month: int) -> MonthCalendar:
    """The 만세력 grid of a Gregorian month (1900-01 to 2100-12); the same object for the same month.

    Raises OutOfRange (OUT_OF_RANGE) for a year outside 1900–2100 and SajuError (INVALID_DATE) for a
    month outside 1–12.
    """
    _check_month(year, month)
    first = dt.date(year, month, 1)
    length = gregorian.monthrange(year, month)[1]
    start = (first.toordinal() - dt.date(1970, 1, 1).toordinal()) * SECONDS_PER_DAY - KST_OFFSET_SECONDS
    holidays = public_holidays(year)
    # The 절 in force just before the month's first instant; a 절 exactly at 00:00 counts for its own day.
    position = jie_position(start - 1)
    term_index = bisect_left(TERM_SECONDS, start)
    days: list[CalendarDay] = []
    month_terms: list[SolarTerm] = []
    for offset in range(length):
        solar = dt.date.fromordinal(first.toordinal() + offset)
        day_end = start + (offset + 1) * SECONDS_PER_DAY
        saju_year = saju_year_of(position)
        month_pillar = Pillar.from_index(month_pillar_index(position))
        terms: list[SolarTerm] = []
        while TERM_SECONDS[term_index] < day_end:
            terms.append(_term_at(term_index))
            term_index += 1
        month_change = year_change = None
        if JIE_SECONDS[position + 1] < day_end:
            position += 1
            month_change, year_change = _change(position)
        lunar = solar_to_lunar(solar)
        days.append(
            CalendarDay(
                solar=solar,
                lunar=lunar,
                day_pillar=Pillar.from_index(day_pillar_index(solar.toordinal())),
                terms=tuple(terms),
                month_pillar=month_pillar,
                year_pillar=year_pillar_of(saju_year),
                saju_year=saju_year,
                month_change=month_change,
                year_change=year_change,
                son_direction=son_direction(lunar.day),
                holidays=holidays.get(solar, ()),
            )
        )
        month_terms.extend(terms)
    return MonthCalendar(
        year=year,
        month=month,
        days=tuple(days),
        terms=tuple(month_terms),
        holidays_covered=year >= HOLIDAY_FIRST_YEAR,
    )
