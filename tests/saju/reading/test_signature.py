"""The day signature: what it keeps is enough for the day's judgement, and each person's own lines come from
their own chart (issue 19)."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

import pytest

from saju.analysis import Analysis, analyze
from saju.analysis.analyze import iljin
from saju.birth import BirthInput
from saju.chart import Chart, chart_from_birth
from saju.reading.daily import LUCKY_COLOR, LUCKY_DIRECTION, daily_fortune
from saju.reading.signature import (
    LUCKY_NUMBERS,
    SIGNATURE_VERSION,
    class_breakdown,
    daily_personal,
    day_pillar,
    day_signature,
    signature_facts,
    signature_key,
    signature_markdown,
)

DAYS = (date(2026, 12, 7), date(2027, 3, 1))


def _births(count: int, seed: int) -> list[dict[str, object]]:
    rng = random.Random(seed)
    births: list[dict[str, object]] = []
    for _ in range(count):
        day = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 60))
        gender = rng.choice(("male", "female"))
        if rng.random() < 0.1:
            births.append({"datetime": day.isoformat(), "gender": gender})
        else:
            births.append(
                {
                    "datetime": f"{day.isoformat()}T{rng.randrange(24):02d}:{rng.randrange(60):02d}",
                    "gender": gender,
                }
            )
    return births


@pytest.fixture(scope="module")
def members() -> list[tuple[Chart, Analysis]]:
    charts = [chart_from_birth(BirthInput.from_mapping(b)) for b in _births(400, seed=19)]
    return [(chart, analyze(chart, reference=DAYS[0])) for chart in charts]


def test_the_signature_decides_the_stars_of_every_member(members: list[tuple[Chart, Analysis]]) -> None:
    for day in DAYS:
        classes: dict[str, list[int]] = defaultdict(list)
        for chart, analysis in members:
            sig = day_signature(chart, analysis, day)
            fortune = daily_fortune(chart, analysis, day)
            assert sig.score == fortune.score and sig.raw_score == fortune.raw_score
            assert (sig.stem_role, sig.branch_role) == (fortune.fit.stem_role, fortune.fit.branch_role)
            assert LUCKY_COLOR[sig.yongsin] == fortune.lucky_color
            classes[signature_key(sig)].append(fortune.score)
        # Coarse enough to share: 400 random charts fall into clearly fewer classes.
        assert len(classes) < 0.9 * len(members)
        assert any(len(scores) > 1 for scores in classes.values())


def test_the_key_is_versioned_and_the_day_pillar_is_the_engines(
    members: list[tuple[Chart, Analysis]],
) -> None:
    chart, analysis = members[0]
    sig = day_signature(chart, analysis, DAYS[0])
    assert signature_key(sig).startswith(f"v{SIGNATURE_VERSION}|")
    for day in DAYS:
        assert day_pillar(day) == iljin(chart, day).info.pillar


def test_personal_lines_come_from_the_members_own_analysis(members: list[tuple[Chart, Analysis]]) -> None:
    for chart, analysis in members[:80]:
        for day in DAYS:
            personal = daily_personal(chart, analysis, day)
            fortune = daily_fortune(chart, analysis, day)
            for p in analysis.pillars:
                assert f"{p.pillar.hanja}({p.pillar.hangul})" in personal.pillars
            assert ("시주 모름" in personal.pillars) == (len(analysis.pillars) == 3)
            assert f"{fortune.pillar.hanja}({fortune.pillar.hangul})일" in personal.day
            assert fortune.stem_ten_god.value in personal.day and fortune.branch_ten_god.value in personal.day
            assert personal.relations == fortune.notes  # the day's relations, named by position
            yong = analysis.yongsin.yongsin
            assert LUCKY_COLOR[yong] in personal.lucky and LUCKY_DIRECTION[yong] in personal.lucky
            assert f"{LUCKY_NUMBERS[yong][0]}, {LUCKY_NUMBERS[yong][1]}" in personal.lucky
            assert personal.breakdown == fortune.breakdown
            assert "★" * fortune.score in personal.email_line and fortune.title in personal.email_line


def test_class_text_and_facts_say_the_members_judgement_without_positions(
    members: list[tuple[Chart, Analysis]],
) -> None:
    positions = ("연주", "월주", "일주", "시주", "연지", "년지", "월지", "일지", "시지")
    for chart, analysis in members[:80]:
        day = DAYS[1]
        sig = day_signature(chart, analysis, day)
        text = signature_markdown(sig, day)
        facts = str(signature_facts(sig, day))
        fortune = daily_fortune(chart, analysis, day)
        assert text.startswith(f"## {day.isoformat()} — {fortune.title}")
        assert f"({fortune.score}/5)" in text and class_breakdown(sig, day)[-1].startswith(
            f"= {fortune.score}점"
        )
        assert fortune.pillar.hanja not in text and fortune.pillar.hanja not in facts
        assert not any(word in text or word in facts for word in positions)
