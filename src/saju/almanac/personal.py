"""The personal layer of the 만세력 month: which days touch this chart, with a one-line reason each.

Two marks, the ones a reader acts on: a day whose branch clashes (충) the day branch of the chart (the
일지: home, partner, daily rhythm), and a day whose stem or branch carries the chart's 용신 element.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from saju.analysis.model import Analysis
from saju.calendar import day_pillar
from saju.korean import josa
from saju.reading.texts_elements import ELEMENT_NAME

CLASH_DISTANCE = 6  # branches six apart clash (子午, 丑未, …)


@dataclass(frozen=True, slots=True)
class DayMark:
    kind: str  # "clash" (충 with the 일지) or "yongsin" (brings the 용신 element)
    symbol: str  # a short visible mark
    reason: str  # one Korean line


def personal_marks(analysis: Analysis, days: Iterable[date]) -> dict[date, tuple[DayMark, ...]]:
    """The marks of each day (days without one are left out)."""
    day = analysis.pillar("일")
    if day is None:  # every analysis has a day pillar
        return {}
    natal = day.pillar.branch
    yong = analysis.yongsin.yongsin
    out: dict[date, tuple[DayMark, ...]] = {}
    for d in days:
        p = day_pillar(d)
        marks = []
        if (p.branch.index - natal.index) % 12 == CLASH_DISTANCE:
            pair = f"{p.branch.hanja}{natal.hanja}충"
            marks.append(
                DayMark(
                    "clash",
                    "충",
                    f"이날의 {josa(f'{p.branch.hanja}({p.branch.hangul})', '이', '가')} 내 일지 "
                    f"{josa(f'{natal.hanja}({natal.hangul})', '과', '와')} 부딪혀({pair}) "
                    "생활 리듬과 가까운 관계가 흔들리기 쉽습니다.",
                )
            )
        carriers = [c for c in (p.stem, p.branch) if c.element is yong]
        if carriers:
            chars = "·".join(f"{c.hanja}({c.hangul})" for c in carriers)
            marks.append(
                DayMark(
                    "yongsin",
                    "용",
                    f"이날의 {chars}에 내게 필요한 {ELEMENT_NAME[yong]} 기운(용신)이 실려 힘을 받기 좋습니다.",
                )
            )
        if marks:
            out[d] = tuple(marks)
    return out
