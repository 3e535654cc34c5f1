"""Charts: published cases, every boundary of the issue, and a lunar-python cross-check."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from saju.birth import BirthInput, DayChange, TimeBasis
from saju.calendar import LunarDate
from saju.chart import Chart, chart_from_birth, chart_to_json, equation_of_time_seconds
from saju.core import Pillar
from saju.errors import AMBIGUOUS_TIME, MISSING_LONGITUDE, NONEXISTENT_TIME, OUT_OF_RANGE, InvalidBirth
from saju.terms import JIE_SECONDS, TERM_NAMES_HANGUL
from saju.tz import zone

BEIJING_FIXED = "Etc/GMT-8"  # lunar-python works in Beijing time without daylight saving


def chart(when: str, **options: object) -> Chart:
    return chart_from_birth(BirthInput.from_mapping({"datetime": when, **options}))


def hanja(c: Chart) -> str:
    return " ".join("-" if p is None else p.hanja for p in c.pillars)


# --- published Korean charts ------------------------------------------------------------------
# Source: waylake/four-eight SajuKit/Tests/SajuKitTests/PublishedCaseTests.swift, which checks the
# 명리보감 (firstname.kr) calculator (true solar time, 야자시) and uncle.tools 만세력 for the 일진.
PUBLISHED = [
    ("1988-06-08T05:40", 129.075, "Asia/Seoul", "戊辰 戊午 甲午 丙寅"),  # 부산, DST
    ("1988-09-05T00:50", 126.978, "Asia/Seoul", "戊辰 庚申 壬戌 壬子"),  # 서울, DST + 야자시
    ("1955-08-08T17:28", 126.978, "Asia/Seoul", "乙未 甲申 辛丑 丙申"),  # UTC+8:30 + DST + 입추
    ("1956-07-07T13:30", 129.075, "Asia/Seoul", "丙申 乙未 乙亥 壬午"),  # 소서 two minutes before
    ("2005-05-10T00:20", 129.075, "Asia/Seoul", "乙酉 辛巳 癸巳 甲子"),  # 야자시 after correction
    ("2005-05-10T00:52", 126.978, "Asia/Seoul", "乙酉 辛巳 甲午 甲子"),  # 조자시 after correction
    ("2005-05-05T05:55", -77.0369, "America/New_York", "乙酉 辛巳 己丑 丙寅"),  # abroad, US DST
]


@pytest.mark.parametrize(("when", "longitude", "tz", "expected"), PUBLISHED)
@pytest.mark.parametrize("basis", ["tst", "lmt"])
def test_published_charts(when: str, longitude: float, tz: str, expected: str, basis: str) -> None:
    c = chart(when, longitude=longitude, timezone=tz, time_basis=basis, day_change="yajasi")
    assert hanja(c) == expected


# Source: yhj1024/manseryeok src/golden.test.ts ("KASI 만세력 기준의 표준값", uncorrected KST, day changes
# at midnight; dates away from 절 boundaries). Several sit exactly on an hour boundary, so they also show
# that the default lmt basis gives a different hour there.
GOLDEN_STANDARD = [
    ("1936-08-25T07:30", "병자 병신 기묘 무진"),
    ("1948-05-01T12:00", "무자 병진 병술 갑오"),
    ("1960-03-15T10:00", "경자 기묘 임인 을사"),
    ("1975-07-07T14:00", "을묘 임오 갑인 신미"),
    ("1984-06-15T09:00", "갑자 경오 경진 신사"),
    ("1988-09-20T16:00", "무진 신유 무인 경신"),
    ("1992-10-24T05:30", "임신 경술 계유 을묘"),
    ("1995-11-11T11:11", "을해 정해 병오 갑오"),
    ("2000-06-10T08:30", "경진 임오 기해 무진"),
    ("2010-12-05T18:00", "경인 정해 기축 계유"),
    ("2020-04-20T13:00", "경자 경진 계사 기미"),
]


@pytest.mark.parametrize(("when", "expected"), GOLDEN_STANDARD)
def test_golden_charts_on_standard_time(when: str, expected: str) -> None:
    c = chart(when, time_basis="standard", day_change="midnight")
    assert " ".join(p.hangul for p in c.pillars if p is not None) == expected


def test_default_lmt_moves_an_on_the_hour_birth_to_the_previous_branch() -> None:
    assert chart("1984-06-15T09:00", time_basis="standard").hour == Pillar.parse("신사")
    assert chart("1984-06-15T09:00").hour == Pillar.parse("경진")  # 08:28 local mean time


def test_issue_example_and_defaults() -> None:
    c = chart("1990-05-15T14:30", gender="female")
    assert hanja(c) == "庚午 辛巳 庚辰 癸未"
    conv = c.conventions
    assert (conv.time_basis, conv.day_change, conv.timezone) == (TimeBasis.LMT, DayChange.H23, "Asia/Seoul")
    assert conv.longitude == pytest.approx(126.978)
    assert conv.correction_minutes == pytest.approx(-32.09, abs=0.01)
    assert c.instant_utc == dt.datetime(1990, 5, 15, 5, 30, tzinfo=dt.UTC)
    assert c.lunar == LunarDate(1990, 4, 21)
    assert c.day_master.hanja == "庚"


# --- 입춘 and 절 boundaries --------------------------------------------------------------------
def test_ipchun_2026_in_korean_time() -> None:
    # 입춘 2026-02-04 05:02:02 KST: the year and month change at the instant, not the day.
    before = chart("2026-02-04T05:02:01", time_basis="civil")
    after = chart("2026-02-04T05:02:02", time_basis="civil")
    assert (before.year.hanja, before.month.hanja) == ("乙巳", "己丑")
    assert (after.year.hanja, after.month.hanja) == ("丙午", "庚寅")
    assert before.day == after.day


def test_year_month_never_use_the_corrected_clock() -> None:
    # lmt moves the clock 32 minutes back, but 05:10 KST is still after 입춘's instant.
    c = chart("2026-02-04T05:10", time_basis="lmt")
    assert c.local_for_day_hour is not None and c.local_for_day_hour < dt.datetime(2026, 2, 4, 5, 2)  # noqa: DTZ001
    assert c.year.hanja == "丙午"


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=1, max_value=len(JIE_SECONDS) - 2), st.integers(min_value=1, max_value=180))
def test_minutes_either_side_of_every_jie(position: int, delta: int) -> None:
    at = JIE_SECONDS[position]
    fmt = "%Y-%m-%dT%H:%M:%S"
    before_text = dt.datetime.fromtimestamp(at - delta, dt.UTC).strftime(fmt)
    after_text = dt.datetime.fromtimestamp(at + delta, dt.UTC).strftime(fmt)
    assume(before_text[:10] >= "1900-01-01" and after_text[:10] <= "2100-12-31")
    before = chart(before_text, timezone="UTC", time_basis="civil")
    after = chart(after_text, timezone="UTC", time_basis="civil")
    assert after.month == before.month.shifted(1)
    is_ipchun = TERM_NAMES_HANGUL[(2 * position) % 24] == "입춘"
    assert (after.year == before.year.shifted(1)) is is_ipchun
    assert (after.year == before.year) is not is_ipchun


# --- daylight saving and the UTC+8:30 eras ------------------------------------------------------
@pytest.mark.parametrize(
    "when",
    [
        "1987-05-10T02:30",  # DST start 02:00 → 03:00
        "1988-05-08T02:00",
        "1948-06-01T00:30",  # DST start at 00:00
        "1955-05-05T00:15",  # +8:30 → +9:30
        "1961-08-10T00:15",  # +8:30 → +9:00, clocks jumped to 00:30
        "1912-01-01T00:15",  # +8:30 → +9:00
        "1908-04-01T00:01",  # LMT +8:27:52 → +8:30
    ],
)
def test_nonexistent_wall_times_are_errors(when: str) -> None:
    for fold in (None, 0, 1):
        with pytest.raises(InvalidBirth) as info:
            chart(when, fold=fold)
        assert info.value.code == NONEXISTENT_TIME


@pytest.mark.parametrize(
    ("when", "hours_apart"),
    [
        ("1987-10-11T02:30", 1.0),  # DST end 03:00 → 02:00
        ("1988-10-09T02:59", 1.0),
        ("1948-09-12T23:30", 1.0),  # DST end at 24:00 of the day before
        ("1960-09-17T23:10", 1.0),  # +9:30 → +8:30
        ("1954-03-20T23:45", 0.5),  # +9:00 → +8:30
    ],
)
def test_ambiguous_wall_times_need_fold(when: str, hours_apart: float) -> None:
    with pytest.raises(InvalidBirth) as info:
        chart(when)
    assert info.value.code == AMBIGUOUS_TIME
    first, second = chart(when, fold=0), chart(when, fold=1)
    assert first.instant_utc is not None and second.instant_utc is not None
    assert (second.instant_utc - first.instant_utc) == dt.timedelta(hours=hours_apart)
    assert first.conventions.fold == 0 and second.conventions.fold == 1


def test_dst_edges_that_exist() -> None:
    just_before = chart("1987-05-10T01:59", time_basis="civil")
    just_after = chart("1987-05-10T03:00", time_basis="civil")
    assert not just_before.conventions.dst and just_after.conventions.dst
    assert just_after.instant_utc is not None and just_before.instant_utc is not None
    assert just_after.instant_utc - just_before.instant_utc == dt.timedelta(minutes=1)


@pytest.mark.parametrize(
    ("when", "offset", "dst"),
    [
        ("1907-06-01T12:00", "+08:27:52", False),
        ("1910-06-01T12:00", "+08:30", False),
        ("1950-06-01T12:00", "+10:00", True),
        ("1954-06-01T12:00", "+08:30", False),
        ("1957-06-01T12:00", "+09:30", True),
        ("1962-06-01T12:00", "+09:00", False),
        ("1988-07-01T12:00", "+10:00", True),
        ("1989-07-01T12:00", "+09:00", False),
    ],
)
def test_korean_civil_time_history(when: str, offset: str, dst: bool) -> None:
    doc = chart_to_json(chart(when))
    conventions = doc["conventions"]
    assert isinstance(conventions, dict)
    assert (conventions["utc_offset"], conventions["dst"]) == (offset, dst)


# --- time bases ------------------------------------------------------------------------------
def local_used(c: Chart) -> dt.datetime:
    assert c.local_for_day_hour is not None
    return c.local_for_day_hour


def test_standard_removes_dst_and_civil_keeps_it() -> None:
    assert local_used(chart("1987-07-01T12:00", time_basis="civil")).hour == 12
    assert local_used(chart("1987-07-01T12:00", time_basis="standard")).hour == 11
    assert local_used(chart("1957-07-01T12:00", time_basis="standard")) == dt.datetime(1957, 7, 1, 11, 0)  # noqa: DTZ001


def test_table_shifts_30_minutes_in_utc9_and_none_in_utc830() -> None:
    assert (
        chart("2000-06-01T23:20", time_basis="table").hour
        == chart("2000-06-01T22:00", time_basis="civil").hour
    )
    assert chart("2000-06-01T23:40", time_basis="table").hour.branch.hanja == "子"  # type: ignore[union-attr]
    c = chart("1954-06-01T23:10", time_basis="table")
    assert c.conventions.correction_minutes == 0 and c.hour is not None and c.hour.branch.hanja == "子"
    assert chart("1957-07-01T12:00", time_basis="table").conventions.correction_minutes == -60  # DST removed


def test_lmt_correction_depends_on_the_zone_meridian() -> None:
    assert chart("2000-06-01T12:00").conventions.correction_minutes == pytest.approx(-32.09, abs=0.01)
    assert chart("1956-01-01T12:00").conventions.correction_minutes == pytest.approx(-2.09, abs=0.01)
    assert chart("2000-06-01T12:00", longitude=129.075).conventions.correction_minutes == pytest.approx(
        -23.70, abs=0.01
    )


def test_tst_adds_the_equation_of_time_once() -> None:
    lmt = local_used(chart("2000-11-03T12:00", time_basis="lmt"))
    tst = local_used(chart("2000-11-03T12:00", time_basis="tst"))
    assert 16 * 60 <= (tst - lmt).total_seconds() <= 16.6 * 60  # early November: sundial ~16.4 min fast
    assert (
        -14.5 * 60
        <= equation_of_time_seconds(dt.datetime(2000, 2, 11, 3, tzinfo=dt.UTC).timestamp())
        <= -14 * 60
    )


def test_lmt_abroad_needs_a_longitude() -> None:
    with pytest.raises(InvalidBirth) as info:
        chart("2005-05-05T05:55", timezone="America/New_York")
    assert info.value.code == MISSING_LONGITUDE
    assert chart("2005-05-05T05:55", timezone="America/New_York", time_basis="standard").hour is not None


# --- 23:00–01:00 under each convention ---------------------------------------------------------
@pytest.mark.parametrize(
    ("when", "day_change", "day", "hour"),
    [
        ("2026-11-23T22:59", "midnight", "辛丑", "己亥"),
        ("2026-11-23T22:59", "yajasi", "辛丑", "己亥"),
        ("2026-11-23T22:59", "23h", "辛丑", "己亥"),
        ("2026-11-23T23:00", "midnight", "辛丑", "戊子"),
        ("2026-11-23T23:30", "midnight", "辛丑", "戊子"),
        ("2026-11-23T23:30", "yajasi", "辛丑", "庚子"),
        ("2026-11-23T23:30", "23h", "壬寅", "庚子"),
        ("2026-11-23T23:59", "23h", "壬寅", "庚子"),
        ("2026-11-24T00:00", "midnight", "壬寅", "庚子"),
        ("2026-11-24T00:30", "yajasi", "壬寅", "庚子"),
        ("2026-11-24T00:59", "23h", "壬寅", "庚子"),
        ("2026-11-24T01:00", "23h", "壬寅", "辛丑"),
    ],
)
def test_jasi_conventions(when: str, day_change: str, day: str, hour: str) -> None:
    c = chart(when, time_basis="civil", day_change=day_change)
    assert (c.day.hanja, c.hour.hanja if c.hour else None) == (day, hour)
    assert c.solar_date == dt.date.fromisoformat(when[:10])


def test_jasi_on_the_corrected_clock() -> None:
    # 23:20 KST is 22:48 local mean time: still 亥, the day does not change under 23h.
    c = chart("2026-11-23T23:20")
    assert (c.day.hanja, c.hour.hanja if c.hour else None) == ("辛丑", "己亥")
    c = chart("2026-11-23T23:40")
    assert (c.day.hanja, c.hour.hanja if c.hour else None) == ("壬寅", "庚子")


# --- lunar input, time unknown and range edges ---------------------------------------------------
def test_lunar_leap_month_births() -> None:
    leap = chart("2012-03-10T12:00", calendar="lunar", leap=True)
    plain = chart("2012-03-10T12:00", calendar="lunar")
    assert leap.solar_date == dt.date(2012, 4, 30) and plain.solar_date == dt.date(2012, 3, 31)
    assert leap.lunar == LunarDate(2012, 3, 10, leap=True)
    assert chart("2017-05-01", calendar="lunar", leap=True).solar_date == dt.date(2017, 6, 24)


def test_time_unknown_gives_three_pillars() -> None:
    c = chart("1990-05-15")
    assert c.hour is None and c.instant_utc is None and c.local_for_day_hour is None
    assert hanja(c) == "庚午 辛巳 庚辰 -"
    assert not c.month_uncertain
    doc = chart_to_json(c)
    assert doc["pillars"] == {"year": "庚午", "month": "辛巳", "day": "庚辰", "hour": None}
    assert doc["representative_instant_utc"] == "1990-05-15T03:00:00Z"


def test_time_unknown_on_a_jie_day_is_flagged() -> None:
    assert chart("2026-02-04").month_uncertain
    assert chart("2026-02-04").year.hanja == "丙午"  # noon is after 05:02
    assert not chart("2026-02-05").month_uncertain


@pytest.mark.parametrize(
    ("when", "options", "expected"),
    [
        ("1900-01-01T00:00", {}, "己亥 丙子 甲戌"),  # before 입춘 1900: still 1899's 己亥
        ("2100-12-31T23:59", {"time_basis": "civil", "day_change": "midnight"}, "庚申 戊子 丁未"),
    ],
)
def test_range_edges(when: str, options: dict[str, object], expected: str) -> None:
    assert hanja(chart(when, **options)).startswith(expected)


@pytest.mark.parametrize(
    ("when", "options"),
    [
        ("1899-12-31T12:00", {}),
        ("2101-01-01T00:00", {}),
        ("2100-12-02T12:00", {"calendar": "lunar"}),
        ("2101-01-01T12:00", {"calendar": "lunar"}),
    ],
)
def test_out_of_range(when: str, options: dict[str, object]) -> None:
    with pytest.raises(InvalidBirth) as info:
        chart(when, **options)
    assert info.value.code == OUT_OF_RANGE


def test_lunar_dates_continue_after_the_kasi_table() -> None:
    c = chart("2051-01-01T12:00")
    assert c.lunar == LunarDate(2050, 11, 19)
    assert chart("2050-11-18T12:00", calendar="lunar").solar_date == dt.date(2050, 12, 31)
    assert chart("2100-12-01T12:00", calendar="lunar").solar_date == dt.date(2100, 12, 31)


# --- JSON document --------------------------------------------------------------------------
def test_json_document_is_stable_and_serializable() -> None:
    doc = chart_to_json(chart("1987-10-11T02:30", fold=1))
    json.dumps(doc)
    assert set(doc) >= {
        "input",
        "pillars",
        "pillars_hangul",
        "instant_utc",
        "local_for_day_hour",
        "conventions",
    }
    assert doc["pillars"] == {"year": "丁卯", "month": "庚戌", "day": "癸巳", "hour": "癸丑"}
    assert doc["pillars_hangul"] == {"year": "정묘", "month": "경술", "day": "계사", "hour": "계축"}
    assert doc["instant_utc"] == "1987-10-10T17:30:00Z"
    conventions = doc["conventions"]
    assert isinstance(conventions, dict)
    assert conventions["time_basis"] == "lmt" and conventions["day_change"] == "23h"
    assert conventions["utc_offset"] == "+09:00" and conventions["dst"] is False and conventions["fold"] == 1


# --- properties over the whole range --------------------------------------------------------
WALL_TIMES = st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 12, 31, 23, 59))  # noqa: DTZ001


@settings(max_examples=120, deadline=None)
@given(WALL_TIMES, st.sampled_from(list(TimeBasis)), st.sampled_from(list(DayChange)))
def test_any_birth_gives_a_consistent_chart(
    local: dt.datetime, basis: TimeBasis, day_change: DayChange
) -> None:
    birth = BirthInput(local=local.replace(microsecond=0), time_basis=basis, day_change=day_change, fold=0)
    try:
        c = chart_from_birth(birth)
    except InvalidBirth as exc:
        assert exc.code == NONEXISTENT_TIME
        return
    assert c.hour is not None and c.local_for_day_hour is not None
    # 월건법: the month stem follows the year stem; 시두법: the 子 hour stem follows the day stem.
    months_from_in = (c.month.branch.index - 2) % 12
    assert c.month == Pillar.parse("丙戊庚壬甲"[c.year.stem.index % 5] + "寅").shifted(months_from_in)
    assert abs((c.local_for_day_hour - local).total_seconds()) < 3 * 3600
    # The instant maps back to the reported wall time through the tz database.
    assert c.instant_utc is not None
    assert c.instant_utc.astimezone(zone("Asia/Seoul")).replace(tzinfo=None) == birth.local
    if basis is TimeBasis.CIVIL:
        assert c.local_for_day_hour == birth.local
    assert c.pillars == (c.year, c.month, c.day, c.hour)
    doc = chart_to_json(c)
    assert BirthInput.from_mapping(doc["input"]) == birth  # type: ignore[arg-type]


@settings(max_examples=50, deadline=None)
@given(
    st.datetimes(min_value=dt.datetime(1901, 1, 1), max_value=dt.datetime(2099, 12, 31, 23, 59)),  # noqa: DTZ001
    st.sampled_from([("yajasi", 2), ("23h", 1)]),
)
def test_cross_check_lunar_python_eight_char(local: dt.datetime, convention: tuple[str, int]) -> None:
    solar_cls = pytest.importorskip("lunar_python").Solar
    local = local.replace(second=0, microsecond=0)
    day_change, sect = convention
    c = chart(local.isoformat(), timezone=BEIJING_FIXED, time_basis="civil", day_change=day_change)
    assert c.instant_utc is not None
    seconds = c.instant_utc.timestamp()
    # The libraries' terms differ by seconds (ΔT models): skip births right at a 절.
    assume(min(abs(seconds - j) for j in JIE_SECONDS[c.jie_position : c.jie_position + 2]) > 180)
    eight = solar_cls.fromYmdHms(local.year, local.month, local.day, local.hour, local.minute, 0)
    eight = eight.getLunar().getEightChar()
    eight.setSect(sect)
    assert hanja(c) == " ".join((eight.getYear(), eight.getMonth(), eight.getDay(), eight.getTime()))


@pytest.mark.slow
@settings(max_examples=500, deadline=None)
@given(
    st.datetimes(min_value=dt.datetime(1901, 1, 1), max_value=dt.datetime(2099, 12, 31, 23, 59)),  # noqa: DTZ001
    st.sampled_from([("yajasi", 2), ("23h", 1)]),
)
def test_cross_check_lunar_python_eight_char_many(local: dt.datetime, convention: tuple[str, int]) -> None:
    test_cross_check_lunar_python_eight_char.hypothesis.inner_test(local, convention)  # type: ignore[attr-defined]


def test_chart_values_are_complete_immutable_dataclasses() -> None:
    import dataclasses

    c = chart("1987-10-11T02:30", fold=1)
    for value in (c, c.conventions):
        assert {f.name for f in dataclasses.fields(value)} == set(vars(value))
        with pytest.raises(dataclasses.FrozenInstanceError):
            value.timezone = "UTC"  # type: ignore[misc,union-attr]
    assert c == chart("1987-10-11T02:30", fold=1) and hash(c) == hash(chart("1987-10-11T02:30", fold=1))
    assert dataclasses.replace(c, saju_year=1).saju_year == 1
