"""`build_reading`: the rule-based Korean reading, section by section, and its Markdown / JSON forms."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from saju.analysis.analyze import ChartLike, analyze, is_male
from saju.analysis.model import Analysis
from saju.reading.luck import daewoon, sewoon
from saju.reading.model import Reading, ReadingSection, josa, pick
from saju.reading.natal import elements, gyeok_of, personality, relations, season_index, shinsal, tengods
from saju.reading.texts_elements import ELEMENT_NAME
from saju.reading.texts_personality import DAY_MASTER, SEASONS
from saju.reading.topics import career, health, love, study, wealth

READING_SCHEMA_VERSION = 1
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


def build_reading(chart: ChartLike, analysis: Analysis, *, reference: date | None = None) -> Reading:
    """The reading of `chart` as of `reference` (default: the analysis's reference date).

    If `reference` differs from the analysis's, the time-dependent parts are recomputed for it with the
    analysis's own 대운 conventions, so the reading never mixes two dates.
    """
    a = analysis
    if reference is not None and reference != analysis.reference:
        d = analysis.daewoon
        a = (
            analyze(chart, reference=reference)
            if d is None
            else analyze(chart, reference=reference, daewoon_rounding=d.rounding, age_convention=d.age_convention)
        )
    male = is_male(chart)
    sections = tuple(build(a) for build in _builders(male))
    return Reading(reference=a.reference, year=a.sewoon[0].year, headline=headline(a), sections=sections)


def reading_to_markdown(reading: Reading) -> str:
    parts = [f"# 사주 풀이 ({reading.year}년 운 기준)", f"**{reading.headline}**"]
    for s in reading.sections:
        parts.append(f"## {s.title}\n\n{s.body}")
    parts.append(f"---\n\n{DISCLAIMER}")
    return "\n\n".join(parts) + "\n"


def reading_to_json(reading: Reading) -> dict[str, object]:
    return {
        "schema": READING_SCHEMA_VERSION,
        "reference_date": reading.reference.isoformat(),
        "year": reading.year,
        "headline": reading.headline,
        "sections": [{"key": s.key, "title": s.title, "body": s.body} for s in reading.sections],
        "disclaimer": DISCLAIMER,
    }
