"""Invariants of the 궁합 over random pairs: symmetry (A, B) = (B, A), bounds, breakdown arithmetic."""

from __future__ import annotations

import os
from datetime import date, time, timedelta

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from saju.birth import BirthInput
from saju.chart import Chart, chart_from_birth
from saju.compat import CATEGORIES, Relationship, compatibility
from saju.compat.rules import CATEGORY_CAP
from saju.errors import SajuError

EXAMPLES = max(50, int(os.environ.get("SAJU_PROPERTY_EXAMPLES", "5000")) // 20)
REFERENCE = date(2026, 12, 6)


@st.composite
def births(draw: st.DrawFn) -> Chart:
    day = draw(st.dates(min_value=date(1930, 1, 1), max_value=date(2025, 12, 31)))
    data: dict[str, object] = {"datetime": day.isoformat()}
    if draw(st.integers(0, 9)) == 0:
        data["time_unknown"] = True
    else:
        moment = draw(st.times(min_value=time(0, 0), max_value=time(23, 59)))
        data["datetime"] = f"{day.isoformat()}T{moment:%H:%M}"
    gender = draw(st.sampled_from(["female", "male", None, "female", "male"]))
    if gender is not None:
        data["gender"] = gender
    try:
        return chart_from_birth(BirthInput.from_mapping(data))
    except SajuError:
        return chart_from_birth(BirthInput.from_mapping({"datetime": (day + timedelta(days=1)).isoformat()}))


@seed(16)
@settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(a=births(), b=births(), relation=st.sampled_from(list(Relationship)))
def test_symmetric_bounded_and_explained(a: Chart, b: Chart, relation: Relationship) -> None:
    ab = compatibility(a, b, relation, REFERENCE)
    ba = compatibility(b, a, relation.swapped, REFERENCE)
    assert ab.score == ba.score
    assert [c.points for c in ab.breakdown] == [c.points for c in ba.breakdown]
    assert sorted(repr(f.swapped()) for f in ab.facts) == sorted(repr(f) for f in ba.facts)
    assert 0 <= ab.score <= 100
    for c in ab.breakdown:
        raw = sum(f.points for f in ab.facts_of(c.category))
        assert abs(c.points) <= CATEGORY_CAP[c.category] and c.points == max(
            -CATEGORY_CAP[c.category], min(CATEGORY_CAP[c.category], raw)
        )
    assert [c.category for c in ab.breakdown] == list(CATEGORIES)
    for fact in ab.facts:
        assert fact.rule and fact.name and len(fact.places) == len(fact.chars)
        assert (fact.points > 0) == (fact.tone.value == "good") and (fact.points < 0) == (
            fact.tone.value == "hard"
        )
    hours = {(p.side, p.slot) for f in ab.facts for p in f.places if p.slot.startswith("시")}
    if a.hour is None:
        assert not any(side is not None and side.value == "a" for side, _ in hours)
    if b.hour is None:
        assert not any(side is not None and side.value == "b" for side, _ in hours)
