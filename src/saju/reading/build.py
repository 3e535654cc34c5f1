"""`build_reading`: the rule-based Korean reading — 한눈에 보기, notices, twelve sections, each opening with a
plain conclusion — in the plain or the warm voice, with the glossary terms it uses; Markdown / JSON forms.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date

from saju.analysis.analyze import ChartLike, analyze, is_male
from saju.analysis.model import Analysis
from saju.reading.glance import glance, topic_glance
from saju.reading.glossary import explain, terms_in
from saju.reading.luck import daewoon, sewoon
from saju.reading.model import Notice, Reading, ReadingSection, josa, pick
from saju.reading.natal import elements, gyeok_of, personality, relations, season_index, shinsal, tengods
from saju.reading.notices import notices
from saju.reading.texts_elements import ELEMENT_NAME
from saju.reading.texts_personality import DAY_MASTER, SEASONS
from saju.reading.topics import career, health, love, study, wealth
from saju.reading.voice import ENCOURAGE, WARM_CLOSING, Voice, to_haeyo

READING_SCHEMA_VERSION = 2
GLANCE_TITLE = "한눈에 보기"
DISCLAIMER = "이 풀이는 명리학의 규칙에 따라 자동으로 만든 참고용 해석이며, 중요한 결정은 본인의 판단과 전문가의 조언을 함께 구하세요."


def _builders(male: bool | None) -> tuple[Callable[[Analysis], ReadingSection], ...]:
    return (
        personality,
        elements,
        tengods,
        relations,
        shinsal,
        daewoon,
        sewoon,
        career,
        lambda a: love(a, male),
        wealth,
        health,
        study,
    )


def headline(a: Analysis) -> str:
    image = DAY_MASTER[a.day_master][0]
    yong = ELEMENT_NAME[a.yongsin.yongsin]
    gyeok = gyeok_of(a)[0]
    season = SEASONS[season_index(a)]
    band = a.strength.band.value
    dm = f"{a.day_master.hangul}{a.day_master.element.hangul}({a.day_master.hanja})"
    return pick(
        (
            f"{josa(image, '으로', '로')} 태어난 {band} 사주 — {gyeok} 바탕에 {josa(yong, '이', '가')} 길을 밝혀 줍니다.",
            f"{season}의 {dm}, {band}한 {gyeok} — 용신 {josa(yong, '을', '를')} 곁에 둘 때 흐름이 풀립니다.",
            f"{gyeok}의 {dm} 일간, 힘은 {band} — {yong} 기운이 이 사주의 열쇠입니다.",
        ),
        a.day_master,
        a.strength.band,
        gyeok,
        a.yongsin.yongsin,
        season,
    )


def _warm_section(s: ReadingSection, a: Analysis) -> ReadingSection:
    closing = pick(ENCOURAGE[s.key], s.key, s.conclusion)
    return ReadingSection(s.key, s.title, to_haeyo(s.conclusion), to_haeyo(s.body) + "\n\n" + closing)


def _voiced(reading: Reading, a: Analysis) -> Reading:
    if reading.voice is Voice.PLAIN:
        return reading
    return replace(
        reading,
        headline=to_haeyo(reading.headline),
        glance=tuple(to_haeyo(s) for s in reading.glance),
        notices=tuple(Notice(n.key, to_haeyo(n.text)) for n in reading.notices),
        sections=tuple(_warm_section(s, a) for s in reading.sections),
    )


def reading_text(reading: Reading) -> str:
    """All the reading's words (for the glossary scan and the tests)."""
    parts = [reading.headline, *reading.glance, *(n.text for n in reading.notices)]
    for s in reading.sections:
        parts.extend((s.title, s.conclusion, s.body))
    return "\n".join(parts)


def build_reading(
    chart: ChartLike, analysis: Analysis, *, reference: date | None = None, voice: Voice = Voice.PLAIN
) -> Reading:
    """The reading of `chart` as of `reference` (default: the analysis's reference date), in `voice`.

    If `reference` differs from the analysis's, the time-dependent parts are recomputed for it with the
    analysis's own 대운 conventions, so the reading never mixes two dates.
    """
    a = analysis
    if reference is not None and reference != analysis.reference:
        d = analysis.daewoon
        a = (
            analyze(chart, reference=reference)
            if d is None
            else analyze(
                chart, reference=reference, daewoon_rounding=d.rounding, age_convention=d.age_convention
            )
        )
    male = is_male(chart)
    sections = tuple(build(a) for build in _builders(male))
    found = notices(a)
    reading = Reading(
        reference=a.reference,
        year=a.sewoon[0].year,
        voice=voice,
        headline=headline(a),
        glance=glance(a, found, voice),
        notices=found,
        sections=sections,
        terms=(),
    )
    reading = _voiced(reading, a)
    return replace(reading, terms=terms_in(reading_text(reading)))


def _glance_markdown(sentences: Sequence[str], voice: Voice) -> str:
    text = " ".join(sentences)
    return f"## {GLANCE_TITLE}\n\n{text}" + (f"\n\n{WARM_CLOSING}" if voice is Voice.WARM else "")


def _notice_markdown(notice: Notice) -> str:
    return f"**알아 두세요**: {notice.text}"


def _section_markdown(s: ReadingSection) -> str:
    return f"## {s.title}\n\n**{s.conclusion}**\n\n{s.body}"


def reading_to_markdown(reading: Reading) -> str:
    parts = [
        f"# 사주 풀이 ({reading.year}년 운 기준)",
        _glance_markdown(reading.glance, reading.voice),
        f"명식 요약: {reading.headline}",
        *(_notice_markdown(n) for n in reading.notices),
        *(_section_markdown(s) for s in reading.sections),
        f"---\n\n{DISCLAIMER}",
    ]
    return "\n\n".join(parts) + "\n"


def topic_markdown(reading: Reading, keys: Sequence[str]) -> str:
    """A topic reading: its own 한눈에 보기 (who, then each chosen section's plain conclusion), the notices,
    then the chosen sections."""
    chosen = tuple(s for key in keys for s in reading.sections if s.key == key)
    parts = [
        _glance_markdown(topic_glance(reading.glance, chosen), reading.voice),
        *(_notice_markdown(n) for n in reading.notices),
        *(_section_markdown(s) for s in chosen),
    ]
    return "\n\n".join(parts) + "\n"


def reading_to_json(reading: Reading) -> dict[str, object]:
    return {
        "schema": READING_SCHEMA_VERSION,
        "reference_date": reading.reference.isoformat(),
        "year": reading.year,
        "voice": reading.voice.value,
        "headline": reading.headline,
        "glance": list(reading.glance),
        "notices": [{"key": n.key, "text": n.text} for n in reading.notices],
        "sections": [
            {"key": s.key, "title": s.title, "conclusion": s.conclusion, "body": s.body}
            for s in reading.sections
        ],
        "terms": [{"term": t, "explanation": explain(t)} for t in reading.terms],
        "disclaimer": DISCLAIMER,
    }
