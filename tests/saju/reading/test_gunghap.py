"""The rule-based 궁합 reading: plain 한눈에 보기, pair-specific text, names with the right particles."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from saju.birth import BirthInput
from saju.chart import Chart, chart_from_birth
from saju.compat import Relationship, compatibility
from saju.core import Pillar
from saju.reading.glossary import is_plain
from saju.reading.gunghap import gunghap_markdown, gunghap_reading, gunghap_reading_to_json

REF = date(2026, 12, 6)
A = chart_from_birth(BirthInput.from_mapping({"datetime": "1990-05-15T14:30", "gender": "female"}))
B = chart_from_birth(BirthInput.from_mapping({"datetime": "1988-02-03T09:10", "gender": "male"}))


def day(chart: Chart, pillar: str) -> Chart:
    return replace(chart, day=Pillar.parse(pillar))


def test_glance_is_three_to_five_plain_sentences_and_sections_conclude_plainly() -> None:
    for relation in Relationship:
        reading = gunghap_reading(compatibility(A, B, relation, REF), ("지은님", "민호님"))
        assert 3 <= len(reading.glance) <= 5
        assert all(is_plain(line) for line in reading.glance), reading.glance
        assert all(is_plain(s.conclusion) for s in reading.sections)
        assert len(reading.sections) == 7


def test_a_day_branch_clash_does_not_read_like_a_six_combine() -> None:
    combine = gunghap_reading(compatibility(day(A, "甲子"), day(B, "乙丑"), reference=REF))
    clash = gunghap_reading(compatibility(day(A, "甲子"), day(B, "庚午"), reference=REF))
    assert combine.glance != clash.glance
    branch_combine = next(s for s in combine.sections if s.key == "day_branch")
    branch_clash = next(s for s in clash.sections if s.key == "day_branch")
    assert "편안" in branch_combine.conclusion and "부딪히기" in branch_clash.conclusion
    assert "子午 충" in branch_clash.body and "子丑 육합(土)" in branch_combine.body


def test_names_and_particles() -> None:
    reading = gunghap_reading(compatibility(A, B, reference=REF), ("하늘", "민호"))
    text = gunghap_markdown(reading)
    assert "하늘" in text and "민호" in text and "A의" not in text
    # 하늘 ends in ㄹ (batchim): 은/이/을; 민호 has none: 는/가/를.
    assert not re.search(r"하늘(는|가|를)(?![가-힣])", text)
    assert not re.search(r"민호(은|이|을)(?![가-힣])", text)


def test_relation_changes_the_words() -> None:
    couple = gunghap_reading(compatibility(A, B, Relationship.COUPLE, REF))
    work = gunghap_reading(compatibility(A, B, Relationship.WORK, REF))
    assert couple.glance[0].startswith("두 사람") and work.glance[0].startswith("함께 일하는 두 사람")


def test_unknown_time_is_said_with_the_name() -> None:
    b = chart_from_birth(BirthInput.from_mapping({"datetime": "1988-02-03", "time_unknown": True}))
    reading = gunghap_reading(compatibility(A, b, reference=REF), ("지은님", "민호님"))
    assert any(n.startswith("민호님의 태어난 시간을 몰라") for n in reading.notices)


def test_json_has_terms_explained() -> None:
    doc = gunghap_reading_to_json(gunghap_reading(compatibility(A, B, reference=REF)))
    terms = doc["terms"]
    assert isinstance(terms, list) and any(t["term"] == "일간" for t in terms)
