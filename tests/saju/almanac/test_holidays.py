"""Korean public holidays from the ``holidays`` package, cross-checked against our own lunar calendar.

설날 (민속의 날 1985–88) from 1985, 추석 from the library's first year (1948), 석가탄신일 (부처님오신날 from
2017) from 1975, to 2050 as the issue asks — and on to 2100, where both sides are computed: the library's
date must be our lunar 1/1, 8/15 and 4/8 (the ordinary month, never a 윤달), and the days around 설날/추석
must be the lunar days around them. docs/calendar.md reports the result (no disagreement in 1948–2100).
"""

from __future__ import annotations

import datetime as dt

import pytest

from saju.almanac import month_calendar, public_holidays
from saju.calendar import lunar_to_solar

ONE_DAY = dt.timedelta(days=1)


def _days_named(year: int) -> dict[str, list[dt.date]]:
    names: dict[str, list[dt.date]] = {}
    for day, day_names in public_holidays(year).items():
        for name in day_names:
            names.setdefault(name, []).append(day)
    return names


def _expected(year: int) -> dict[str, list[dt.date]]:
    """What our lunar calendar says each lunar holiday of ``year`` is (names as the statute of that year)."""
    seol, chuseok = lunar_to_solar(year, 1, 1), lunar_to_solar(year, 8, 15)
    out: dict[str, list[dt.date]] = {"추석": [chuseok]}
    if year >= 1985:
        out["설날" if year >= 1989 else "민속의 날"] = [seol]
    if year >= 1989:
        out |= {
            "설날 전날": [seol - ONE_DAY],
            "설날 다음날": [seol + ONE_DAY],
            "추석 전날": [chuseok - ONE_DAY],
        }
    if year >= 1986:
        out["추석 다음날"] = [chuseok + ONE_DAY]
    if year >= 1975:
        out["부처님오신날" if year >= 2017 else "석가탄신일"] = [lunar_to_solar(year, 4, 8)]
    return out


def _disagreements(first: int, last: int) -> list[tuple[int, str, list[dt.date], list[dt.date]]]:
    found = []
    for year in range(first, last + 1):
        theirs = _days_named(year)
        for name, ours in _expected(year).items():
            if theirs.get(name, []) != ours:
                found.append((year, name, theirs.get(name, []), ours))
    return found


@pytest.mark.slow
def test_lunar_holidays_match_our_lunar_calendar_1948_2050() -> None:
    assert _disagreements(1948, 2050) == []


@pytest.mark.slow
def test_lunar_holidays_match_our_computed_lunar_calendar_2051_2100() -> None:
    assert _disagreements(2051, 2100) == []


def test_the_cross_check_can_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    # A lunar calendar one day off is caught for every holiday of every year: the check has teeth.
    assert sum(len(_expected(year)) for year in range(1948, 2101)) == 846
    real = lunar_to_solar
    monkeypatch.setattr(f"{__name__}.lunar_to_solar", lambda *args: real(*args) + ONE_DAY)
    found = _disagreements(2024, 2026)
    assert len(found) == 3 * 7 and {name for _, name, _, _ in found} == set(_expected(2026))
    assert _expected(1984).keys() == {"추석", "석가탄신일"} and _expected(1974).keys() == {"추석"}


def test_korean_not_chinese_dates() -> None:
    # 설날 1997 is 02-08 in Korea (China 02-07); 석가탄신일 2012 follows Korea's 윤3월 (China's 閏4月 → 04-28).
    assert _days_named(1997)["설날"] == [dt.date(1997, 2, 8)]
    assert _days_named(2012)["석가탄신일"] == [dt.date(2012, 5, 28)]


def test_holidays_in_the_grid() -> None:
    feb = {d.solar.day: d.holidays for d in month_calendar(2026, 2).days if d.holidays}
    assert feb == {16: ("설날 전날",), 17: ("설날",), 18: ("설날 다음날",)}
    march = month_calendar(2026, 3).days
    assert march[0].holidays == ("삼일절",) and march[1].holidays == (
        "삼일절 대체 휴일",
    )  # 대체공휴일 (Sunday)
    assert month_calendar(2026, 5).days[24].holidays == ("부처님오신날 대체 휴일",)


def test_no_holiday_data_before_1948() -> None:
    cal = month_calendar(1947, 1)
    assert not cal.holidays_covered and not any(d.holidays for d in cal.days)
    assert public_holidays(1947) == {}
    assert month_calendar(1948, 8).holidays_covered
