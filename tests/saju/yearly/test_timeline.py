"""The life timeline (ten 대운 with exact dates, a span of 세운 with scores) and the calendar's personal marks."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from saju.almanac.personal import personal_marks
from saju.analysis import analyze
from saju.birth import BirthInput
from saju.calendar import day_pillar
from saju.chart import chart_from_birth
from saju.yearly import year_fortune
from saju.yearly.timeline import life_timeline
from tests.saju.almanac.properties import property_settings


def test_timeline_of_a_1990_chart() -> None:
    chart = chart_from_birth(BirthInput.from_mapping({"datetime": "1990-05-15 14:30", "gender": "female"}))
    t = life_timeline(chart, current_year=2026)
    assert len(t.bands) == 10 and [b.pillar.hanja for b in t.bands[:4]] == ["庚辰", "己卯", "戊寅", "丁丑"]
    assert [b.start_date for b in t.bands[:2]] == [dt.date(1993, 7, 9), dt.date(2003, 7, 9)]
    current = [b for b in t.bands if b.current]
    d = analyze(chart, reference=dt.date(2026, 6, 1)).daewoon
    assert d is not None and d.current is not None
    assert len(current) == 1 and current[0].ordinal == d.current.ordinal  # the chart page's "지금 대운"
    assert [y.year for y in t.years] == list(range(2026, 2036)) and [y.current for y in t.years].count(
        True
    ) == 1
    assert all(y.score == year_fortune(chart, y.year).score.value for y in t.years)


def test_timeline_stays_within_the_birth_year_and_2100() -> None:
    chart = chart_from_birth(BirthInput.from_mapping({"datetime": "2020-03-01 10:00"}))
    assert life_timeline(chart, current_year=2026, first_year=1990).years[0].year == 2020
    assert life_timeline(chart, current_year=2026, first_year=2099).years[-1].year == 2100
    t = life_timeline(chart, current_year=2026)
    assert t.bands == () and t.daewoon_unavailable is not None  # no gender: no 대운, never guessed


@property_settings(60)
@given(
    st.dates(dt.date(1930, 1, 1), dt.date(2080, 12, 31)),
    st.integers(0, 11),
    st.sampled_from(["male", "female"]),
)
def test_personal_marks_follow_their_rule(birth: dt.date, hour: int, gender: str) -> None:
    chart = chart_from_birth(
        BirthInput.from_mapping({"datetime": f"{birth.isoformat()} {hour * 2:02d}:10", "gender": gender})
    )
    a = analyze(chart, reference=birth)
    days = [birth + dt.timedelta(days=k) for k in range(31)]
    marks = personal_marks(a, days)
    natal = chart.day.branch
    for day in days:
        p = day_pillar(day)
        kinds = {m.kind for m in marks.get(day, ())}
        assert ("clash" in kinds) == ((p.branch.index - natal.index) % 12 == 6)
        assert ("yongsin" in kinds) == (a.yongsin.yongsin in (p.stem.element, p.branch.element))
        assert all(m.reason.endswith("니다.") for m in marks.get(day, ()))
