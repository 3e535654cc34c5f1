"""The rule-based Korean 궁합 reading: 한눈에 보기 (3–5 plain sentences), one section per category of the
score, and what to mind this year — built only from the pair's facts (`saju.compat`), so a pair with a 일지
충 never reads like a pair with a 일지 육합.

The two people are named by the caller (`names`, e.g. ("지은님", "민호님")); every inserted word takes its
particle through `josa()`. Section conclusions and 한눈에 보기 are plain (`glossary.is_plain`); bodies carry
the 명리 reasons and the category's points × weight.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from saju.compat import (
    CATEGORIES,
    Category,
    CategoryScore,
    CompatFact,
    Compatibility,
    Relationship,
    Side,
    Tone,
)
from saju.core import Element
from saju.korean import josa
from saju.reading.build import DISCLAIMER
from saju.reading.glossary import explain, terms_in
from saju.reading.model import ReadingSection
from saju.reading.plain import PLAIN_ELEMENT

GUNGHAP_SCHEMA_VERSION = 1
DEFAULT_NAMES: tuple[str, str] = ("A님", "B님")

PAIR_WORD: dict[Relationship, str] = {
    Relationship.COUPLE: "두 사람",
    Relationship.FRIEND: "두 친구",
    Relationship.WORK: "함께 일하는 두 사람",
    Relationship.PARENT: "부모와 자녀",
    Relationship.CHILD: "자녀와 부모",
    Relationship.SIBLING: "두 형제",
}
# Where the day branches' relation shows, in the words of each relation.
BRANCH_SCENE: dict[Relationship, str] = {
    Relationship.COUPLE: "함께 사는 일상과 속마음",
    Relationship.FRIEND: "속 이야기를 나누는 자리",
    Relationship.WORK: "매일 손발을 맞추는 자리",
    Relationship.PARENT: "한집에서 부대끼는 생활",
    Relationship.CHILD: "한집에서 부대끼는 생활",
    Relationship.SIBLING: "한집에서 부대끼는 생활",
}

# Plain meanings (no 명리 term, no hanja): 한눈에 보기 and the sections' conclusions use these.
BRANCH_MEANING: dict[str, str] = {
    "six_combine": "마음 깊은 곳이 자연스럽게 맞물려, 함께 있으면 편안합니다",
    "half_combine": "같은 방향을 보고 힘을 모으기 쉽습니다",
    "three_combine": "주변의 도움까지 보태져 한 방향으로 힘이 크게 모입니다",
    "directional": "주변의 도움까지 보태져 같은 목표로 힘이 크게 모입니다",
    "clash": "생활 리듬과 생각이 정면으로 부딪히기 쉬워, 서로 다른 점을 인정하는 연습이 필요합니다",
    "punishment": "가까울수록 서로를 다그치기 쉬워, 말의 온도를 낮추는 것이 중요합니다",
    "wonjin": "좋다가도 까닭 없이 서운해지는 감정의 굴곡이 생기기 쉽습니다",
    "harm": "작은 서운함이 쌓이기 쉬우니 그때그때 풀어야 합니다",
    "break": "잘 되던 일에 금이 가기 쉬우니 약속을 분명히 해 두면 좋습니다",
    "gwimun": "서로의 예민한 신경을 건드리기 쉬워 각자 쉬는 시간을 두는 것이 좋습니다",
    "same": "생활 방식이 닮아 편하지만 같은 고집이 부딪힐 때가 있습니다",
}
ADVICE: dict[str, str] = {
    "clash": "부딪힐 때는 결론을 서두르지 말고 하루 묵혀 다시 이야기하는 습관이 도움이 됩니다",
    "punishment": "지적보다 고마움을 먼저 말하는 습관이 도움이 됩니다",
    "wonjin": "서운한 마음을 쌓아 두지 말고 짧게라도 바로 말하는 것이 도움이 됩니다",
    "harm": "작은 약속을 지키고 서운함을 그날 푸는 것이 도움이 됩니다",
    "break": "역할과 약속을 글로 정해 두는 것이 도움이 됩니다",
    "gwimun": "피곤할 때는 중요한 대화를 미루고 각자 쉬는 것이 도움이 됩니다",
    "stem_clash": "서로의 방식이 틀린 것이 아니라 다르다는 것을 인정하는 것이 도움이 됩니다",
    "controls": "한쪽이 이끌 때 다른 쪽의 속도를 기다려 주는 것이 도움이 됩니다",
    "friction": "경쟁하기보다 역할을 나누는 것이 도움이 됩니다",
    "gisin_dominant": "서로의 기운이 지나치게 한쪽으로 쏠리지 않게 각자의 시간을 지키는 것이 도움이 됩니다",
    "shared_excess": "둘 다 같은 쪽으로 치우치기 쉬우니 부족한 기운을 함께 채우는 활동이 도움이 됩니다",
}
TEN_GOD_PLAIN: dict[str, str] = {
    "비견": "어깨를 나란히 하는 든든한 동료",
    "겁재": "경쟁심을 자극하는 맞수",
    "식신": "마음 편히 베풀고 싶은 사람",
    "상관": "재치 있게 자극을 주는 사람",
    "편재": "활기차고 자유로운 매력의 사람",
    "정재": "알뜰히 챙기고 지키고 싶은 사람",
    "편관": "강하게 이끌고 긴장을 주는 사람",
    "정관": "믿음직하고 바른 사람",
    "편인": "색다른 시각을 일깨워 주는 사람",
    "정인": "보살펴 주고 가르쳐 주는 사람",
}
BANDS: tuple[tuple[int, str], ...] = (
    (75, "서로 잘 맞는 편인"),
    (60, "무난하게 어울리는"),
    (45, "잘 맞는 곳과 어긋나는 곳이 섞인"),
    (0, "서로 맞춰 가는 노력이 필요한"),
)
MAX_GLANCE = 5
PLAIN_CATEGORIES = (Category.DAY_MASTER, Category.DAY_BRANCH, Category.TEN_GODS, Category.ELEMENTS)


@dataclass(frozen=True, slots=True)
class GunghapReading:
    relation: Relationship
    year: int
    score: int
    names: tuple[str, str]
    glance: tuple[str, ...]  # 한눈에 보기: 3–5 plain sentences
    notices: tuple[str, ...]
    sections: tuple[ReadingSection, ...]  # one per category, in Category order
    terms: tuple[str, ...]  # glossary terms the text uses


class _Words:
    """The names of the two people and the particles after them."""

    def __init__(self, names: tuple[str, str]) -> None:
        self.names = names

    def name(self, side: Side | None) -> str:
        return "" if side is None else self.names[0 if side is Side.A else 1]

    def subject(self, side: Side | None) -> str:
        return josa(self.name(side), "이", "가")

    def topic(self, side: Side | None) -> str:
        return josa(self.name(side), "은", "는")

    def obj(self, side: Side | None) -> str:
        return josa(self.name(side), "을", "를")

    def where(self, fact: CompatFact) -> str:
        return " ↔ ".join(
            p.slot if p.side is None else f"{self.name(p.side)}의 {p.slot}" for p in fact.places
        )


def _band(score: int) -> str:
    return next(text for floor, text in BANDS if score >= floor)


def _element(element: Element | None) -> str:
    return "" if element is None else PLAIN_ELEMENT[element]


def _plain(fact: CompatFact, w: _Words, relation: Relationship) -> str:
    """One plain sentence (no term, no hanja) about one fact of 일간, 일지, 십신 or 오행."""
    owner, other = fact.owner, None if fact.owner is None else fact.owner.other
    pair = PAIR_WORD[relation]
    if fact.category is Category.DAY_BRANCH:
        return f"{BRANCH_SCENE[relation]}에서 {BRANCH_MEANING.get(fact.key, BRANCH_MEANING['same'])}."
    if fact.category is Category.DAY_MASTER:
        texts = {
            "stem_combine": f"{josa(pair, '은', '는')} 타고난 성품이 서로를 자연스럽게 끌어당깁니다.",
            "stem_clash": f"{josa(pair, '은', '는')} 생각의 방향이 달라 의견이 부딪히기 쉽습니다.",
            "same": f"{josa(pair, '은', '는')} 성향과 속도가 비슷해 말이 잘 통합니다.",
            "generates": f"{w.subject(owner)} {w.obj(other)} 북돋우고 챙겨 주는 쪽입니다.",
            "controls": f"{w.subject(owner)} {w.obj(other)} 다잡고 이끄는 쪽이라 {w.topic(other)} 부담을 느낄 수 있습니다.",
        }
        return texts[fact.key]
    if fact.category is Category.TEN_GODS:
        if fact.key == "palace_match":
            return f"{w.topic(other)} {w.name(owner)}의 마음 깊은 자리와 같은 기운을 지녔습니다."
        meaning = TEN_GOD_PLAIN.get(fact.name, "")
        return f"{w.name(owner)}에게 {w.topic(other)} {meaning}입니다."
    texts = {
        "yongsin_supplied": f"{w.name(other)}에게는 {w.name(owner)}에게 가장 필요한 {_element(fact.element)}이 넉넉해, "
        f"{w.topic(owner)} 곁에 있을수록 힘을 얻습니다.",
        "weak_supplied": f"{w.name(owner)}에게 모자란 {josa(_element(fact.element), '을', '를')} {w.subject(other)} 채워 줍니다.",
        "gisin_dominant": f"{w.name(other)}에게 강한 {josa(_element(fact.element), '이', '가')} {w.name(owner)}에게는 버거울 수 있습니다.",
        "shared_excess": f"두 사람 모두 {josa(_element(fact.element), '이', '가')} 많아 같은 쪽으로 치우치기 쉽습니다.",
        "yongsin_scarce": f"{w.name(owner)}에게 필요한 {josa(_element(fact.element), '은', '는')} {w.name(other)}에게도 적어 따로 채워야 합니다.",
    }
    return texts[fact.key]


def _scored(result: Compatibility, categories: Sequence[Category]) -> list[CompatFact]:
    return [f for f in result.facts if f.category in categories and f.points]


def _best(result: Compatibility) -> CompatFact | None:
    good = [f for f in _scored(result, PLAIN_CATEGORIES) if f.tone is Tone.GOOD]
    return max(good, key=lambda f: f.points * result.category(f.category).weight_tenths, default=None)


def _worst(result: Compatibility) -> CompatFact | None:
    hard = [f for f in _scored(result, PLAIN_CATEGORIES) if f.tone is Tone.HARD]
    return min(hard, key=lambda f: f.points * result.category(f.category).weight_tenths, default=None)


def _this_year(result: Compatibility, w: _Words) -> str:
    hard = [f for f in result.facts_of(Category.TIMING) if f.tone is Tone.HARD]
    good = [f for f in result.facts_of(Category.TIMING) if f.tone is Tone.GOOD]
    year = f"올해({result.year}년)"
    if hard:
        sides = sorted({f.owner for f in hard if f.owner is not None}, key=lambda s: s.value)
        who = (
            f"{josa(w.names[0], '과', '와')} {w.names[1]} 모두에게"
            if len(sides) == 2
            else f"{w.name(sides[0])}에게"
        )
        return f"{year}는 {who} 생활의 변화가 많은 해이니, 큰 결정은 서로 충분히 의논한 뒤에 내리세요."
    if good:
        return f"{year}는 서로의 흐름이 맞물려 함께 계획한 일을 시작하기 좋은 해입니다."
    return f"{year}는 두 사람 사이에 두드러진 흔들림이 없는 평탄한 해입니다."


def _glance(result: Compatibility, w: _Words) -> tuple[str, ...]:
    pair = PAIR_WORD[result.relation]
    lines = [
        f"{josa(pair, '은', '는')} {_band(result.score)} 사이로, 궁합 점수는 100점 중 {result.score}점입니다."
    ]
    best, worst = _best(result), _worst(result)
    lines.append(
        f"잘 맞는 점: {_plain(best, w, result.relation)}"
        if best is not None
        else "두 사람을 강하게 묶어 주는 자리는 드물어, 함께 보내는 시간으로 정을 쌓아 가는 사이입니다."
    )
    if worst is not None:
        lines.append(f"부딪히기 쉬운 점: {_plain(worst, w, result.relation)}")
    elif result.category(Category.CROSS).points < 0:
        lines.append(
            "부딪히기 쉬운 점: 타고난 성품은 잘 맞지만 집안·일·주변 사람 문제에서 어긋나는 자리가 여럿이라, "
            "그런 이야기는 천천히 나누는 것이 좋습니다."
        )
    else:
        lines.append("크게 부딪히는 자리가 없어 다툼이 생겨도 오래가지 않습니다.")
    supplied = [f for f in result.facts_of(Category.ELEMENTS) if f.tone is Tone.GOOD]
    if worst is not None and worst.key in ADVICE:
        lines.append(f"도움이 되는 것: {ADVICE[worst.key]}.")
    elif supplied:
        lines.append(
            "도움이 되는 것: 서로에게 모자란 기운을 채워 주는 사이이니, 함께하는 시간을 꾸준히 늘리세요."
        )
    lines.append(_this_year(result, w))
    return tuple(lines[:MAX_GLANCE])


def _score_line(c: CategoryScore) -> str:
    return f"_이 분야 점수: {c.points:+d}점 × 가중치 {c.weight:g} = {c.contribution:+g}점 (규칙: {c.rule})_"


def _fact_line(fact: CompatFact, w: _Words) -> str:
    who = f" ({w.name(fact.owner)} 쪽)" if fact.owner is not None else ""
    points = f"{fact.points:+d}점" if fact.points else "점수 없음"
    return f"- **{fact.name}**{who} · {w.where(fact)} · {points} — {fact.rule}"


def _conclusion(result: Compatibility, category: Category, w: _Words) -> str:
    facts = sorted(result.facts_of(category), key=lambda f: -abs(f.points))
    relation = result.relation
    c = result.category(category)
    if category is Category.TEN_GODS:
        return _ten_gods_conclusion(facts, w, relation)
    if category in PLAIN_CATEGORIES:
        main = next((f for f in facts if f.points), None)
        if main is None and category is Category.DAY_BRANCH:
            same = next((f for f in facts if f.key == "same"), None)
            if same is not None:
                return _plain(same, w, relation)
            return f"{BRANCH_SCENE[relation]}에서 크게 끌어당기지도 부딪히지도 않는 담담한 사이입니다."
        if main is None:
            main = next((f for f in facts if f.key != "spouse_palace"), None)
        if main is None:
            return "이 분야에서는 두드러진 점이 없습니다."
        text = _plain(main, w, relation)
        others = [f for f in facts if f.points and f is not main and f.tone is not main.tone]
        if others:
            text += " 다만 " + _plain(others[0], w, relation)
        return text
    if category is Category.CROSS:
        good = sum(1 for f in facts if f.tone is Tone.GOOD)
        hard = sum(1 for f in facts if f.tone is Tone.HARD)
        if not facts:
            return "두 사람의 나머지 자리 사이에는 눈에 띄는 끌림도 부딪힘도 없습니다."
        lean = (
            "끌어당기는 자리가 더 많아"
            if c.points > 0
            else "부딪히는 자리가 더 많아"
            if c.points < 0
            else "끌림과 부딪힘이 비슷해"
        )
        return f"나머지 자리 사이에 서로 끌리는 곳이 {good}곳, 부딪히는 곳이 {hard}곳으로 {lean} 집안·일·주변 사람 문제에서 그 색이 드러납니다."
    if category is Category.ZODIAC:
        main = facts[0] if facts else None
        meaning = {
            "six_combine": "띠로는 서로 잘 맞는 짝입니다",
            "three_combine": "띠로는 한 무리에 드는 잘 맞는 짝입니다",
            "clash": "띠로는 서로 부딪히는 짝입니다",
            "wonjin": "띠로는 서운함이 생기기 쉬운 짝입니다",
            "same": "같은 띠입니다",
        }
        head = meaning.get(main.key, "") if main is not None else "띠로는 특별히 맞거나 부딪히지 않습니다"
        return f"{head}. 다만 띠 궁합은 태어난 해 하나만 보는 간단한 방법이라 점수에 조금만 반영했습니다."
    return _this_year(result, w)


def _ten_gods_conclusion(facts: Sequence[CompatFact], w: _Words, relation: Relationship) -> str:
    """Both directions ("A에게 B는 …", "B에게 A는 …"), then the 배우자궁 match if there is one."""
    views = sorted(
        (f for f in facts if f.key in ("star", "friction", "ten_god")),
        key=lambda f: "" if f.owner is None else f.owner.value,
    )
    lines = [_plain(f, w, relation) for f in views]
    lines.extend(_plain(f, w, relation) for f in facts if f.key == "palace_match")
    return " ".join(lines) or "이 분야에서는 두드러진 점이 없습니다."


def _body(result: Compatibility, category: Category, w: _Words) -> str:
    facts = result.facts_of(category)
    lines = [_fact_line(f, w) for f in facts] or ["- 해당하는 관계가 없습니다."]
    if category is Category.ELEMENTS:
        for side, an in ((Side.A, result.analysis_a), (Side.B, result.analysis_b)):
            ys = an.yongsin
            lines.append(
                f"- {w.name(side)}: 용신 {ys.yongsin.label}, 기신 {ys.gisin.label}; 오행 "
                + ", ".join(f"{e.hangul} {an.balance.share(e):g}%" for e in Element)
            )
    if category is Category.TIMING:
        lines.append(f"- 올해의 세운: {result.year}년 {result.year_pillar}")
    return "\n".join([*lines, "", _score_line(result.category(category))])


def gunghap_reading(result: Compatibility, names: tuple[str, str] = DEFAULT_NAMES) -> GunghapReading:
    """The rule-based reading of a 궁합 result; `names` are the two people as the text should call them."""
    w = _Words(names)
    sections = tuple(
        ReadingSection(
            key=category.value,
            title=category.title,
            conclusion=_conclusion(result, category, w),
            body=_body(result, category, w),
        )
        for category in CATEGORIES
    )
    notices = tuple(n.text.replace(f"{n.side.letter}의", f"{w.name(n.side)}의", 1) for n in result.notes)
    glance = _glance(result, w)
    text = "\n".join([*glance, *(s.conclusion + "\n" + s.body for s in sections)])
    return GunghapReading(
        relation=result.relation,
        year=result.year,
        score=result.score,
        names=names,
        glance=glance,
        notices=notices,
        sections=sections,
        terms=terms_in(text),
    )


def gunghap_reading_to_json(reading: GunghapReading) -> dict[str, object]:
    return {
        "schema": GUNGHAP_SCHEMA_VERSION,
        "relation": reading.relation.value,
        "year": reading.year,
        "score": reading.score,
        "names": list(reading.names),
        "glance": list(reading.glance),
        "notices": list(reading.notices),
        "sections": [
            {"key": s.key, "title": s.title, "conclusion": s.conclusion, "body": s.body}
            for s in reading.sections
        ],
        "terms": [{"term": t, "explanation": explain(t)} for t in reading.terms],
        "disclaimer": DISCLAIMER,
    }


def gunghap_markdown(reading: GunghapReading) -> str:
    parts = ["## 한눈에 보기", "", *(f"- {line}" for line in reading.glance), ""]
    parts.extend(f"> {n}" for n in reading.notices)
    for s in reading.sections:
        parts.extend(["", f"## {s.title}", "", s.conclusion, "", s.body])
    return "\n".join(parts) + "\n"
