"""Every day of the supported range through ``month_calendar`` (slow; run by ``make test``).

* 1900-01-01 … 2100-12-31 against the engine's own term table: each term on its KST day, each 절 day
  carrying the switch, 일진 advancing one a day, month and year pillars continuous and recomputed here
  from the last 절 and 월건법 without the engine's offsets.
* 1900-01-01 … 2050-12-31 against ``korean-lunar-calendar`` (KASI's data).
* 1900–1911 against the astronomical rule at UTC+9 (the independent computation behind 2051–2100): the
  eight months in which KASI's calendar of that era starts a day earlier are listed in docs/calendar.md.
"""

from __future__ import annotations

import datetime as dt
import warnings

import pytest
from korean_lunar_calendar import KoreanLunarCalendar

from saju.almanac import CalendarDay, month_calendar
from saju.calendar import LunarDate
from saju.core import Pillar
from saju.terms import KST, TERM_SECONDS, TERMS_PER_YEAR, SolarTerm, _term_at, previous_jie

pytestmark = pytest.mark.slow

FIRST, LAST = dt.date(1900, 1, 1), dt.date(2100, 12, 31)
KASI_LAST = dt.date(2050, 12, 31)
FIRST_MONTH_STEM = (2, 4, 6, 8, 0)  # 월건법: 甲己年 丙寅, 乙庚年 戊寅, 丙辛年 庚寅, 丁壬年 壬寅, 戊癸年 甲寅
# (first solar day, KASI's first lunar date) of each month 1900–1911 that starts one day before the
# astronomical new-moon day at UTC+9; docs/calendar.md, "Differences before 1912".
KASI_EARLIER_MONTHS = (
    (dt.date(1903, 10, 20), LunarDate(1903, 9, 1)),
    (dt.date(1904, 1, 17), LunarDate(1903, 12, 1)),
    (dt.date(1904, 11, 7), LunarDate(1904, 10, 1)),
    (dt.date(1905, 5, 4), LunarDate(1905, 4, 1)),
    (dt.date(1907, 7, 10), LunarDate(1907, 6, 1)),
    (dt.date(1908, 4, 30), LunarDate(1908, 4, 1)),
    (dt.date(1909, 9, 14), LunarDate(1909, 8, 1)),
    (dt.date(1911, 12, 20), LunarDate(1911, 11, 1)),
)


def _all_days(first: dt.date, last: dt.date) -> list[CalendarDay]:
    return [
        day
        for year in range(first.year, last.year + 1)
        for month in range(1, 13)
        for day in month_calendar(year, month).days
        if first <= day.solar <= last
    ]


def _terms_by_kst_day() -> dict[dt.date, list[SolarTerm]]:
    out: dict[dt.date, list[SolarTerm]] = {}
    for position in range(TERMS_PER_YEAR, len(TERM_SECONDS) - TERMS_PER_YEAR):
        term = _term_at(position)
        out.setdefault(term.instant_kst.date(), []).append(term)
    return out


def _month_pillar(jie: SolarTerm, saju_year: int) -> Pillar:
    """Month pillar from the last 절 passed: 소한 丑, 입춘 寅 … 대설 子; stem by 월건법 from the year stem."""
    branch = (jie.index // 2 + 1) % 12
    stem = (FIRST_MONTH_STEM[(saju_year - 4) % 10 % 5] + (branch - 2) % 12) % 10
    return next(
        p
        for p in (Pillar.from_index(i) for i in range(60))
        if (p.stem.index, p.branch.index) == (stem, branch)
    )


def test_every_day_against_the_term_table() -> None:
    expected_terms = _terms_by_kst_day()
    start = dt.datetime.combine(FIRST, dt.time(), KST)
    jie = previous_jie(start - dt.timedelta(seconds=1))  # 대설 1899
    saju_year = 1899
    previous: CalendarDay | None = None
    days = switches = year_switches = 0
    for day in _all_days(FIRST, LAST):
        assert list(day.terms) == expected_terms.get(day.solar, []), day.solar
        assert day.saju_year == saju_year and day.month_pillar == _month_pillar(jie, saju_year), day.solar
        assert day.year_pillar.index == (saju_year - 4) % 60
        jie_today = [t for t in day.terms if t.is_jie]
        if jie_today:
            jie = jie_today[0]
            assert day.month_change is not None and day.month_change.term == jie
            saju_year += jie.name_hangul == "입춘"
            assert day.month_change.after == _month_pillar(jie, saju_year)
            switches += 1
        else:
            assert day.month_change is None
        assert (day.year_change is not None) == any(t.name_hangul == "입춘" for t in jie_today)
        year_switches += day.year_change is not None
        if previous is not None:
            assert day.solar == previous.solar + dt.timedelta(days=1)
            assert day.day_pillar == previous.day_pillar.shifted(1)
            assert day.month_pillar == previous.month_pillar_at_end
            assert day.year_pillar == previous.year_pillar_at_end
        previous = day
        days += 1
    assert days == (LAST - FIRST).days + 1 == 73_414
    assert (switches, year_switches) == (201 * 12, 201)


def test_every_day_to_2050_against_korean_lunar_calendar() -> None:
    cal = KoreanLunarCalendar()
    days = differences = 0
    for day in _all_days(FIRST, KASI_LAST):
        assert cal.setSolarDate(day.solar.year, day.solar.month, day.solar.day)
        theirs = LunarDate(cal.lunarYear, cal.lunarMonth, cal.lunarDay, cal.isIntercalation)
        differences += day.lunar != theirs
        days += 1
    assert (days, differences) == (55_152, 0)


@pytest.mark.filterwarnings("ignore::erfa.ErfaWarning")
def test_before_1912_kasi_differs_from_the_utc9_rule_in_eight_months() -> None:
    gen = pytest.importorskip("scripts.gen_terms")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        computed, _ = gen.astronomical_korean_months(TERM_SECONDS, 1899, 1913)
    starts = {
        dt.date.fromordinal(start): LunarDate(year, month, 1, leap) for start, year, month, leap in computed
    }
    grid = _all_days(FIRST, dt.date(1912, 12, 31))  # the computation covers to the 1912 동지
    ours = {day.solar: day.lunar for day in grid if day.lunar.day == 1}
    earlier = tuple(sorted((solar, lunar) for solar, lunar in ours.items() if starts.get(solar) != lunar))
    assert earlier == KASI_EARLIER_MONTHS
    for solar, lunar in earlier:  # the rule starts the same month the next day
        assert starts[solar + dt.timedelta(days=1)] == lunar
    assert all(starts.get(solar) == lunar for solar, lunar in ours.items() if solar.year >= 1912)
