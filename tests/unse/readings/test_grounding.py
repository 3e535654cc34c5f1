"""The grounding check compares what a reading says with the computed chart."""

from __future__ import annotations

from saju.core import Element, Pillar
from unse.readings.grounding import GroundTruth, element_counts_of, grounding_findings

PILLARS = (Pillar.parse("庚午"), Pillar.parse("戊寅"), Pillar.parse("庚辰"), None)  # year, month, day, hour
TRUTH = GroundTruth(day_master=PILLARS[2].stem, pillars=PILLARS, element_counts=element_counts_of(PILLARS))


def test_counts_are_stems_and_branches_by_element() -> None:
    counts = {element: TRUTH.count(element) for element in Element}
    assert counts == {Element.WOOD: 1, Element.FIRE: 1, Element.EARTH: 2, Element.METAL: 2, Element.WATER: 0}
    assert TRUTH.pillar("day") == Pillar.parse("庚辰")
    assert TRUTH.pillar("hour") is None


def test_a_reading_that_names_the_real_facts_passes() -> None:
    text = (
        "선생님의 일간은 庚金(경금)이에요. 경금 일간은 단단합니다. 일주는 경진(庚辰), 연주: 庚午(경오), "
        "월주는 무인입니다. 오행은 목 1개, 화 1개, 토 2개, 금 2개, 수 0개예요. 일주일 동안 쉬세요."
    )
    assert grounding_findings(text, TRUTH) == []


def test_a_wrong_day_master_is_found() -> None:
    findings = grounding_findings("일간: 甲木(갑목). 갑목 일간이라 곧게 뻗습니다.", TRUTH)
    assert {f.kind for f in findings} == {"day_master"}
    assert len(findings) == 2


def test_wrong_pillars_and_an_invented_hour_pillar_are_found() -> None:
    findings = grounding_findings("월주는 甲子이고 시주는 丙子(병자)입니다.", TRUTH)
    assert [f.kind for f in findings] == ["pillar_month", "pillar_hour"]
    assert findings[1].actual == "(없음)"


def test_wrong_element_counts_are_found() -> None:
    findings = grounding_findings("수 기운이 3개로 많고, 木 1개입니다.", TRUTH)
    assert [(f.kind, f.said, f.actual) for f in findings] == [("element_water", "3", "0")]


def test_unparseable_or_unrelated_statements_are_not_contradictions() -> None:
    assert (
        grounding_findings("정말 좋은 흐름입니다. 기사 두 개를 읽으세요. 2026년은 丙午년입니다.", TRUTH) == []
    )
