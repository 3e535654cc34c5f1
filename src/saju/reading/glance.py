"""한눈에 보기: 3–5 plain sentences that open every reading — what kind of person, what now, what to
mind, what helps — with no 명리 term and no hanja (`glossary.is_plain`), built from the same judgements
the sections explain.
"""

from __future__ import annotations

from saju.analysis.model import Analysis
from saju.analysis.relations import RelationKind
from saju.analysis.yongsin import luck_fit
from saju.korean import josa
from saju.reading.model import Notice, ReadingSection
from saju.reading.plain import (
    PLAIN_ELEMENT,
    PLAIN_PERIOD,
    PLAIN_PERSON,
    PLAIN_TRAP,
    plain_fit,
    plain_strength,
)
from saju.reading.texts_elements import REMEDY
from saju.reading.voice import Voice

MAX_SENTENCES = 5
NOTICE_PLAIN: dict[str, str] = {
    "time_unknown": "태어난 시간을 몰라 일부 풀이는 시간을 알면 달라질 수 있습니다.",
    "month_uncertain": "태어난 날 중에 사주의 달이 바뀌어, 태어난 시간에 따라 풀이의 바탕이 달라질 수 있습니다.",
}


def _now(a: Analysis) -> str:
    year = a.sewoon[0]
    year_fit = luck_fit(a.yongsin, year.info.pillar).score
    this_year = f"올해({year.year}년)는 {PLAIN_PERIOD[year.info.stem_ten_god]}로, {plain_fit(year_fit)}."
    current = a.daewoon.current if a.daewoon is not None else None
    if current is None:
        return this_year
    if current.info.stem_ten_god is year.info.stem_ten_god:
        return f"지금의 10년과 올해({year.year}년) 모두 {PLAIN_PERIOD[year.info.stem_ten_god]}로, {plain_fit(year_fit)}."
    return f"지금의 10년은 {PLAIN_PERIOD[current.info.stem_ten_god]}이고, {this_year}"


def _mind(a: Analysis, voice: Voice) -> str:
    lead = "조금 마음을 써 주면 좋은 점은" if voice is Voice.WARM else "조심할 점은"
    clash = any(r.kind is RelationKind.CLASH and "일지" in r.members for r in a.sewoon[0].info.relations)
    if clash:
        return (
            f"{lead} {PLAIN_TRAP[a.day_master]}이고, 올해는 이사·이직처럼 생활이 흔들리는 변동이 생기기 쉬우니 "
            "큰 결정에 여유를 두는 것이 좋습니다."
        )
    return f"{lead} {PLAIN_TRAP[a.day_master]}입니다."


def _helps(a: Analysis) -> str:
    element = PLAIN_ELEMENT[a.yongsin.yongsin]
    return f"{josa(element, '을', '를')} 가까이할수록 흐름이 풀리니, {REMEDY[a.yongsin.yongsin]} 같은 것을 곁에 두세요."


def glance(a: Analysis, notices: tuple[Notice, ...], voice: Voice) -> tuple[str, ...]:
    """The sentences of 한눈에 보기, in plain Korean (before the voice is applied)."""
    who = PLAIN_PERSON[a.day_master]
    sentences = [who, plain_strength(a.strength), _now(a), _mind(a, voice), _helps(a)]
    if notices:
        # Keep five: the strength sentence gives way to what the reader must know first.
        sentences[1] = " ".join(NOTICE_PLAIN[n.key] for n in notices[:1])
    return tuple(sentences[:MAX_SENTENCES])


def first_sentence(text: str) -> str:
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]


def topic_glance(reading_glance: tuple[str, ...], sections: tuple[ReadingSection, ...]) -> tuple[str, ...]:
    """한눈에 보기 of a topic reading: who the person is, then the first sentence of each chosen section's
    plain conclusion (at most five sentences)."""
    return (reading_glance[0], *(first_sentence(s.conclusion) for s in sections))[:MAX_SENTENCES]
