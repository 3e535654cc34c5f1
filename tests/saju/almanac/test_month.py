"""The 만세력 month grid: known months, range, memo, 손 없는 날, and day-by-day invariants (hypothesis)."""

from __future__ import annotations

import calendar as gregorian
import datetime as dt

import pytest
from hypothesis import example, given, seed
from hypothesis import strategies as st

from saju.almanac import CalendarDay, month_calendar, son_direction
from saju.almanac.document import month_calendar_json
from saju.birth import BirthInput
from saju.calendar import LunarDate
from saju.chart import chart_from_birth
from saju.errors import INVALID_DATE, OUT_OF_RANGE, SajuError
from saju.terms import KST
from tests.saju.almanac.properties import SEED, property_settings

MONTHS = st.tuples(st.integers(1900, 2100), st.integers(1, 12))


def _day(year: int, month: int, day: int) -> CalendarDay:
    return month_calendar(year, month).days[day - 1]


def test_december_2026() -> None:
    cal = month_calendar(2026, 12)
    assert len(cal.days) == 31 and cal.days[0].solar == dt.date(2026, 12, 1)
    assert [d.solar.day for d in cal.days] == list(range(1, 32))
    first = cal.days[0]
    assert first.weekday_hangul == "화" and first.day_pillar.hanja == "己酉"
    assert first.lunar == LunarDate(2026, 10, 23)
    assert (first.year_pillar.hanja, first.month_pillar.hanja, first.saju_year) == ("丙午", "己亥", 2026)
    # 대설 (a 절): the month pillar switches at its instant; the day shows both.
    daeseol = _day(2026, 12, 7)
    assert [t.name_hangul for t in daeseol.terms] == ["대설"]
    assert daeseol.terms[0].instant_kst.strftime("%H:%M:%S") == "11:52:25"
    assert daeseol.month_change is not None and daeseol.month_change.instant == daeseol.terms[0].instant
    assert (daeseol.month_pillar.hanja, daeseol.month_change.after.hanja) == ("己亥", "庚子")
    assert daeseol.month_pillar_at_end.hanja == "庚子" and daeseol.year_change is None
    # 동지 (a 중기) changes nothing.
    dongji = _day(2026, 12, 22)
    assert [t.name_hangul for t in dongji.terms] == ["동지"] and dongji.month_change is None
    assert [t.name_hangul for t in cal.terms] == ["대설", "동지"]
    assert _day(2026, 12, 9).lunar == LunarDate(2026, 11, 1)
    assert _day(2026, 12, 25).holidays == ("기독탄신일",) and _day(2026, 12, 25).is_holiday
    assert (cal.previous, cal.next) == ((2026, 11), (2027, 1))


def test_ipchun_day_switches_year_and_month() -> None:
    day = _day(2026, 2, 4)
    assert [t.name_hangul for t in day.terms] == ["입춘"]
    assert day.terms[0].instant_kst == dt.datetime(2026, 2, 4, 5, 2, 2, tzinfo=KST)
    assert day.year_change is not None and day.month_change is not None
    assert (day.year_pillar.hanja, day.year_change.after.hanja) == ("乙巳", "丙午")
    assert (day.month_pillar.hanja, day.month_change.after.hanja) == ("己丑", "庚寅")
    assert day.saju_year == 2025 and _day(2026, 2, 5).saju_year == 2026
    assert day.year_pillar_at_end.hanja == "丙午"


def test_leap_month_days_are_marked() -> None:
    assert _day(2025, 7, 25).lunar == LunarDate(2025, 6, 1, leap=True)
    assert _day(2025, 6, 25).lunar == LunarDate(2025, 6, 1, leap=False)
    assert _day(2012, 4, 21).lunar == LunarDate(2012, 3, 1, leap=True)  # Korea 윤3월, China 閏4月


def test_range_ends_and_errors() -> None:
    first, last = month_calendar(1900, 1), month_calendar(2100, 12)
    assert first.previous is None and last.next is None
    assert first.days[0].lunar == LunarDate(1899, 12, 1) and first.days[0].day_pillar.hanja == "甲戌"
    assert first.days[0].year_pillar.hanja == "己亥" and first.days[0].month_pillar.hanja == "丙子"
    assert last.days[-1].lunar == LunarDate(2100, 12, 1) and last.days[-1].day_pillar.hanja == "丁未"
    for year, month, code in ((1899, 12, OUT_OF_RANGE), (2101, 1, OUT_OF_RANGE), (2026, 13, INVALID_DATE),
                              (2026, 0, INVALID_DATE)):  # fmt: skip
        with pytest.raises(SajuError) as info:
            month_calendar(year, month)
        assert info.value.code == code and info.value.message


def test_a_month_is_memoized_per_process() -> None:
    assert month_calendar(2030, 5) is month_calendar(2030, 5)


@pytest.mark.parametrize(
    ("lunar_day", "direction"),
    [(1, "동"), (2, "동"), (3, "남"), (4, "남"), (5, "서"), (6, "서"), (7, "북"), (8, "북"), (9, None),
     (10, None), (11, "동"), (16, "서"), (19, None), (20, None), (24, "남"), (28, "북"), (29, None), (30, None)],
)  # fmt: skip
def test_son_direction_by_lunar_day(lunar_day: int, direction: str | None) -> None:
    assert son_direction(lunar_day) == direction


def test_son_eomneun_days_of_a_month() -> None:
    # 2026-12: lunar 10.29, 10.30, 11.9, 11.10, 11.19, 11.20.
    assert [d.solar.day for d in month_calendar(2026, 12).days if d.son_eomneun] == [7, 8, 17, 18, 27, 28]


def test_json_document_shape() -> None:
    doc = month_calendar_json(month_calendar(1955, 6))
    assert (doc["year"], doc["month"], doc["previous"], doc["next"]) == (1955, 6, "1955-05", "1955-07")
    days = doc["days"]
    assert isinstance(days, list) and len(days) == 30
    mangjong = days[5]
    assert (
        mangjong["date"] == "1955-06-06" and mangjong["weekday"] == 1 and mangjong["weekday_hangul"] == "월"
    )
    term = mangjong["terms"][0]
    # Summer 1955: UTC+8:30 with daylight saving (+9:30); KST and UTC are given as well.
    assert term["name"] == "망종" and term["kind"] == "절" and term["kst"].endswith("+09:00")
    assert term["civil"].endswith("+09:30") and term["utc"].endswith("Z")
    assert mangjong["month_change"]["before"] == {"hanja": "辛巳", "hangul": "신사"}
    assert mangjong["month_change"]["after"]["hanja"] == "壬午" and mangjong["year_change"] is None
    assert days[0]["lunar"] == {"year": 1955, "month": 4, "day": 11, "leap": False}
    assert days[8]["son_eomneun"] is True and days[8]["son_direction"] is None
    assert doc["sources"]["holidays"] is not None
    assert month_calendar_json(month_calendar(1930, 1))["sources"]["holidays"] is None


@seed(SEED)
@property_settings(60)
@given(MONTHS)
def test_every_day_of_a_month_is_consistent(year_month: tuple[int, int]) -> None:
    year, month = year_month
    cal = month_calendar(year, month)
    assert len(cal.days) == gregorian.monthrange(year, month)[1]
    for day, after in zip(cal.days, cal.days[1:], strict=False):
        assert after.solar == day.solar + dt.timedelta(days=1)
        assert after.day_pillar == day.day_pillar.shifted(1)
        assert after.month_pillar == day.month_pillar_at_end and after.year_pillar == day.year_pillar_at_end
        if after.lunar.day == 1:
            assert (after.lunar.month, after.lunar.leap) != (day.lunar.month, day.lunar.leap)
        else:
            assert after.lunar == LunarDate(
                day.lunar.year, day.lunar.month, day.lunar.day + 1, day.lunar.leap
            )
    for day in cal.days:
        start = dt.datetime.combine(day.solar, dt.time(), KST)
        assert all(start <= t.instant < start + dt.timedelta(days=1) for t in day.terms)
        jie = [t for t in day.terms if t.is_jie]
        assert (day.month_change is not None) == bool(jie)
        assert (day.year_change is not None) == any(t.name_hangul == "입춘" for t in day.terms)
        if day.month_change is not None:
            assert day.month_change.after == day.month_change.before.shifted(1)
        assert day.son_eomneun == (day.lunar.day % 10 in (9, 0))
        assert day.year_pillar.index == (day.saju_year - 4) % 60


@seed(SEED)
@property_settings(80)
@given(st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)), st.integers(0, 86_399))
@example(dt.date(2026, 12, 7), 11 * 3600 + 52 * 60 + 24)  # one second before 대설
@example(dt.date(2026, 12, 7), 11 * 3600 + 52 * 60 + 25)  # the instant of 대설
@example(dt.date(2026, 2, 4), 5 * 3600 + 2 * 60 + 1)  # one second before 입춘
@example(dt.date(2026, 2, 4), 5 * 3600 + 2 * 60 + 2)
def test_the_grid_agrees_with_the_chart_engine(day: dt.date, second: int) -> None:
    # A chart at any instant of the day has the month/year pillar the grid says is in force then.
    moment = dt.datetime.combine(day, dt.time(), KST) + dt.timedelta(seconds=second)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    chart = chart_from_birth(
        BirthInput.from_mapping({"datetime": text, "timezone": "Etc/GMT-9", "time_basis": "civil"})
    )
    cell = _day(day.year, day.month, day.day)
    switched = cell.month_change is not None and moment >= cell.month_change.instant
    assert chart.month == (cell.month_change.after if switched and cell.month_change else cell.month_pillar)
    year_switched = cell.year_change is not None and moment >= cell.year_change.instant
    assert chart.year == (cell.year_pillar_at_end if year_switched else cell.year_pillar)
    assert chart.saju_year == cell.saju_year + int(year_switched)
