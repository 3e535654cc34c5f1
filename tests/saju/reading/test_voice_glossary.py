"""The warm voice (해요체 over the whole text, no title) and the glossary (one source of the terms)."""

from __future__ import annotations

import random
import re
from datetime import date

import pytest

from saju.analysis import analyze
from saju.reading import Voice, build_reading, daily_fortune, glossary, reading_to_json, terms_in
from saju.reading.build import reading_text
from saju.reading.glossary import TERMS, is_plain
from saju.reading.plain import PLAIN_PERIOD, PLAIN_PERSON, PLAIN_TRAP, plain_fit
from saju.reading.voice import ENCOURAGE, to_haeyo
from tests.saju.analysis.helpers import real_chart

REF = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("formal", "warm"),
    [
        ("있습니다.", "있어요."),
        ("됩니다.", "돼요."),
        ("사람입니다.", "사람이에요."),
        ("후보입니다.", "후보예요."),
        ("**정관격**입니다.", "**정관격**이에요."),
        ("대운수는 **3**입니다.", "대운수는 **3**이에요."),
        ("아닙니다.", "아니에요."),
        ("보입니다.", "보여요."),
        ("쉽습니다.", "쉬워요."),
        ("흐릅니다.", "흘러요."),
        ("압니다.", "알아요."),
        ("숨깁니다.", "숨겨요."),
        ("가릅니다.", "갈라요."),
        ("돕니다.", "돌아요."),
        ("태어났습니다.", "태어났어요."),
        ("줄 것입니다.", "줄 거예요."),
        ("합니다(실세).", "해요(실세)."),
        ("움직입니다.", "움직여요."),
        ("낫습니다.", "나아요."),
        ("큽니다.", "커요."),
        ("丙午(병오)입니다.", "丙午(병오)예요."),
    ],
)
def test_to_haeyo(formal: str, warm: str) -> None:
    assert to_haeyo(formal) == warm


@pytest.mark.parametrize("seed", range(3))
def test_the_warm_voice_changes_every_sentence_ending_and_never_uses_a_title(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(40):
        when = f"{rng.randint(1940, 2015)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:10:00"
        chart = real_chart(when, rng.choice(["female", "male"]))
        a = analyze(chart, reference=REF)
        plain, warm = build_reading(chart, a), build_reading(chart, a, voice=Voice.WARM)
        text = reading_text(warm)
        assert "니다" not in text and "선생님" not in text
        assert text.count("요.") > 40
        for p, w in zip(plain.sections, warm.sections, strict=True):
            assert p.body != w.body and w.body.rsplit("\n\n", 1)[1] in ENCOURAGE[w.key]
        day = daily_fortune(chart, a, REF, voice=Voice.WARM)
        assert "니다" not in " ".join((*day.glance, day.summary, *day.advice, *day.notes))


def test_glossary_is_one_source_for_the_text_and_the_json() -> None:
    chart = real_chart("1990-05-15T14:30:00", "female")
    reading = build_reading(chart, analyze(chart, reference=REF))
    doc = reading_to_json(reading)
    terms = doc["terms"]
    assert isinstance(terms, list)
    assert [t["term"] for t in terms] == list(terms_in(reading_text(reading)))
    assert all(t["explanation"] == glossary()[t["term"]] for t in terms)
    for expected in (
        "일간",
        "용신",
        "기신",
        "억부",
        "조후",
        "실령",
        "득지",
        "실세",
        "편관격",
        "방합",
        "합화",
        "천덕귀인",
        "대운수",
        "세는 나이",
    ):
        assert expected in [t["term"] for t in terms], expected
    assert len({t.term for t in TERMS}) == len(TERMS)
    assert all(re.search(r"[가-힣]", t.explanation) for t in TERMS)


def test_everyday_words_are_not_taken_for_terms() -> None:
    assert terms_in("수분을 충분히 보충하고, 양이라는 말과 지지하다, 상관없이, 일주일, 정기적으로") == ()
    assert set(terms_in("子午 충(沖)과 午午 형(刑), 양(養), 丑辰 파(破)")) == {"충", "형", "양", "파"}


def test_plain_phrases_have_no_terms_and_no_hanja() -> None:
    phrases = [
        *PLAIN_PERSON.values(),
        *PLAIN_TRAP.values(),
        *PLAIN_PERIOD.values(),
        *(plain_fit(s) for s in range(-2, 3)),
    ]
    assert all(is_plain(p) for p in phrases), [p for p in phrases if not is_plain(p)]
