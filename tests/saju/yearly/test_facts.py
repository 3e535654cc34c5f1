"""`year_fortune`: the 세운, the 대운 in force and its change date, the twelve months and their scores."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saju.analysis import analyze
from saju.birth import BirthInput
from saju.chart import Chart, chart_from_birth
from saju.errors import OUT_OF_RANGE, SajuError
from saju.terms import KST
from saju.yearly import year_fortune
from saju.yearly.facts import SCORE_BASE, SCORE_MAX, SCORE_MIN, daewoon_starts
from saju.yearly.reading import year_reading
from tests.saju.almanac.properties import property_settings


def chart(when: str, gender: str | None = "female") -> Chart:
    data: dict[str, object] = {"datetime": when}
    if gender is not None:
        data["gender"] = gender
    return chart_from_birth(BirthInput.from_mapping(data))


def month_pillar_at(instant: dt.datetime) -> str:
    """The month pillar of a chart born at `instant` (KST): what the engine says is in force then."""
    return chart(instant.astimezone(KST).strftime("%Y-%m-%d %H:%M:%S")).month.hanja


def test_2027_for_a_1990_chart() -> None:
    f = year_fortune(chart("1990-05-15 14:30"), 2027)
    assert f.pillar.hanja == "丁未"
    assert f.start == dt.datetime(2027, 2, 4, 10, 46, 12, tzinfo=KST)
    assert [m.pillar.hanja for m in f.months][:3] == ["壬寅", "癸卯", "甲辰"]
    assert f.months[-1].pillar.hanja == "癸丑" and f.months[-1].jie_name == "소한"
    assert f.age == 38


@pytest.mark.parametrize("year", [2001, 2027, 2099])
def test_month_pillar_switches_exactly_at_the_jie_instant(year: int) -> None:
    f = year_fortune(chart("1990-05-15 14:30"), year)
    one = dt.timedelta(seconds=1)
    for before, month in zip((None, *f.months), f.months, strict=False):
        assert month_pillar_at(month.start) == month.pillar.hanja
        if before is not None:
            assert month_pillar_at(month.start - one) == before.pillar.hanja
    assert month_pillar_at(f.months[-1].end - one) == f.months[-1].pillar.hanja


def test_daewoon_change_inside_the_year_with_its_date() -> None:
    c = chart("1990-05-15 14:30")
    d = analyze(c).daewoon
    assert d is not None
    f = year_fortune(c, 2023)
    change = f.daewoon_change
    assert change is not None
    assert change.day == dt.date(d.exact_start.year + 30, d.exact_start.month, d.exact_start.day)
    assert change.before is not None and change.before.info.pillar.hanja == "戊寅"
    assert change.after.info.pillar.hanja == "丁丑"
    assert f.daewoon is change.before
    # Months that begin after the change carry the new 대운, earlier ones the old.
    for m in f.months:
        expected = change.after if m.start.date() >= change.day else change.before
        assert m.daewoon == expected
    assert year_fortune(c, 2022).daewoon_change is None
    assert year_fortune(c, 2024).daewoon_change is None
    assert year_fortune(c, 2024).daewoon == change.after


def test_without_gender_there_is_no_daewoon_and_no_backdrop() -> None:
    f = year_fortune(chart("1990-05-15 14:30", gender=None), 2027)
    assert f.daewoon is None and f.daewoon_change is None
    assert f.daewoon_unavailable is not None and "성별" in f.daewoon_unavailable
    assert all(x.kind != "daewoon" for x in f.score.factors)


@pytest.mark.parametrize("year", [1989, 2101])
def test_year_outside_birth_year_to_2100_is_refused(year: int) -> None:
    with pytest.raises(SajuError) as info:
        year_fortune(chart("1990-05-15 14:30"), year)
    assert info.value.code == OUT_OF_RANGE and "1990년" in info.value.message


def test_relations_name_natal_positions() -> None:
    f = year_fortune(chart("1990-05-15 14:30"), 2027)
    members = {m for mo in f.months for r in mo.info.relations for m in r.members}
    assert "월운지" in members and {"일지", "월지"} & members
    assert all(any(m.startswith("세운") for m in r.members) for r in f.info.relations)


births = st.builds(
    lambda d, minutes, g: (
        f"{d.isoformat()} {minutes // 60:02d}:{minutes % 60:02d}",
        g,
    ),
    st.dates(dt.date(1930, 1, 1), dt.date(2060, 12, 31)),
    st.integers(0, 24 * 60 - 1),
    st.sampled_from(["male", "female"]),
)


@property_settings(120)
@given(births, st.integers(0, 60))
def test_year_properties(birth: tuple[str, str], offset: int) -> None:
    c = chart(birth[0], birth[1])
    year = min(c.solar_date.year + offset, 2100)
    f = year_fortune(c, year)
    # Twelve contiguous months cover the saju year exactly.
    assert f.months[0].start == f.start and f.months[-1].end == f.end
    for a, b in zip(f.months, f.months[1:], strict=False):
        assert a.end == b.start
        assert (a.pillar.index + 1) % 60 == b.pillar.index
    # Scores follow the documented rule: base + factors, kept within range.
    for s in (f.score, *(m.score for m in f.months)):
        assert s.raw == SCORE_BASE + sum(x.delta for x in s.factors)
        assert s.value == max(SCORE_MIN, min(SCORE_MAX, s.raw))
    # The 대운 in force at the year start is the last one started by then; a change lies inside the year.
    starts = daewoon_starts(f.analysis)
    started = [p for p, day in starts if day <= f.start.date()]
    assert f.daewoon == (started[-1] if started else None)
    if f.daewoon_change is not None:
        assert f.start.date() < f.daewoon_change.day < f.end.date()
    r = year_reading(f)
    assert 3 <= len(r.glance) <= 5 and len(r.months) == 12
    assert all(p.text and "**" not in p.text for p in r.paragraphs)
