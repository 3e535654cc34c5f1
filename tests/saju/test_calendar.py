"""Day pillars, the Korean (KASI) lunar calendar and saju-year pillars."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from korean_lunar_calendar import KoreanLunarCalendar

from saju.calendar import (
    LunarDate,
    day_pillar,
    lunar_month_length,
    lunar_to_solar,
    month_pillars_of,
    solar_to_lunar,
    year_pillar_of,
)
from saju.core import Pillar
from saju.errors import INVALID_LUNAR_DATE, OUT_OF_RANGE, InvalidBirth

DATES = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 30))
KASI_DATES = st.dates(min_value=dt.date(1900, 1, 31), max_value=dt.date(2050, 12, 31))


@pytest.mark.parametrize(
    ("day", "pillar"),
    [
        (dt.date(1900, 1, 1), "甲戌"),
        (dt.date(2000, 1, 1), "戊午"),
        (dt.date(2026, 11, 23), "辛丑"),  # the example
        (dt.date(1988, 9, 4), "壬戌"),  # four-eight PublishedCaseTests (명리보감)
        (dt.date(2100, 12, 31), "丁未"),  # lunar-python
    ],
)
def test_day_pillar_known_dates(day: dt.date, pillar: str) -> None:
    assert day_pillar(day).hanja == pillar


@given(DATES)
def test_day_pillar_advances_one_step_a_day(day: dt.date) -> None:
    assert day_pillar(day + dt.timedelta(days=1)) == day_pillar(day).shifted(1)


@settings(max_examples=30, deadline=None)
@given(DATES)
def test_day_pillar_matches_lunar_python(day: dt.date) -> None:
    solar_cls = pytest.importorskip("lunar_python").Solar
    theirs = solar_cls.fromYmd(day.year, day.month, day.day).getLunar().getDayInGanZhi()
    assert day_pillar(day).hanja == theirs


def test_day_pillar_range() -> None:
    with pytest.raises(InvalidBirth) as info:
        day_pillar(dt.date(1899, 12, 31))
    assert info.value.code == OUT_OF_RANGE


@settings(max_examples=150, deadline=None)
@given(KASI_DATES)
def test_solar_to_lunar_matches_korean_lunar_calendar(day: dt.date) -> None:
    cal = KoreanLunarCalendar()
    assert cal.setSolarDate(day.year, day.month, day.day)
    expected = LunarDate(cal.lunarYear, cal.lunarMonth, cal.lunarDay, cal.isIntercalation)
    assert solar_to_lunar(day) == expected
    assert lunar_to_solar(expected.year, expected.month, expected.day, expected.leap) == day


@pytest.mark.parametrize(
    ("solar", "lunar"),
    [
        # 설날 that differ from the Chinese calendar (KR 02-08, CN 02-07).
        (dt.date(1997, 2, 8), LunarDate(1997, 1, 1)),
        (dt.date(1997, 2, 7), LunarDate(1996, 12, 30)),
        # Korean leap months: 2012 윤3월 (China 閏4月), 2017 윤5월 (China 閏6月).
        (dt.date(2012, 4, 21), LunarDate(2012, 3, 1, leap=True)),
        (dt.date(2017, 6, 24), LunarDate(2017, 5, 1, leap=True)),
        (dt.date(2050, 12, 31), LunarDate(2050, 11, 18)),
    ],
)
def test_korean_lunar_dates(solar: dt.date, lunar: LunarDate) -> None:
    assert solar_to_lunar(solar) == lunar
    assert lunar_to_solar(lunar.year, lunar.month, lunar.day, lunar.leap) == solar


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ((2012, 4, 1, True), INVALID_LUNAR_DATE),  # no 윤4월 in 2012 (that is China's)
        ((2017, 6, 1, True), INVALID_LUNAR_DATE),
        ((2026, 13, 1, False), INVALID_LUNAR_DATE),
        ((2026, 1, 0, False), INVALID_LUNAR_DATE),
        ((2100, 12, 2, False), OUT_OF_RANGE),  # solar 2101-01-01
        ((2101, 1, 1, False), OUT_OF_RANGE),
        ((1800, 1, 1, False), OUT_OF_RANGE),
    ],
)
def test_invalid_lunar_dates(args: tuple[int, int, int, bool], code: str) -> None:
    with pytest.raises(InvalidBirth) as info:
        lunar_to_solar(*args)
    assert info.value.code == code
    assert info.value.message


def test_day_30_of_a_short_month_is_invalid() -> None:
    short = next(m for m in range(1, 13) if lunar_month_length(2026, m) == 29)
    with pytest.raises(InvalidBirth) as info:
        lunar_to_solar(2026, short, 30)
    assert info.value.code == INVALID_LUNAR_DATE
    assert lunar_to_solar(2026, short, 29) + dt.timedelta(days=1) == lunar_to_solar(2026, short + 1, 1)


def test_solar_to_lunar_range() -> None:
    for day in (dt.date(1899, 12, 31), dt.date(2101, 1, 1)):
        with pytest.raises(InvalidBirth) as info:
            solar_to_lunar(day)
        assert info.value.code == OUT_OF_RANGE
    assert solar_to_lunar(dt.date(2100, 12, 31)) == LunarDate(2100, 12, 1)


def test_computed_months_continue_the_kasi_table() -> None:
    # The last KASI month (2050-11) runs to the first computed new moon; 30 days by the computation.
    assert lunar_month_length(2050, 11) in (29, 30)
    assert solar_to_lunar(dt.date(2051, 1, 1)) == LunarDate(2050, 11, 19)
    assert lunar_to_solar(2050, 12, 1) == lunar_to_solar(2050, 11, 1) + dt.timedelta(
        days=lunar_month_length(2050, 11)
    )


@pytest.mark.filterwarnings("ignore::erfa.ErfaWarning")
def test_astronomical_rules_reproduce_kasi_months() -> None:
    # The rules used for 2051–2100 (new moons and 중기 at UTC+9) must give KASI's months where KASI exists.
    gen = pytest.importorskip("scripts.gen_terms")
    from saju.terms import TERM_SECONDS

    computed, _ = gen.astronomical_korean_months(TERM_SECONDS, 2010, 2014)
    assert len(computed) > 40
    for start, year, month, leap in computed:
        assert lunar_to_solar(year, month, 1, leap) == dt.date.fromordinal(start)
    assert any(leap for _, year, month, leap in computed if (year, month) == (2012, 3))


@settings(max_examples=100, deadline=None)
@given(st.dates(min_value=dt.date(2051, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_computed_lunar_dates_are_consistent(day: dt.date) -> None:
    lunar = solar_to_lunar(day)
    assert 1 <= lunar.day <= lunar_month_length(lunar.year, lunar.month, lunar.leap) <= 30
    assert lunar_to_solar(lunar.year, lunar.month, lunar.day, lunar.leap) == day


def test_computed_lunar_calendar_is_close_to_but_not_the_chinese_one() -> None:
    solar_cls = pytest.importorskip("lunar_python").Solar
    day, same, total = dt.date(2051, 1, 1), 0, 0
    while day <= dt.date(2100, 12, 31):
        ours = solar_to_lunar(day)
        theirs = solar_cls.fromYmd(day.year, day.month, day.day).getLunar()
        same += (ours.year, ours.month if not ours.leap else -ours.month, ours.day) == (
            theirs.getYear(), theirs.getMonth(), theirs.getDay(),
        )  # fmt: skip
        total += 1
        day += dt.timedelta(days=97)
    # 1900–2050 KASI and China differ on 3.6 % of days; the computed half-century must look the same.
    assert 0.9 <= same / total < 1.0


def test_year_and_month_pillars() -> None:
    assert year_pillar_of(1984).hanja == "甲子"
    assert year_pillar_of(2026).hanja == "丙午"
    months = month_pillars_of(2026)
    assert [p.hanja for _, p in months] == [
        "庚寅", "辛卯", "壬辰", "癸巳", "甲午", "乙未", "丙申", "丁酉", "戊戌", "己亥", "庚子", "辛丑",
    ]  # fmt: skip
    assert months[0][0].name_hangul == "입춘" and months[-1][0].name_hangul == "소한"
    assert months[-1][0].instant.year == 2027


@given(st.integers(min_value=1900, max_value=2100))
def test_month_stems_follow_the_year_stem(year: int) -> None:
    # 甲己 → 丙寅, 乙庚 → 戊寅, 丙辛 → 庚寅, 丁壬 → 壬寅, 戊癸 → 甲寅 (월건법).
    first = month_pillars_of(year)[0][1]
    assert first == Pillar.parse("丙戊庚壬甲"[year_pillar_of(year).stem.index % 5] + "寅")


@pytest.mark.slow
def test_every_kasi_day_1900_2050_matches_korean_lunar_calendar() -> None:
    cal = KoreanLunarCalendar()
    day = dt.date(1900, 1, 31)
    while day <= dt.date(2050, 12, 31):
        assert cal.setSolarDate(day.year, day.month, day.day)
        assert solar_to_lunar(day) == LunarDate(
            cal.lunarYear, cal.lunarMonth, cal.lunarDay, cal.isIntercalation
        )
        day += dt.timedelta(days=1)
