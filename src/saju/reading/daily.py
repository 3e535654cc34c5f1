"""`daily_fortune`: the 일진 of one day read against the natal chart (what the nightly batch stores)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from saju.analysis.analyze import ChartLike, iljin
from saju.analysis.model import Analysis
from saju.analysis.relations import RelationKind
from saju.analysis.serialize import luck_to_json
from saju.analysis.tengods import TenGod
from saju.core import Element, Pillar
from saju.reading.luck import fit_to_yongsin
from saju.reading.model import josa, pick
from saju.reading.texts_elements import ELEMENT_NAME, REMEDY
from saju.reading.texts_luck import DAILY_THEME

DAILY_SCHEMA_VERSION = 1
SCORE_BASE = 3
SCORE_MIN = 1
SCORE_MAX = 5
LUCKY_COLOR: dict[Element, str] = {
    Element.WOOD: "초록색",
    Element.FIRE: "빨간색",
    Element.EARTH: "노란색",
    Element.METAL: "흰색",
    Element.WATER: "검은색",
}
LUCKY_DIRECTION: dict[Element, str] = {
    Element.WOOD: "동쪽",
    Element.FIRE: "남쪽",
    Element.EARTH: "중앙",
    Element.METAL: "서쪽",
    Element.WATER: "북쪽",
}


@dataclass(frozen=True, slots=True)
class DailyFortune:
    day: date
    pillar: Pillar
    stem_ten_god: TenGod
    branch_ten_god: TenGod
    score: int  # 1..5
    title: str  # Korean, a few words
    summary: str  # Korean, two or three sentences
    advice: tuple[str, ...]  # Korean, short practical lines
    lucky_color: str
    lucky_direction: str
    notes: tuple[str, ...]  # relations and stars of the day, in Korean


def daily_fortune(chart: ChartLike, analysis: Analysis, day: date) -> DailyFortune:
    """The fortune of `day` for this chart: its 일진's ten gods, relations with the natal pillars and stars."""
    luck = iljin(chart, day).info
    title, theme = DAILY_THEME[luck.stem_ten_god]
    fit = fit_to_yongsin(analysis, luck)
    score = SCORE_BASE + fit
    notes: list[str] = []
    for r in luck.relations:
        natal = [m for m in r.members if not m.startswith("일진")]
        if r.kind is RelationKind.CLASH and "일지" in natal:
            score -= 1
            notes.append(f"{r.name}: 생활 리듬이 흔들리기 쉬운 날이니 이동과 약속에 여유를 두세요.")
        elif r.kind is RelationKind.CLASH:
            notes.append(f"{r.name}: 계획이 바뀌기 쉬운 날입니다.")
        elif r.kind in (RelationKind.SIX_COMBINE, RelationKind.STEM_COMBINE) and ("일지" in natal or "일간" in natal):
            score += 1
            notes.append(f"{r.name}: 사람과 손잡기 좋은 날입니다. 협력 제안에 귀를 기울이세요.")
        elif r.kind in (RelationKind.THREE_COMBINE, RelationKind.DIRECTIONAL):
            notes.append(f"{r.name}: 원국과 어울려 {ELEMENT_NAME[r.element] if r.element else ''} 기운이 커지는 날입니다.")
        elif r.kind is RelationKind.WONJIN and "일지" in natal:
            notes.append(f"{r.name}: 가까운 사람의 말에 예민해지기 쉬우니 한 번 더 참으세요.")
    stars = [s.name for s in luck.shinsal]
    if "천을귀인" in stars:
        score += 1
        notes.append("천을귀인이 드는 날이라 막히던 일에 도움의 손길이 닿습니다.")
    if "역마살" in stars:
        notes.append("역마가 드는 날이라 외근·출장·이동이 많아집니다.")
    if "도화살" in stars:
        notes.append("도화가 드는 날이라 사람들의 시선이 모입니다. 첫인상에 신경 쓰세요.")
    score = max(SCORE_MIN, min(SCORE_MAX, score))
    yong = analysis.yongsin.yongsin
    facts = (day, luck.pillar, analysis.day_master, yong)
    summary = pick(
        (
            f"오늘의 일진은 {luck.pillar.hanja}({luck.pillar.hangul})로, 나에게는 {luck.stem_ten_god.value}의 날입니다. {theme}",
            f"{luck.pillar.hanja}일, {luck.stem_ten_god.value}의 기운이 들어오는 날입니다. {theme}",
            f"오늘({luck.pillar.hangul}일)은 {title}입니다. {theme}",
        ),
        *facts,
    )
    advice = (
        f"용신 {ELEMENT_NAME[yong]} 기운을 더하려면: {REMEDY[yong]}.",
        _score_advice(score),
    )
    return DailyFortune(
        day=day,
        pillar=luck.pillar,
        stem_ten_god=luck.stem_ten_god,
        branch_ten_god=luck.branch_ten_god,
        score=score,
        title=title,
        summary=summary,
        advice=advice,
        lucky_color=LUCKY_COLOR[yong],
        lucky_direction=LUCKY_DIRECTION[yong],
        notes=tuple(notes),
    )


def _score_advice(score: int) -> str:
    return {
        1: "무리한 결정은 미루고 몸과 마음을 쉬게 하는 데 집중하세요.",
        2: "작은 실수가 커지지 않게 확인을 한 번 더 하세요.",
        3: "평소의 리듬대로 차분히 움직이면 무난한 하루입니다.",
        4: f"{josa('미뤄 둔 일', '을', '를')} 처리하거나 새로운 제안을 하기에 좋은 날입니다.",
        5: "흐름이 좋은 날입니다. 중요한 만남이나 시작을 오늘로 잡아 보세요.",
    }[score]


def daily_to_json(fortune: DailyFortune) -> dict[str, object]:
    f = fortune
    return {
        "schema": DAILY_SCHEMA_VERSION,
        "date": f.day.isoformat(),
        "pillar": f.pillar.hanja,
        "pillar_hangul": f.pillar.hangul,
        "stem_ten_god": f.stem_ten_god.value,
        "branch_ten_god": f.branch_ten_god.value,
        "score": f.score,
        "title": f.title,
        "summary": f.summary,
        "advice": list(f.advice),
        "lucky_color": f.lucky_color,
        "lucky_direction": f.lucky_direction,
        "notes": list(f.notes),
    }


def daily_detail_json(chart: ChartLike, day: date) -> dict[str, object]:
    """The raw 일진 facts (relations, stars) for a day, for callers that want more than the text."""
    return luck_to_json(iljin(chart, day).info)
