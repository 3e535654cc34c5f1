"""대운 / 세운 / 월운 / 일진."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from saju.analysis import (
    FLOOR,
    KOREAN,
    AgeConvention,
    Direction,
    analysis_to_json,
    analyze,
    iljin,
    sewoon_range,
)
from saju.analysis.analyze import saju_year_and_month
from saju.analysis.luck import (
    convert_interval,
    daewoon_direction,
    daewoon_number,
    day_pillar,
    month_pillars,
    year_pillar,
)
from saju.calendar import day_pillar as calendar_day_pillar
from saju.core import STEMS, Pillar, Stem
from saju.errors import SajuError
from tests.saju.analysis.helpers import bare, real_chart

REF = date(2026, 11, 24)


@pytest.mark.parametrize("stem", STEMS)
@pytest.mark.parametrize("male", [True, False])
def test_direction_for_every_year_stem_and_gender(stem: Stem, male: bool) -> None:
    yang = stem.index % 2 == 0
    expected = Direction.FORWARD if yang == male else Direction.BACKWARD
    assert daewoon_direction(stem, male=male) is expected


@pytest.mark.parametrize(
    ("days", "korean", "floor"),
    [
        (0, 1, 0),
        (1, 1, 0),
        (2, 1, 0),
        (3, 1, 1),
        (4, 1, 1),
        (5, 2, 1),
        (6, 2, 2),
        (7, 2, 2),
        (8, 3, 2),
        (29, 10, 9),
        (30, 10, 10),
    ],
)
def test_daewoon_number_korean_rounding_and_floor(days: int, korean: int, floor: int) -> None:
    interval = timedelta(days=days, hours=1)
    assert daewoon_number(interval, KOREAN) == korean
    assert daewoon_number(interval, FLOOR) == floor


def test_interval_conversion_three_days_a_year() -> None:
    # 3 days = 1 year, 1 day = 4 months, 2 hours = 10 days.
    off = convert_interval(timedelta(days=7, hours=8))
    assert (off.years, off.months, off.days) == (2, 5, 10)


def test_lunar_python_yun_vector_years_and_direction() -> None:
    """6tail/lunar-python test/YunTest.py: 1981-01-29 23:37 (Beijing), female → 起运 8 years 0 months.

    6tail counts the rest in 时辰 (2-hour units: 20 days); we use the exact interval (24 d 5 h 24 min → 27 days).
    """
    chart = real_chart("1981-01-29T23:37:00", "female", timezone="Asia/Shanghai", time_basis="civil")
    d = analyze(chart, reference=REF, daewoon_rounding=FLOOR).daewoon
    assert d is not None
    assert d.direction is Direction.BACKWARD
    assert d.jie_name == "소한"
    assert (d.offset.years, d.offset.months) == (8, 0)
    assert d.number == 8
    assert d.offset.days == 27


def test_published_chart_daewoon_1990() -> None:
    """1990-05-15 14:30 Seoul (庚午 辛巳 庚辰 癸未): a woman with a yang year stem goes backward from 辛巳
    to 庚辰, 己卯 …; 입하 1990-05-06 03:35 KST lies 9 days 10.9 h before birth → 대운수 3."""
    chart = real_chart("1990-05-15T14:30:00", "female")
    a = analyze(chart, reference=REF)
    d = a.daewoon
    assert d is not None
    assert [p.info.pillar.hanja for p in d.periods[:3]] == ["庚辰", "己卯", "戊寅"]
    assert d.jie_name == "입하" and d.number == 3
    assert [p.start_age for p in d.periods[:3]] == [3, 13, 23]
    assert d.current is not None and d.current.info.pillar.hanja == "丁丑"  # 세는 나이 37 in 2026
    male = analyze(real_chart("1990-05-15T14:30:00", "male"), reference=REF).daewoon
    assert male is not None and male.direction is Direction.FORWARD
    assert male.periods[0].info.pillar.hanja == "壬午"


def test_gender_missing_means_no_daewoon_and_says_so() -> None:
    a = analyze(real_chart("1990-05-15T14:30:00"), reference=REF)
    assert a.daewoon is None
    doc = analysis_to_json(a)["daewoon"]
    assert isinstance(doc, dict) and doc["available"] is False and "성별" in str(doc["reason"])


def test_age_convention_shifts_start_year_by_one() -> None:
    chart = real_chart("1990-05-15T14:30:00", "female")
    korean = analyze(chart, reference=REF).daewoon
    intl = analyze(chart, reference=REF, age_convention=AgeConvention.INTERNATIONAL).daewoon
    assert korean is not None and intl is not None
    assert intl.periods[0].start_year == korean.periods[0].start_year + 1


def test_daewoon_properties_on_random_births() -> None:
    rng = random.Random(5)
    for _ in range(300):
        day = date(1901, 1, 1) + timedelta(days=rng.randrange(0, 365 * 198))
        when = f"{day.isoformat()}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00"
        gender = rng.choice(["male", "female"])
        chart = real_chart(when, gender, time_basis="standard")
        d = analyze(chart, reference=max(REF, chart.solar_date)).daewoon
        assert d is not None
        step = 1 if d.direction is Direction.FORWARD else -1
        assert [p.info.pillar for p in d.periods] == [chart.month.shifted(step * k) for k in range(1, 11)]
        assert 1 <= d.number <= 11
        assert d.offset.interval < timedelta(days=32)
        assert d.number - d.offset.exact_years <= 1
        if d.direction is Direction.FORWARD:
            assert d.jie_instant > d.birth_instant
        else:
            assert d.jie_instant <= d.birth_instant


def test_year_month_day_pillars() -> None:
    assert year_pillar(2026) == Pillar.parse("丙午")
    assert year_pillar(1984) == Pillar.parse("甲子")
    assert month_pillars(2026)[0] == Pillar.parse("庚寅")  # 丙辛年 → 庚寅월
    assert month_pillars(2024)[0] == Pillar.parse("丙寅")  # 甲己年 → 丙寅월
    rng = random.Random(2)
    for _ in range(200):
        d = date(1900, 1, 1) + timedelta(days=rng.randrange(0, 73000))
        assert day_pillar(d) == calendar_day_pillar(d)


def test_saju_year_turns_at_ipchun() -> None:
    assert saju_year_and_month(date(2026, 2, 3)) == (2025, 12)
    assert saju_year_and_month(date(2026, 2, 5)) == (2026, 1)
    assert saju_year_and_month(date(2026, 11, 24)) == (2026, 10)


def test_sewoon_range_and_iljin_against_natal() -> None:
    chart = bare("庚午 辛巳 庚辰 癸未")
    years = sewoon_range(chart, 2024, 2033)
    assert [y.info.pillar.hanja for y in years[:3]] == ["甲辰", "乙巳", "丙午"]
    assert len(years) == 10
    # 2026-11-24 is 壬寅; 寅 is 庚's 절 (12운성) and 食神 for 庚.
    day = iljin(chart, date(2026, 11, 24))
    assert day.info.pillar.hanja == "壬寅"
    assert day.info.stem_ten_god.value == "식신"
    assert day.info.stage.value == "절"


def test_floor_rounding_never_starts_a_korean_age_daewoon_before_birth() -> None:
    """Issue 14 #4: 2024-02-04 17:26 (a minute before 입춘) under floor rounding has a 대운수 of 0; 세는 나이
    has no age 0, so the first 대운 starts at 1세 in the birth year, never 0세 the year before."""
    chart = real_chart("2024-02-04T17:26:00", "female")
    d = analyze(chart, reference=REF, daewoon_rounding=FLOOR).daewoon
    assert d is not None and d.offset.exact_years < 1
    assert (d.number, d.periods[0].start_age, d.periods[0].start_year) == (1, 1, 2024)
    intl = analyze(
        chart, reference=REF, daewoon_rounding=FLOOR, age_convention=AgeConvention.INTERNATIONAL
    ).daewoon
    assert intl is not None and (intl.number, intl.periods[0].start_year) == (0, 2024)  # 만 0세: valid


@pytest.mark.parametrize("rounding", [KOREAN, FLOOR])
@pytest.mark.parametrize("convention", list(AgeConvention))
def test_start_age_and_year_bounds_under_every_option(rounding: object, convention: AgeConvention) -> None:
    rng = random.Random(f"{rounding}{convention}")
    for _ in range(300):
        day = date(1901, 1, 1) + timedelta(days=rng.randrange(0, 365 * 198))
        chart = real_chart(
            f"{day.isoformat()}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00",
            rng.choice(["male", "female"]),
        )
        d = analyze(
            chart, reference=max(REF, day), daewoon_rounding=rounding, age_convention=convention
        ).daewoon  # type: ignore[arg-type]
        assert d is not None
        first = d.periods[0]
        assert first.start_year >= day.year
        assert first.start_age >= (1 if convention is AgeConvention.KOREAN else 0)
        # The year and the age agree: 세는 나이 N is the year birth + N − 1, 만 N세 the year birth + N.
        shift = 1 if convention is AgeConvention.KOREAN else 0
        assert all(p.start_year == day.year + p.start_age - shift for p in d.periods)


def test_a_reference_before_the_birth_is_refused() -> None:
    chart = real_chart("2024-02-04T17:26:00", "female")
    with pytest.raises(SajuError) as caught:
        analyze(chart, reference=date(2024, 2, 3))
    assert caught.value.code == "INVALID_REFERENCE" and "출생일" in caught.value.message
    with pytest.raises(SajuError):
        iljin(chart, date(2023, 12, 31))
    assert analyze(chart, reference=date(2024, 2, 4)).sewoon[0].year == 2023  # the birth day itself is fine
