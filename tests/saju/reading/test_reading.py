"""The rule-based reading: complete, Korean, deterministic, specific to the chart, and local in its changes."""

from __future__ import annotations

import random
import re
from dataclasses import replace
from datetime import date

import pytest

from saju.analysis import analyze
from saju.analysis.analyze import is_male
from saju.birth import Gender
from saju.core import PILLARS
from saju.reading import (
    SECTION_KEYS,
    build_reading,
    daily_fortune,
    daily_to_json,
    facts_for_prompt,
    reading_to_json,
    reading_to_markdown,
)
from saju.reading.dependencies import section_facts
from tests.saju.analysis.helpers import BareBirth, BareChart, bare, real_chart

REF = date(2026, 11, 24)
HANGUL = re.compile(r"[가-힣]")


def sections(chart: object, reference: date = REF) -> dict[str, str]:
    a = analyze(chart, reference=reference)  # type: ignore[arg-type]
    return {s.key: s.body for s in build_reading(chart, a).sections}  # type: ignore[arg-type]


def test_all_sections_present_korean_and_deterministic() -> None:
    chart = real_chart("1990-05-15T14:30:00", "female")
    a = analyze(chart, reference=REF)
    reading = build_reading(chart, a)
    assert tuple(s.key for s in reading.sections) == SECTION_KEYS
    for s in reading.sections:
        assert HANGUL.search(s.title)
        letters = [c for c in s.body if c.isalpha()]
        assert sum(1 for c in letters if HANGUL.match(c)) / len(letters) > 0.7, s.key
    again = build_reading(chart, analyze(chart, reference=REF))
    assert reading_to_json(again) == reading_to_json(reading)
    md = reading_to_markdown(reading)
    assert md.startswith("# 사주 풀이 (2026년 운 기준)")
    assert "## 대운(10년 운)" in md


def test_reading_is_specific_to_the_chart() -> None:
    rng = random.Random(11)
    seen_personality = set()
    seen_full = set()
    for _ in range(40):
        text = " ".join(rng.choice(PILLARS).hanja for _ in range(2))
        chart = bare(f"{text} {rng.choice(PILLARS).hanja} {rng.choice(PILLARS).hanja}")
        body = sections(chart)
        seen_personality.add(body["personality"])
        seen_full.add(tuple(body.values()))
    assert len(seen_full) == 40
    assert len(seen_personality) >= 30


def test_reading_mentions_the_charts_own_facts() -> None:
    chart = real_chart("1990-05-15T14:30:00", "female")
    body = sections(chart)
    assert "경금(庚金)" in body["personality"] or "庚金" in body["personality"]
    assert "편관격" in body["tengods"]
    assert "巳午未 방합(火)" in body["relations"]
    assert "괴강살" in body["shinsal"]
    assert "丁丑" in body["daewoon"] and "대운수는 **3**" in body["daewoon"]
    assert "세는 나이 33–42세, 2022–2031년" in body["daewoon"]
    assert "**용신(用神)**은 토(土)입니다(억부)" in body["elements"]
    assert "천덕귀인" in body["shinsal"]
    assert "丙午" in body["sewoon"]
    assert "관성" in body["love"]  # a woman: the spouse star is 관성


def test_gender_changes_only_daewoon_and_love() -> None:
    female = real_chart("1990-05-15T14:30:00", "female")
    male = real_chart("1990-05-15T14:30:00", "male")
    a, b = sections(female), sections(male)
    changed = {k for k in SECTION_KEYS if a[k] != b[k]}
    assert changed == {"daewoon", "love"}


def test_reference_date_changes_only_time_sections() -> None:
    chart = real_chart("1990-05-15T14:30:00", "female")
    a, b = sections(chart, date(2026, 11, 24)), sections(chart, date(2027, 6, 1))
    changed = {k for k in SECTION_KEYS if a[k] != b[k]}
    assert changed == {"sewoon"}  # still the 丁丑 대운 (33–42세)


@pytest.mark.parametrize("seed", range(6))
def test_the_text_depends_on_the_date_only_through_the_saju_year(seed: int) -> None:
    """A saju reading is cached per saju year (from 입춘): any two dates of that year give the same text,
    including both sides of 1 January (a 세는 나이 boundary) and the day after 입춘."""
    rng = random.Random(seed)
    when = f"{rng.randint(1930, 2020)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:30:00"
    chart = real_chart(when, rng.choice(["female", "male"]))
    days = (date(2026, 2, 5), date(2026, 7, 1), date(2026, 12, 31), date(2027, 1, 1), date(2027, 2, 3))
    texts = {reading_to_markdown(build_reading(chart, analyze(chart, reference=day))) for day in days}
    assert len(texts) == 1
    assert next(iter(texts)).startswith("# 사주 풀이 (2026년 운 기준)")
    assert "2026-" not in next(iter(texts)) and "2027-0" not in next(iter(texts))


def test_missing_gender_is_explained_not_guessed() -> None:
    body = sections(real_chart("1990-05-15T14:30:00"))
    assert "성별" in body["daewoon"] and "대운수" not in body["daewoon"]
    assert "성별 정보가 없어" in body["love"]


@pytest.mark.parametrize("position", ["year", "month", "day", "hour"])
def test_changing_one_pillar_changes_only_sections_whose_facts_changed(position: str) -> None:
    """Swap one pillar for many others: a section may change only if its declared facts changed, and the
    sections that read that pillar directly do change."""
    rng = random.Random(position)
    base = BareChart(*(rng.choice(PILLARS) for _ in range(4)), birth=BareBirth(Gender.FEMALE))  # type: ignore[misc]
    base = replace(base, instant_utc=None)
    direct = {"year": set(), "month": {"personality"}, "day": {"personality"}, "hour": set()}
    for _ in range(25):
        other = replace(base, **{position: rng.choice(PILLARS)})
        if getattr(other, position) == getattr(base, position):
            continue
        a1, a2 = analyze(_daewoon_free(base), reference=REF), analyze(_daewoon_free(other), reference=REF)
        f1, f2 = section_facts(a1, None), section_facts(a2, None)
        s1 = {s.key: s.body for s in build_reading(_daewoon_free(base), a1).sections}
        s2 = {s.key: s.body for s in build_reading(_daewoon_free(other), a2).sections}
        for key in SECTION_KEYS:
            if f1[key] == f2[key]:
                assert s1[key] == s2[key], f"{key} changed without a change in its facts ({position})"
        # Every pillar is listed in the ten-god section, so it must always change.
        assert s1["tengods"] != s2["tengods"]
        for key in direct[position]:
            if f1[key] != f2[key]:
                assert s1[key] != s2[key]


def _daewoon_free(chart: BareChart) -> BareChart:
    # Bare charts have no birth instant: analyse them without gender (대운 needs the instant).
    return replace(chart, birth=BareBirth(None))


def test_daily_fortune_for_a_day() -> None:
    chart = real_chart("1990-05-15T14:30:00", "female")
    a = analyze(chart, reference=REF)
    f = daily_fortune(chart, a, date(2026, 11, 24))
    assert f.pillar.hanja == "壬寅"
    assert f.stem_ten_god.value == "식신"
    assert 1 <= f.score <= 5
    doc = daily_to_json(f)
    assert doc["date"] == "2026-11-24" and HANGUL.search(str(doc["summary"]))
    assert daily_to_json(daily_fortune(chart, a, date(2026, 11, 24))) == doc
    days = {daily_to_json(daily_fortune(chart, a, date(2026, 12, d)))["summary"] for d in range(1, 31)}
    assert len(days) >= 20


def test_prompt_facts_carry_no_birth_data() -> None:
    chart = real_chart("1990-05-15T14:30:00", "female")
    facts = facts_for_prompt(chart, analyze(chart, reference=REF), reference=REF)
    text = str(facts)
    for secret in ("1990", "05-15", "14:30", "Asia/Seoul"):
        assert secret not in text
    assert facts["pillars"] == {"year": "庚午", "month": "辛巳", "day": "庚辰", "hour": "癸未"}
    assert facts["gender"] == "female" and is_male(chart) is False
    assert isinstance(facts["daewoon"], dict) and facts["daewoon"]["pillar"] == "丁丑"
