"""Lunar ↔ solar conversion: known dates, leap-month rules, round trips and the Korean errors."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, seed
from hypothesis import strategies as st

from saju.almanac import convert_lunar, convert_solar
from saju.almanac.document import conversion_json
from saju.calendar import LunarDate, leap_month_of
from saju.errors import LUNAR_DAY, LUNAR_LEAP, LUNAR_MONTH, OUT_OF_RANGE, InvalidLunarDate, SajuError
from tests.saju.almanac.properties import SEED, property_settings

SOLAR_DATES = st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31))


def test_leap_month_and_its_twin() -> None:
    leap = convert_lunar(2025, 6, 1, leap=True)
    assert leap.solar == dt.date(2025, 7, 25) and leap.day_pillar.hanja == "乙未"
    assert (leap.month_days, leap.leap_month, leap.twin) == (29, 6, dt.date(2025, 6, 25))
    ordinary = convert_lunar(2025, 6, 1)
    assert ordinary.solar == dt.date(2025, 6, 25) and ordinary.twin == dt.date(2025, 7, 25)
    # 6월 has 30 days, 윤6월 29: the 30th has no twin.
    assert convert_lunar(2025, 6, 30).twin is None
    assert convert_lunar(2025, 5, 1).twin is None and convert_lunar(2025, 5, 1).leap_month == 6
    assert convert_lunar(2026, 1, 1).leap_month is None


def test_solar_to_lunar_known_dates() -> None:
    assert convert_solar(dt.date(1997, 2, 8)).lunar == LunarDate(1997, 1, 1)  # KR 설날 (China: 02-07)
    assert convert_solar(dt.date(2017, 6, 24)).lunar == LunarDate(2017, 5, 1, leap=True)
    assert convert_solar(dt.date(1900, 1, 1)).lunar == LunarDate(1899, 12, 1)
    assert convert_solar(dt.date(2100, 12, 31)).lunar == LunarDate(2100, 12, 1)
    assert convert_lunar(1899, 12, 1).solar == dt.date(1900, 1, 1)
    assert convert_lunar(2100, 12, 1).solar == dt.date(2100, 12, 31)


@pytest.mark.parametrize(
    ("year", "month"), [(2012, 3), (2014, 9), (2017, 5), (2020, 4), (2023, 2), (2025, 6), (2026, None)]
)
def test_leap_month_of(year: int, month: int | None) -> None:
    assert leap_month_of(year) == month


@pytest.mark.parametrize(
    ("args", "reason", "words"),
    [
        ((2012, 4, 1, True), LUNAR_LEAP, ("윤4월이 없습니다", "윤3월")),  # China's leap month, not Korea's
        ((2026, 6, 1, True), LUNAR_LEAP, ("윤6월이 없습니다", "윤달이 없습니다")),
        ((2025, 7, 1, True), LUNAR_LEAP, ("윤7월이 없습니다", "윤6월")),
        ((2026, 2, 30, False), LUNAR_DAY, ("2월은 29일까지", "30일")),
        ((2025, 6, 30, True), LUNAR_DAY, ("윤6월은 29일까지",)),
        ((2026, 1, 0, False), LUNAR_DAY, ("1일부터",)),
        ((2026, 1, 31, False), LUNAR_DAY, ("까지입니다",)),
        ((2026, 13, 1, False), LUNAR_MONTH, ("12월까지", "13월")),
    ],
)
def test_dates_that_did_not_exist(
    args: tuple[int, int, int, bool], reason: str, words: tuple[str, ...]
) -> None:
    with pytest.raises(InvalidLunarDate) as info:
        convert_lunar(*args)
    assert info.value.code == "INVALID_LUNAR_DATE" and info.value.reason == reason
    assert all(word in info.value.message for word in words), info.value.message


@pytest.mark.parametrize(
    "call",
    [
        lambda: convert_lunar(1899, 11, 30),
        lambda: convert_lunar(2100, 12, 2),
        lambda: convert_lunar(2101, 1, 1),
        lambda: convert_lunar(1800, 1, 1, leap=True),
        lambda: convert_solar(dt.date(1899, 12, 31)),
        lambda: convert_solar(dt.date(2101, 1, 1)),
        lambda: leap_month_of(2101),
    ],
)
def test_out_of_range(call: object) -> None:
    with pytest.raises(SajuError) as info:
        call()  # type: ignore[operator]
    assert info.value.code == OUT_OF_RANGE and "지원합니다" in info.value.message


@seed(SEED)
@property_settings(300)
@given(SOLAR_DATES)
def test_round_trips(day: dt.date) -> None:
    there = convert_solar(day)
    back = convert_lunar(there.lunar.year, there.lunar.month, there.lunar.day, there.lunar.leap)
    assert back == there and back.solar == day
    assert 1 <= there.lunar.day <= there.month_days in (29, 30)
    assert there.lunar.leap <= (there.leap_month == there.lunar.month)
    if there.twin is not None:
        twin = convert_solar(there.twin).lunar
        assert twin == LunarDate(there.lunar.year, there.lunar.month, there.lunar.day, not there.lunar.leap)


def test_conversion_json() -> None:
    assert conversion_json(convert_lunar(2025, 6, 1, leap=True)) == {
        "solar": "2025-07-25",
        "weekday": 5,
        "weekday_hangul": "금",
        "lunar": {"year": 2025, "month": 6, "day": 1, "leap": True},
        "day_pillar": {"hanja": "乙未", "hangul": "을미"},
        "month_days": 29,
        "leap_month": 6,
        "twin": "2025-06-25",
    }
