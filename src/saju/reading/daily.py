"""`daily_fortune`: the 일진 of one day read against the natal chart (what the nightly batch stores).

The 1–5 stars come with their breakdown (`DailyFortune.factors`): a base of 3, ±1 for each of the day's
two characters by its role in the chart's 용신 set (용신·희신 +1, 기신·구신 −1, 한신 0), −1 when the day
clashes (충) the 일지, +1 when it binds (합) the 일간 or the 일지, +1 for 천을귀인; then kept within 1–5.
The same relations and stars are structured data (`relations`, `stars`, `fit`) for callers that classify
days (the nightly day signature) and for the pages.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from saju.analysis.analyze import ChartLike, iljin
from saju.analysis.model import Analysis
from saju.analysis.relations import Relation, RelationKind
from saju.analysis.serialize import luck_to_json, relation_to_json
from saju.analysis.shinsal import CHEONEUL, ShinsalRule
from saju.analysis.tengods import TenGod
from saju.analysis.yongsin import LuckFit, luck_fit
from saju.core import Element, Pillar
from saju.korean import josa
from saju.reading.luck import luck_relation_lines
from saju.reading.model import pick
from saju.reading.relate import relation_label
from saju.reading.texts_elements import ELEMENT_NAME, REMEDY
from saju.reading.texts_luck import DAILY_THEME
from saju.reading.voice import Voice, to_haeyo

DAILY_SCHEMA_VERSION = 2
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
STAR_NOTES: dict[str, str] = {
    "천을귀인": "천을귀인이 드는 날이라 막히던 일에 도움의 손길이 닿습니다.",
    "역마살": "역마가 드는 날이라 외근·출장·이동이 많아집니다.",
    "도화살": "도화가 드는 날이라 사람들의 시선이 모입니다. 첫인상에 신경 쓰세요.",
    "문창귀인": "문창이 드는 날이라 글과 공부, 시험에 집중이 잘 됩니다.",
    "화개살": "화개가 드는 날이라 혼자 정리하고 깊이 생각하기 좋습니다.",
    "양인살": "양인이 드는 날이라 말과 행동이 날카로워지기 쉬우니 다툼과 다침을 조심하세요.",
    "홍염살": "홍염이 드는 날이라 감성과 매력이 돋보입니다.",
}


@dataclass(frozen=True, slots=True)
class ScoreFactor:
    """One reason the day's stars went up or down."""

    kind: str  # "element" (용신 fit of a character), "relation" (a 충 or 합 with the chart), "star" (신살)
    label: str  # Korean, names the character or relation and the position it touches
    delta: int  # +1 or −1


@dataclass(frozen=True, slots=True)
class DailyFortune:
    day: date
    pillar: Pillar
    stem_ten_god: TenGod
    branch_ten_god: TenGod
    score: int  # 1..5
    raw_score: int  # base + factors, before keeping it within 1..5
    factors: tuple[ScoreFactor, ...]
    fit: LuckFit  # the day's two characters against the 용신 set
    relations: tuple[Relation, ...]  # every relation the day makes with the natal chart
    stars: tuple[ShinsalRule, ...]  # stars the day's branch brings
    in_gongmang: bool
    voice: Voice
    title: str  # Korean, a few words
    glance: tuple[str, ...]  # 한눈에 보기: three plain sentences
    summary: str  # Korean, two or three sentences
    advice: tuple[str, ...]  # Korean, short practical lines
    lucky_color: str
    lucky_direction: str
    notes: tuple[str, ...]  # one line per group of relations (naming the positions), then the stars

    @property
    def breakdown(self) -> tuple[str, ...]:
        """The stars' arithmetic in Korean, one line per factor, then the total."""
        lines = [f"기본 {SCORE_BASE}점"]
        lines += [f"{'+' if f.delta > 0 else '−'}{abs(f.delta)} {f.label}" for f in self.factors]
        total = f"= {self.score}점 ({'★' * self.score}{'☆' * (SCORE_MAX - self.score)})"
        if self.raw_score != self.score:
            total += f", 합계 {self.raw_score}점을 1~5점 범위로 맞춤"
        return (*lines, total)


def _element_factor(
    position: str, char: str, reading: str, element: Element, role: str, delta: int
) -> ScoreFactor:
    return ScoreFactor(
        "element", f"{position} {char}({reading})의 {josa(element.label, '은', '는')} {role}", delta
    )


def _factors(
    pillar: Pillar, fit: LuckFit, relations: tuple[Relation, ...], stars: tuple[ShinsalRule, ...]
) -> list[ScoreFactor]:
    factors: list[ScoreFactor] = []
    for position, char, reading, element, role in (
        ("천간", pillar.stem.hanja, pillar.stem.hangul, fit.stem, fit.stem_role),
        ("지지", pillar.branch.hanja, pillar.branch.hangul, fit.branch, fit.branch_role),
    ):
        if role.favourable or role.unfavourable:
            factors.append(
                _element_factor(position, char, reading, element, role.value, 1 if role.favourable else -1)
            )
    clash = next((r for r in relations if r.kind is RelationKind.CLASH and "일지" in r.members), None)
    if clash is not None:
        factors.append(
            ScoreFactor("relation", f"{relation_label(clash)} (일지와 충: 생활 리듬이 흔들리기 쉬움)", -1)
        )
    bind = next(
        (
            r
            for r in relations
            if (r.kind is RelationKind.STEM_COMBINE and "일간" in r.members)
            or (r.kind is RelationKind.SIX_COMBINE and "일지" in r.members)
        ),
        None,
    )
    if bind is not None:
        where = "일간" if bind.kind is RelationKind.STEM_COMBINE else "일지"
        factors.append(
            ScoreFactor(
                "relation", f"{relation_label(bind)} ({josa(where, '과', '와')} 합: 사람과 손잡기 좋음)", 1
            )
        )
    if CHEONEUL in stars:
        factors.append(ScoreFactor("star", "천을귀인 (도와주는 사람)", 1))
    return factors


def daily_fortune(
    chart: ChartLike, analysis: Analysis, day: date, *, voice: Voice = Voice.PLAIN
) -> DailyFortune:
    """The fortune of `day` (never before the birth date) for this chart: its 일진's ten gods, its fit with
    the 용신 set, its relations with the natal pillars and the stars it brings — with the stars' breakdown."""
    luck = iljin(chart, day).info
    title, theme = DAILY_THEME[luck.stem_ten_god]
    fit = luck_fit(analysis.yongsin, luck.pillar)
    factors = _factors(luck.pillar, fit, luck.relations, luck.shinsal)
    raw = SCORE_BASE + sum(f.delta for f in factors)
    score = max(SCORE_MIN, min(SCORE_MAX, raw))
    stars = [s.name for s in luck.shinsal]
    notes = [line.removeprefix("- ") for line in luck_relation_lines(luck.relations, "일진")]
    notes += [STAR_NOTES[name] for name in stars if name in STAR_NOTES]
    if luck.in_gongmang:
        notes.append(
            "오늘의 지지가 공망에 들어 기대만큼 채워지지 않는 일이 있을 수 있으니, 결과보다 과정을 챙기세요."
        )
    yong = analysis.yongsin.yongsin
    named = f"{luck.pillar.hanja}({luck.pillar.hangul})"
    facts = (day, luck.pillar, analysis.day_master, yong)
    summary = pick(
        (
            f"오늘의 일진은 {josa(named, '으로', '로')}, 나에게는 천간이 {luck.stem_ten_god.value}, 지지가 {luck.branch_ten_god.value}인 날입니다.",
            f"{named}일, 천간으로 {luck.stem_ten_god.value}의 기운이 들고 지지로 {luck.branch_ten_god.value}의 기운이 올라오는 날입니다.",
        ),
        *facts,
    )
    summary += f" {theme} {_fit_text(fit)}"
    advice = (f"용신 {ELEMENT_NAME[yong]} 기운을 더하려면: {REMEDY[yong]}.", _score_advice(score))
    glance = (f"오늘은 {title}입니다.", _score_mood(score), _score_advice(score))
    fortune = DailyFortune(
        day=day,
        pillar=luck.pillar,
        stem_ten_god=luck.stem_ten_god,
        branch_ten_god=luck.branch_ten_god,
        score=score,
        raw_score=raw,
        factors=tuple(factors),
        fit=fit,
        relations=luck.relations,
        stars=luck.shinsal,
        in_gongmang=luck.in_gongmang,
        voice=voice,
        title=title,
        glance=glance,
        summary=summary,
        advice=advice,
        lucky_color=LUCKY_COLOR[yong],
        lucky_direction=LUCKY_DIRECTION[yong],
        notes=tuple(notes),
    )
    return fortune if voice is Voice.PLAIN else _warm(fortune)


def _warm(f: DailyFortune) -> DailyFortune:
    return replace(
        f,
        glance=tuple(to_haeyo(s) for s in f.glance),
        summary=to_haeyo(f.summary),
        advice=tuple(to_haeyo(s) for s in f.advice),
        notes=tuple(to_haeyo(s) for s in f.notes),
    )


def _fit_text(fit: LuckFit) -> str:
    if fit.stem is fit.branch:
        return f"천간과 지지 모두 {fit.stem.label}, 곧 {fit.stem_role.value}입니다."
    return (
        f"천간의 {josa(fit.stem.label, '은', '는')} {fit.stem_role.value}, "
        f"지지의 {josa(fit.branch.label, '은', '는')} {fit.branch_role.value}입니다."
    )


def _score_mood(score: int) -> str:
    """The day's stars in plain words: the same judgement as the score."""
    if score >= 4:
        return "흐름이 나를 돕는 편이라 마음먹은 일을 밀고 가기 좋습니다."
    if score == 3:
        return "흐름은 무난한 편입니다."
    return "다만 오늘의 기운은 나에게 버거운 편이라 욕심을 줄이는 것이 좋습니다."


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
        "score_breakdown": {
            "base": SCORE_BASE,
            "factors": [{"kind": x.kind, "label": x.label, "delta": x.delta} for x in f.factors],
            "raw": f.raw_score,
            "score": f.score,
            "text": list(f.breakdown),
        },
        "fit": {
            "stem": {"element": f.fit.stem.value, "role": f.fit.stem_role.value},
            "branch": {"element": f.fit.branch.value, "role": f.fit.branch_role.value},
            "score": f.fit.score,
        },
        "relations": [relation_to_json(r) for r in f.relations],
        "stars": [s.name for s in f.stars],
        "gongmang": f.in_gongmang,
        "voice": f.voice.value,
        "title": f.title,
        "glance": list(f.glance),
        "summary": f.summary,
        "advice": list(f.advice),
        "lucky_color": f.lucky_color,
        "lucky_direction": f.lucky_direction,
        "notes": list(f.notes),
    }


def daily_detail_json(chart: ChartLike, day: date) -> dict[str, object]:
    """The raw 일진 facts (relations, stars) for a day, for callers that want more than the text."""
    return luck_to_json(iljin(chart, day).info)


def daily_markdown(fortune: DailyFortune) -> str:
    """The day's fortune as Markdown: 한눈에 보기 first, then the summary, the stars with their breakdown,
    the relations and stars of the day, and the advice."""
    f = fortune
    lines = [
        f"## {f.day.isoformat()} {f.pillar.hanja}({f.pillar.hangul})일 — {f.title}",
        "",
        "### 한눈에 보기",
        "",
        " ".join(f.glance),
        "",
        f.summary,
        "",
        f"### 오늘의 별점: {'★' * f.score}{'☆' * (SCORE_MAX - f.score)} ({f.score}/5)",
        "",
        *(f"- {line}" for line in f.breakdown),
    ]
    if f.notes:
        lines += ["", "### 오늘의 관계와 신살", "", *(f"- {note}" for note in f.notes)]
    lines += [
        "",
        "### 오늘의 조언",
        "",
        *(f"- {advice}" for advice in f.advice),
        f"- 행운의 색: {f.lucky_color}, 행운의 방향: {f.lucky_direction}",
    ]
    return "\n".join(lines) + "\n"
