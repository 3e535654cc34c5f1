"""`compatibility(chart_a, chart_b, relation, reference)`: every 궁합 fact, from the analysis's tables.

Relations between characters come from `saju.analysis.relations` (the same 합·충·형·파·해·원진 tables as a
single chart) and 귀문 from `saju.analysis.shinsal`; 오행 and 용신 from each chart's analysis. Every pairwise
fact is computed once with A's place first; directional facts (십신, 용신, 대운) once per owner. So the facts
of (B, A) are exactly the facts of (A, B) with the sides exchanged, and the score is the same.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date

from saju.analysis import Analysis, ChartLike, analyze, today_kst
from saju.analysis.hidden import main_stem
from saju.analysis.relations import (
    SIX_COMBINATIONS,
    THREE_COMBINATIONS,
    TRIPLES_BY_BRANCH,
    Relation,
    RelationKind,
    branch_pair_relations,
    pair_relations,
)
from saju.analysis.shinsal import GWIMUN_PAIRS
from saju.analysis.tengods import TenGod, ten_god
from saju.compat import rules
from saju.compat.model import (
    CATEGORIES,
    Category,
    CategoryScore,
    CompatFact,
    Compatibility,
    CompatNote,
    Place,
    Relationship,
    Side,
    Tone,
    ordered_places,
)
from saju.core import BRANCHES, STEMS, Branch, Element, Pillar
from saju.korean import josa

KIND_KEYS: dict[RelationKind, str] = {
    RelationKind.STEM_COMBINE: "stem_combine",
    RelationKind.STEM_CLASH: "stem_clash",
    RelationKind.SIX_COMBINE: "six_combine",
    RelationKind.THREE_COMBINE: "three_combine",
    RelationKind.HALF_COMBINE: "half_combine",
    RelationKind.DIRECTIONAL: "directional",
    RelationKind.CLASH: "clash",
    RelationKind.PUNISHMENT: "punishment",
    RelationKind.BREAK: "break",
    RelationKind.HARM: "harm",
    RelationKind.WONJIN: "wonjin",
}
_CHAR_ORDER: dict[str, int] = {s.hanja: i for i, s in enumerate(STEMS)} | {
    b.hanja: i for i, b in enumerate(BRANCHES)
}
_GWIMUN_I = frozenset(frozenset(b.index for b in pair) for pair in GWIMUN_PAIRS)
_SIX_COMBINE_ELEMENT: dict[frozenset[str], Element] = {frozenset(p): e for p, e in SIX_COMBINATIONS}


@dataclass(frozen=True, slots=True)
class _Person:
    side: Side
    chart: ChartLike
    analysis: Analysis
    slots: tuple[tuple[str, Pillar], ...]  # (년/월/일/시, pillar)
    gender: str | None  # "female", "male" or None


def _tone(points: int) -> Tone:
    return Tone.GOOD if points > 0 else Tone.HARD if points < 0 else Tone.NEUTRAL


def _name(kind: RelationKind, chars: tuple[str, ...], element: Element | None) -> str:
    """The order-free name of a relation: "子丑 육합(土)" for 子↔丑 and 丑↔子 alike."""
    ordered = "".join(sorted(chars, key=lambda c: _CHAR_ORDER[c]))
    suffix = f"({element.value})" if element is not None else ""
    return f"{ordered} {kind.value}{suffix}"


def _fact(
    category: Category,
    key: str,
    name: str,
    places: tuple[Place, ...],
    chars: tuple[str, ...],
    *,
    points: int,
    rule: str,
    element: Element | None = None,
    owner: Side | None = None,
) -> CompatFact:
    ordered, ordered_chars = ordered_places(places, chars)
    return CompatFact(
        category, key, name, ordered, ordered_chars, element, owner, _tone(points), points, rule
    )


def _relation_fact(category: Category, rel: Relation, places: tuple[Place, ...], points: int) -> CompatFact:
    return _fact(
        category,
        KIND_KEYS[rel.kind],
        _name(rel.kind, rel.chars, rel.element),
        places,
        rel.chars,
        points=points,
        rule=rel.detail,
        element=rel.element,
    )


def _is_stem(rel: Relation) -> bool:
    return rel.members[0].endswith("간")


def _gwimun(a: Branch, b: Branch) -> bool:
    return frozenset((a.index, b.index)) in _GWIMUN_I


def _day_master_facts(a: _Person, b: _Person) -> Iterator[CompatFact]:
    pa, pb = a.chart.day, b.chart.day
    places = (Place(Side.A, "일간"), Place(Side.B, "일간"))
    chars = (pa.stem.hanja, pb.stem.hanja)
    stem_rels = [r for r in pair_relations("일", pa.index, "일", pb.index) if _is_stem(r)]
    points = rules.DAY_MASTER_POINTS
    for rel in stem_rels:
        yield _relation_fact(Category.DAY_MASTER, rel, places, points[KIND_KEYS[rel.kind]])
    ea, eb = pa.stem.element, pb.stem.element
    if ea is eb:
        yield _fact(
            Category.DAY_MASTER,
            "same",
            f"비화(같은 {ea.value})",
            places,
            chars,
            points=points["same"],
            rule="두 일간의 오행이 같음(비화)",
            element=ea,
        )
        return
    for owner, x, y in ((Side.A, ea, eb), (Side.B, eb, ea)):
        if x.generates() is y:
            yield _fact(
                Category.DAY_MASTER,
                "generates",
                f"상생({x.value}生{y.value})",
                places,
                chars,
                points=points["generates"],
                rule=f"{josa(x.label, '이', '가')} {josa(y.label, '을', '를')} 생함(상생): 한쪽이 다른 쪽을 북돋움",
                element=x,
                owner=owner,
            )
        elif x.controls() is y:
            # A 합 or 충 of the two stems already says how they meet; the 극 under it is named, not counted.
            counted = 0 if stem_rels else points["controls"]
            yield _fact(
                Category.DAY_MASTER,
                "controls",
                f"상극({x.value}剋{y.value})",
                places,
                chars,
                points=counted,
                rule=f"{josa(x.label, '이', '가')} {josa(y.label, '을', '를')} 극함(상극): 한쪽이 다른 쪽을 누르거나 다듬음",
                element=x,
                owner=owner,
            )


def _other_branches(people: tuple[_Person, _Person]) -> Iterator[tuple[Place, Branch]]:
    for person in people:
        for label, pillar in person.slots:
            if label != "일":
                yield Place(person.side, label + "지"), pillar.branch


def _day_branch_facts(a: _Person, b: _Person) -> Iterator[CompatFact]:
    ba, bb = a.chart.day.branch, b.chart.day.branch
    places = (Place(Side.A, "일지"), Place(Side.B, "일지"))
    found = False
    seen: set[RelationKind] = set()
    for rel in pair_relations("일", a.chart.day.index, "일", b.chart.day.index):
        if _is_stem(rel) or rel.kind in seen or rel.kind not in rules.DAY_BRANCH_POINTS:
            continue
        seen.add(rel.kind)
        found = True
        yield _relation_fact(Category.DAY_BRANCH, rel, places, rules.DAY_BRANCH_POINTS[rel.kind])
    if _gwimun(ba, bb):
        found = True
        yield _fact(
            Category.DAY_BRANCH,
            "gwimun",
            _name_plain((ba.hanja, bb.hanja), "귀문"),
            places,
            (ba.hanja, bb.hanja),
            points=rules.GWIMUN_POINTS,
            rule=rules.GWIMUN_RULE,
        )
    if ba is not bb:
        for o1, o2, ordered, kind, element, detail in TRIPLES_BY_BRANCH[ba.index]:
            if kind is RelationKind.PUNISHMENT or bb.index not in (o1, o2):
                continue
            third = BRANCHES[o2 if bb.index == o1 else o1]
            # Every place that holds the third branch, so the fact does not depend on whose chart is A.
            at = tuple(place for place, br in _other_branches((a, b)) if br is third)
            if not at:
                continue
            found = True
            chars = (ba.hanja, bb.hanja, *(third.hanja for _ in at))
            yield _fact(
                Category.DAY_BRANCH,
                KIND_KEYS[kind],
                "".join(BRANCHES[i].hanja for i in ordered)
                + f" {kind.value}({element.value if element else ''})",
                (*places, *at),
                chars,
                points=rules.DAY_BRANCH_TRIPLE_POINTS,
                rule=f"{detail}: 두 일지에 다른 기둥의 {josa(f'{third.hanja}({third.hangul})', '이', '가')} 더해져 완성",
                element=element,
            )
    if not found and ba is bb:
        yield _fact(
            Category.DAY_BRANCH,
            "same",
            f"같은 일지({ba.hanja})",
            places,
            (ba.hanja, bb.hanja),
            points=0,
            rule="두 일지가 같은 글자: 합도 충도 아님",
        )


def _name_plain(chars: tuple[str, ...], word: str) -> str:
    return "".join(sorted(chars, key=lambda c: _CHAR_ORDER[c])) + f" {word}"


def _cross_facts(a: _Person, b: _Person) -> Iterator[CompatFact]:
    for la, pa in a.slots:
        for lb, pb in b.slots:
            if la == "일" and lb == "일":
                continue
            factor = rules.CROSS_DAY_BRANCH_FACTOR if "일" in (la, lb) else 1
            for rel in pair_relations(la, pa.index, lb, pb.index):
                stem = _is_stem(rel)
                if (not stem and la == "년" and lb == "년") or rel.kind not in rules.CROSS_POINTS:
                    continue
                suffix = "간" if stem else "지"
                places = (Place(Side.A, la + suffix), Place(Side.B, lb + suffix))
                points = rules.CROSS_POINTS[rel.kind] * (1 if stem else factor)
                yield _relation_fact(Category.CROSS, rel, places, points)
            if not (la == "년" and lb == "년") and _gwimun(pa.branch, pb.branch):
                chars = (pa.branch.hanja, pb.branch.hanja)
                yield _fact(
                    Category.CROSS,
                    "gwimun",
                    _name_plain(chars, "귀문"),
                    (Place(Side.A, la + "지"), Place(Side.B, lb + "지")),
                    chars,
                    points=rules.CROSS_GWIMUN_POINTS * factor,
                    rule=rules.GWIMUN_RULE,
                )


def _zodiac_facts(a: _Person, b: _Person) -> Iterator[CompatFact]:
    ya, yb = a.chart.year.branch, b.chart.year.branch
    places = (Place(Side.A, "년지"), Place(Side.B, "년지"))
    chars = (ya.hanja, yb.hanja)
    animals = f"{ya.animal}띠·{yb.animal}띠" if ya.index <= yb.index else f"{yb.animal}띠·{ya.animal}띠"
    points = rules.ZODIAC_POINTS
    if ya is yb:
        yield _fact(Category.ZODIAC, "same", f"같은 띠({ya.animal})", places, chars, points=0, rule="같은 띠")
        return
    for trio, element in THREE_COMBINATIONS:
        if ya.hanja in trio and yb.hanja in trio:
            yield _fact(
                Category.ZODIAC,
                "three_combine",
                f"{trio} 삼합 띠({animals})",
                places,
                chars,
                points=points["three_combine"],
                rule=f"{trio}은 한 삼합({element.value})에 드는 띠",
                element=element,
            )
    kinds = branch_pair_relations(ya, yb)
    if RelationKind.SIX_COMBINE in kinds:
        element = _SIX_COMBINE_ELEMENT[frozenset(chars)]
        yield _fact(
            Category.ZODIAC,
            "six_combine",
            f"{_name(RelationKind.SIX_COMBINE, chars, element)} 띠({animals})",
            places,
            chars,
            points=points["six_combine"],
            rule="육합: 子丑 寅亥 卯戌 辰酉 巳申 午未",
            element=element,
        )
    for kind, key, rule in (
        (RelationKind.CLASH, "clash", "충: 여섯 자리 떨어진 띠"),
        (RelationKind.WONJIN, "wonjin", "원진: 子未 丑午 寅酉 卯申 辰亥 巳戌"),
    ):
        if kind in kinds:
            yield _fact(
                Category.ZODIAC,
                key,
                f"{_name(kind, chars, None)} 띠({animals})",
                places,
                chars,
                points=points[key],
                rule=rule,
            )


def _element_facts(a: _Person, b: _Person) -> Iterator[CompatFact]:
    for x, y in ((a, b), (b, a)):
        ys, bal = x.analysis.yongsin, y.analysis.balance
        share = bal.share(ys.yongsin)
        place = (Place(y.side, "사주"),)
        if share >= rules.YONGSIN_SUPPLIED_SHARE:
            yield _fact(
                Category.ELEMENTS,
                "yongsin_supplied",
                f"용신 {ys.yongsin.value} 보완",
                place,
                (ys.yongsin.value,),
                points=rules.YONGSIN_SUPPLIED_POINTS,
                rule=f"한쪽의 용신 오행이 상대 사주에서 {rules.YONGSIN_SUPPLIED_SHARE:g}% 이상 (상대는 {share:g}%)",
                element=ys.yongsin,
                owner=x.side,
            )
        elif share < rules.WEAK_SUPPLIED_SHARE / 2:
            yield _fact(
                Category.ELEMENTS,
                "yongsin_scarce",
                f"용신 {ys.yongsin.value} 부족",
                place,
                (ys.yongsin.value,),
                points=0,
                rule=f"한쪽의 용신 오행이 상대 사주에도 적음 (상대는 {share:g}%)",
                element=ys.yongsin,
                owner=x.side,
            )
        weak = [
            e
            for e in x.analysis.balance.weak
            if e is not ys.yongsin and bal.share(e) >= rules.WEAK_SUPPLIED_SHARE
        ]
        for element in weak[: rules.WEAK_SUPPLIED_MAX]:
            yield _fact(
                Category.ELEMENTS,
                "weak_supplied",
                f"부족한 {element.value} 보완",
                place,
                (element.value,),
                points=rules.WEAK_SUPPLIED_POINTS,
                rule=(
                    f"한쪽에 {x.analysis.balance.share(element):g}%뿐인 오행을 상대가 "
                    f"{bal.share(element):g}% 가짐 ({rules.WEAK_SUPPLIED_SHARE:g}% 이상)"
                ),
                element=element,
                owner=x.side,
            )
        strongest = bal.strongest
        if strongest is ys.gisin and bal.share(strongest) >= rules.GISIN_DOMINANT_SHARE:
            yield _fact(
                Category.ELEMENTS,
                "gisin_dominant",
                f"기신 {strongest.value} 과다",
                place,
                (strongest.value,),
                points=rules.GISIN_DOMINANT_POINTS,
                rule=f"한쪽의 기신 오행이 상대 사주에서 가장 셈 ({bal.share(strongest):g}%)",
                element=strongest,
                owner=x.side,
            )
    for element in a.analysis.balance.excess:
        if element in b.analysis.balance.excess:
            yield _fact(
                Category.ELEMENTS,
                "shared_excess",
                f"둘 다 {element.value} 과다",
                (Place(Side.A, "사주"), Place(Side.B, "사주")),
                (element.value, element.value),
                points=rules.SHARED_EXCESS_POINTS,
                rule="두 사람 모두 같은 오행이 30% 이상: 같은 기운이 겹쳐 치우침이 커짐",
                element=element,
            )


def _star_table(relation: Relationship, x: _Person, y: _Person) -> Mapping[TenGod, int]:
    if relation is Relationship.COUPLE:
        return {
            "female": rules.SPOUSE_STAR_FEMALE,
            "male": rules.SPOUSE_STAR_MALE,
        }.get(x.gender or "", rules.SPOUSE_STAR_UNKNOWN)
    if relation in (Relationship.PARENT, Relationship.CHILD):
        parent_side = Side.A if relation is Relationship.PARENT else Side.B
        if x.side is parent_side:
            return {"female": rules.CHILD_STAR_FEMALE, "male": rules.CHILD_STAR_MALE}.get(
                x.gender or "", rules.CHILD_STAR_UNKNOWN
            )
        return {"female": rules.PARENT_STAR_MOTHER, "male": rules.PARENT_STAR_FATHER}.get(
            y.gender or "", rules.PARENT_STAR_UNKNOWN
        )
    if relation is Relationship.WORK:
        return rules.WORK_STARS
    return rules.PEER_STARS


def _table_rule(relation: Relationship, table: Mapping[TenGod, int]) -> str:
    scored = ", ".join(f"{god.value} {points:+d}" for god, points in table.items())
    return f"상대 일간을 내 일간 기준 십신으로 봄 ({rules.STAR_WORDS[relation]}: {scored}, 그 밖 0)"


def _ten_god_facts(relation: Relationship, a: _Person, b: _Person) -> Iterator[CompatFact]:
    places = (Place(Side.A, "일간"), Place(Side.B, "일간"))
    chars = (a.chart.day.stem.hanja, b.chart.day.stem.hanja)
    for x, y in ((a, b), (b, a)):
        god = ten_god(x.chart.day.stem, y.chart.day.stem)
        table = _star_table(relation, x, y)
        points = table.get(god, 0)
        yield _fact(
            Category.TEN_GODS,
            "star" if points > 0 else "friction" if points < 0 else "ten_god",
            god.value,
            places,
            chars,
            points=points,
            rule=_table_rule(relation, table),
            owner=x.side,
        )
        if relation is not Relationship.COUPLE:
            continue
        day_branch = x.chart.day.branch
        palace_stem = main_stem(day_branch)
        palace_god = ten_god(x.chart.day.stem, palace_stem)
        yield _fact(
            Category.TEN_GODS,
            "spouse_palace",
            f"배우자궁 {palace_god.value}",
            (Place(x.side, "일지"),),
            (day_branch.hanja,),
            points=0,
            rule="일지(배우자궁) 정기의 십신",
            owner=x.side,
        )
        if y.chart.day.stem.element is palace_stem.element:
            yield _fact(
                Category.TEN_GODS,
                "palace_match",
                f"배우자궁에 맞는 일간({palace_stem.element.value})",
                (Place(x.side, "일지"), Place(y.side, "일간")),
                (day_branch.hanja, y.chart.day.stem.hanja),
                points=rules.SPOUSE_PALACE_POINTS,
                rule="상대 일간의 오행이 내 일지(배우자궁) 정기의 오행과 같음",
                element=palace_stem.element,
                owner=x.side,
            )


def _timing_facts(a: _Person, b: _Person, year_pillar: Pillar) -> Iterator[CompatFact]:
    for x, y in ((a, b), (b, a)):
        for rel in pair_relations("세운", year_pillar.index, "일", x.chart.day.index):
            points = rules.TIMING_SEWOON_POINTS.get(rel.kind)
            if _is_stem(rel) or points is None:
                continue
            fact = _relation_fact(
                Category.TIMING, rel, (Place(None, "세운지"), Place(x.side, "일지")), points
            )
            yield _with_owner(fact, x.side)
        daewoon = x.analysis.daewoon
        current = None if daewoon is None else daewoon.current
        if current is None:
            continue
        pillar = current.info.pillar
        for rel in pair_relations("대운", pillar.index, "일", y.chart.day.index):
            points = rules.TIMING_DAEWOON_POINTS.get(rel.kind)
            if _is_stem(rel) or points is None:
                continue
            fact = _relation_fact(
                Category.TIMING, rel, (Place(x.side, "대운지"), Place(y.side, "일지")), points
            )
            yield _with_owner(fact, x.side)


def _with_owner(fact: CompatFact, owner: Side) -> CompatFact:
    return CompatFact(
        fact.category,
        fact.key,
        fact.name,
        fact.places,
        fact.chars,
        fact.element,
        owner,
        fact.tone,
        fact.points,
        fact.rule,
    )


def _notes(people: tuple[_Person, _Person]) -> tuple[CompatNote, ...]:
    notes: list[CompatNote] = []
    for p in people:
        if p.chart.hour is None:
            notes.append(
                CompatNote(
                    "time_unknown",
                    p.side,
                    f"{p.side.letter}의 태어난 시간을 몰라 시주를 뺐습니다. 시주가 맺는 관계는 보지 않았습니다.",
                )
            )
        if p.analysis.daewoon is None:
            notes.append(
                CompatNote(
                    "daewoon_unavailable",
                    p.side,
                    f"{p.side.letter}의 성별이 없어 대운을 정할 수 없으므로 대운이 상대 일지와 맺는 관계는 보지 않았습니다.",
                )
            )
    return tuple(notes)


def _round_tenths(tenths: int) -> int:
    """Round a sum in tenths to a whole number, halves away from zero (the same for either sign)."""
    sign = -1 if tenths < 0 else 1
    return sign * ((abs(tenths) + 5) // 10)


def _breakdown(relation: Relationship, facts: tuple[CompatFact, ...]) -> tuple[CategoryScore, ...]:
    out = []
    weights = rules.WEIGHTS[relation]
    for category in CATEGORIES:
        cap = rules.CATEGORY_CAP[category]
        raw = sum(f.points for f in facts if f.category is category)
        out.append(
            CategoryScore(
                category, max(-cap, min(cap, raw)), weights[category], rules.CATEGORY_RULES[category]
            )
        )
    return tuple(out)


def _sort_key(fact: CompatFact) -> tuple[int, int, str, str, tuple[str, ...]]:
    return (
        CATEGORIES.index(fact.category),
        -abs(fact.points),
        fact.key,
        fact.name,
        tuple(p.label for p in fact.places),
    )


def _person(side: Side, chart: ChartLike, analysis: Analysis) -> _Person:
    gender = chart.birth.gender
    pillars = (("년", chart.year), ("월", chart.month), ("일", chart.day), ("시", chart.hour))
    return _Person(
        side,
        chart,
        analysis,
        tuple((label, p) for label, p in pillars if p is not None),
        None if gender is None else str(gender.value),
    )


def compatibility(
    chart_a: ChartLike,
    chart_b: ChartLike,
    relation: Relationship = Relationship.COUPLE,
    reference: date | None = None,
    *,
    analysis_a: Analysis | None = None,
    analysis_b: Analysis | None = None,
) -> Compatibility:
    """The 궁합 of two charts on `reference` (default: today in KST; the year of the timing facts).

    `relation` says how A relates to B (`PARENT`: A is the parent). Pass the analyses when already made
    (they must be for the same reference date). Raises `InvalidReference` when either person is born
    after `reference`.
    """
    ref = reference if reference is not None else today_kst()
    an_a = analysis_a if analysis_a is not None else analyze(chart_a, reference=ref)
    an_b = analysis_b if analysis_b is not None else analyze(chart_b, reference=ref)
    a, b = _person(Side.A, chart_a, an_a), _person(Side.B, chart_b, an_b)
    year_luck = an_a.sewoon[0]
    facts = tuple(
        sorted(
            (
                *_day_master_facts(a, b),
                *_day_branch_facts(a, b),
                *_cross_facts(a, b),
                *_zodiac_facts(a, b),
                *_element_facts(a, b),
                *_ten_god_facts(relation, a, b),
                *_timing_facts(a, b, year_luck.info.pillar),
            ),
            key=_sort_key,
        )
    )
    breakdown = _breakdown(relation, facts)
    total_tenths = sum(c.points * c.weight_tenths for c in breakdown)
    score = max(rules.SCORE_MIN, min(rules.SCORE_MAX, rules.BASE + _round_tenths(total_tenths)))
    return Compatibility(
        relation=relation,
        reference=ref,
        year=year_luck.year,
        year_pillar=year_luck.info.pillar.hanja,
        base=rules.BASE,
        score=score,
        breakdown=breakdown,
        facts=facts,
        notes=_notes((a, b)),
        analysis_a=an_a,
        analysis_b=an_b,
    )
