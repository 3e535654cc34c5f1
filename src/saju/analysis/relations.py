"""Stem combinations and branch relations: 천간합·충, 육합, 삼합(반합), 방합, 충, 형, 파, 해, 원진.

Sources: the standard tables of 연해자평 / 삼명통회 as used by Korean 명리 textbooks.
- 천간합: 甲己(土) 乙庚(金) 丙辛(水) 丁壬(木) 戊癸(火). 천간충: 甲庚 乙辛 丙壬 丁癸 (戊己 have none).
- 육합: 子丑(土) 寅亥(木) 卯戌(火) 辰酉(金) 巳申(水) 午未(火; some books 土).
- 삼합: 申子辰(水) 亥卯未(木) 寅午戌(火) 巳酉丑(金); 반합 = two of them including the 왕지 (子午卯酉).
- 방합: 寅卯辰(木) 巳午未(火) 申酉戌(金) 亥子丑(水).
- 충: branches six apart. 형: 寅巳申(무은지형), 丑戌未(지세지형), 子卯(무례지형), 辰辰 午午 酉酉 亥亥(자형).
- 파: 子酉 丑辰 寅亥 卯午 巳申 未戌. 해: 子未 丑午 寅巳 卯辰 申亥 酉戌. 원진: 子未 丑午 寅酉 卯申 辰亥 巳戌.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from itertools import combinations

from saju.core import BRANCHES, PILLARS, STEMS, Branch, Element, Pillar, Stem


class RelationKind(Enum):
    STEM_COMBINE = "천간합"
    STEM_CLASH = "천간충"
    SIX_COMBINE = "육합"
    THREE_COMBINE = "삼합"
    HALF_COMBINE = "반합"
    DIRECTIONAL = "방합"
    CLASH = "충"
    PUNISHMENT = "형"
    BREAK = "파"
    HARM = "해"
    WONJIN = "원진"

    @property
    def harmonious(self) -> bool:
        return self in _HARMONIOUS


_HARMONIOUS = frozenset(
    {
        RelationKind.STEM_COMBINE,
        RelationKind.SIX_COMBINE,
        RelationKind.THREE_COMBINE,
        RelationKind.HALF_COMBINE,
        RelationKind.DIRECTIONAL,
    }
)


@dataclass(frozen=True, slots=True)
class Relation:
    """One relation among characters. `members` are slot labels such as "월지" or "세운지"."""

    kind: RelationKind
    members: tuple[str, ...]
    chars: tuple[str, ...]
    element: Element | None
    detail: str

    @property
    def name(self) -> str:
        """e.g. "子午충", "甲己합(土)", "申子辰 삼합(水)"."""
        suffix = f"({self.element.value})" if self.element is not None else ""
        return f"{''.join(self.chars)} {self.kind.value}{suffix}"


@dataclass(frozen=True, slots=True)
class _PairRule:
    kind: RelationKind
    element: Element | None
    detail: str


def _s(text: str) -> Stem:
    return Stem.parse(text)


def _b(text: str) -> Branch:
    return Branch.parse(text)


_E = {e.value: e for e in Element}

STEM_COMBINATIONS: tuple[tuple[str, Element], ...] = (
    ("甲己", Element.EARTH),
    ("乙庚", Element.METAL),
    ("丙辛", Element.WATER),
    ("丁壬", Element.WOOD),
    ("戊癸", Element.FIRE),
)
STEM_CLASHES: tuple[str, ...] = ("甲庚", "乙辛", "丙壬", "丁癸")
SIX_COMBINATIONS: tuple[tuple[str, Element], ...] = (
    ("子丑", Element.EARTH),
    ("寅亥", Element.WOOD),
    ("卯戌", Element.FIRE),
    ("辰酉", Element.METAL),
    ("巳申", Element.WATER),
    ("午未", Element.FIRE),
)
THREE_COMBINATIONS: tuple[tuple[str, Element], ...] = (
    ("申子辰", Element.WATER),
    ("亥卯未", Element.WOOD),
    ("寅午戌", Element.FIRE),
    ("巳酉丑", Element.METAL),
)
DIRECTIONAL_COMBINATIONS: tuple[tuple[str, Element], ...] = (
    ("寅卯辰", Element.WOOD),
    ("巳午未", Element.FIRE),
    ("申酉戌", Element.METAL),
    ("亥子丑", Element.WATER),
)
PUNISHMENT_PAIRS: tuple[tuple[str, str], ...] = (
    ("寅巳", "무은지형(寅巳申)"),
    ("巳申", "무은지형(寅巳申)"),
    ("寅申", "무은지형(寅巳申)"),
    ("丑戌", "지세지형(丑戌未)"),
    ("戌未", "지세지형(丑戌未)"),
    ("丑未", "지세지형(丑戌未)"),
    ("子卯", "무례지형(子卯)"),
    ("辰辰", "자형(自刑)"),
    ("午午", "자형(自刑)"),
    ("酉酉", "자형(自刑)"),
    ("亥亥", "자형(自刑)"),
)
PUNISHMENT_TRIPLES: tuple[tuple[str, str], ...] = (("寅巳申", "무은지형"), ("丑戌未", "지세지형"))
BREAKS: tuple[str, ...] = ("子酉", "丑辰", "寅亥", "卯午", "巳申", "未戌")
HARMS: tuple[str, ...] = ("子未", "丑午", "寅巳", "卯辰", "申亥", "酉戌")
WONJIN: tuple[str, ...] = ("子未", "丑午", "寅酉", "卯申", "辰亥", "巳戌")
_CARDINAL = frozenset({Branch.JA, Branch.O, Branch.MYO, Branch.YU})


def _build_stem_pairs() -> tuple[tuple[tuple[_PairRule, ...], ...], ...]:
    table: dict[tuple[Stem, Stem], list[_PairRule]] = {}
    for pair, element in STEM_COMBINATIONS:
        a, b = _s(pair[0]), _s(pair[1])
        rule = _PairRule(RelationKind.STEM_COMBINE, element, f"{pair}합화{element.value}")
        table.setdefault((a, b), []).append(rule)
        table.setdefault((b, a), []).append(rule)
    for pair in STEM_CLASHES:
        a, b = _s(pair[0]), _s(pair[1])
        rule = _PairRule(RelationKind.STEM_CLASH, None, f"{pair}충")
        table.setdefault((a, b), []).append(rule)
        table.setdefault((b, a), []).append(rule)
    return tuple(tuple(tuple(table.get((a, b), ())) for b in STEMS) for a in STEMS)


def _build_branch_pairs() -> tuple[tuple[tuple[_PairRule, ...], ...], ...]:
    table: dict[tuple[Branch, Branch], list[_PairRule]] = {}

    def add(text: str, rule: _PairRule) -> None:
        a, b = _b(text[0]), _b(text[1])
        table.setdefault((a, b), []).append(rule)
        if a is not b:
            table.setdefault((b, a), []).append(rule)

    for pair, element in SIX_COMBINATIONS:
        add(pair, _PairRule(RelationKind.SIX_COMBINE, element, f"{pair}합{element.value}"))
    for trio, element in THREE_COMBINATIONS:
        for x, y in combinations(trio, 2):
            if _b(x) in _CARDINAL or _b(y) in _CARDINAL:
                add(x + y, _PairRule(RelationKind.HALF_COMBINE, element, f"{trio} 반합"))
    for branch in BRANCHES:
        opposite = Branch.from_index(branch.index + 6)
        if branch.index < opposite.index:
            add(branch.hanja + opposite.hanja, _PairRule(RelationKind.CLASH, None, "육충"))
    for pair, detail in PUNISHMENT_PAIRS:
        add(pair, _PairRule(RelationKind.PUNISHMENT, None, detail))
    for pair in BREAKS:
        add(pair, _PairRule(RelationKind.BREAK, None, "육파"))
    for pair in HARMS:
        add(pair, _PairRule(RelationKind.HARM, None, "육해"))
    for pair in WONJIN:
        add(pair, _PairRule(RelationKind.WONJIN, None, "원진"))
    return tuple(tuple(tuple(table.get((a, b), ())) for b in BRANCHES) for a in BRANCHES)


_STEM_PAIRS = _build_stem_pairs()
_BRANCH_PAIRS = _build_branch_pairs()
_TRIPLES: tuple[tuple[frozenset[Branch], tuple[Branch, ...], RelationKind, Element | None, str], ...] = (
    tuple(
        (
            frozenset(_b(c) for c in trio),
            tuple(_b(c) for c in trio),
            RelationKind.THREE_COMBINE,
            el,
            f"{trio} 삼합",
        )
        for trio, el in THREE_COMBINATIONS
    )
    + tuple(
        (
            frozenset(_b(c) for c in trio),
            tuple(_b(c) for c in trio),
            RelationKind.DIRECTIONAL,
            el,
            f"{trio} 방합",
        )
        for trio, el in DIRECTIONAL_COMBINATIONS
    )
    + tuple(
        (
            frozenset(_b(c) for c in trio),
            tuple(_b(c) for c in trio),
            RelationKind.PUNISHMENT,
            None,
            f"{trio} 삼형({name})",
        )
        for trio, name in PUNISHMENT_TRIPLES
    )
)


def stem_pair_relations(a: Stem, b: Stem) -> tuple[RelationKind, ...]:
    return tuple(rule.kind for rule in _STEM_PAIRS[a.index][b.index])


def branch_pair_relations(a: Branch, b: Branch) -> tuple[RelationKind, ...]:
    return tuple(rule.kind for rule in _BRANCH_PAIRS[a.index][b.index])


# A slot is a labelled character position: ("월", pillar) gives the slots "월간" and "월지".
Slot = tuple[str, Pillar]

_PAIR_CACHE: dict[tuple[str, str, int, int], tuple[Relation, ...]] = {}


def pair_relations(a_label: str, a_index: int, b_label: str, b_index: int) -> tuple[Relation, ...]:
    """Relations between two labelled pillars given by sexagenary index (cached: 60x60 per label pair)."""
    key = (a_label, b_label, a_index, b_index)
    found = _PAIR_CACHE.get(key)
    if found is not None:
        return found
    a, b = PILLARS[a_index], PILLARS[b_index]
    out: list[Relation] = []
    for rule in _STEM_PAIRS[a_index % 10][b_index % 10]:
        out.append(
            Relation(
                rule.kind,
                (a_label + "간", b_label + "간"),
                (a.stem.hanja, b.stem.hanja),
                rule.element,
                rule.detail,
            )
        )
    for rule in _BRANCH_PAIRS[a_index % 12][b_index % 12]:
        out.append(
            Relation(
                rule.kind,
                (a_label + "지", b_label + "지"),
                (a.branch.hanja, b.branch.hanja),
                rule.element,
                rule.detail,
            )
        )
    found = tuple(out)
    _PAIR_CACHE[key] = found
    return found


_ROW_CACHE: dict[tuple[str, str, int], tuple[tuple[Relation, ...], ...]] = {}


def pair_row(label: str, natal_label: str, natal_index: int) -> tuple[tuple[Relation, ...], ...]:
    """Relations of every outside pillar (by index 0..59) with one labelled natal pillar, built once."""
    key = (label, natal_label, natal_index)
    row = _ROW_CACHE.get(key)
    if row is None:
        row = tuple(pair_relations(label, i, natal_label, natal_index) for i in range(60))
        _ROW_CACHE[key] = row
    return row


def triples_against(branch_labels: dict[int, str], label: str, index: int) -> tuple[Relation, ...]:
    b = index % 12
    found = [
        triple_relation(rule, {**branch_labels, b: label})
        for rule in TRIPLES_BY_BRANCH[b]
        if rule[0] in branch_labels and rule[1] in branch_labels
    ]
    return tuple(found)


# For each branch index: the triple rules containing it, as (other1, other2, ordered indices, kind, element, detail).
TripleRule = tuple[int, int, tuple[int, int, int], RelationKind, Element | None, str]
TRIPLES_BY_BRANCH: tuple[tuple[TripleRule, ...], ...] = tuple(
    tuple(
        (
            *(BRANCHES.index(x) for x in ordered if x is not BRANCHES[bi]),
            tuple(BRANCHES.index(x) for x in ordered),
            kind,
            element,
            detail,
        )  # type: ignore[misc]
        for members, ordered, kind, element, detail in _TRIPLES
        if BRANCHES[bi] in members
    )
    for bi in range(12)
)


def triple_relation(rule: TripleRule, labels: dict[int, str]) -> Relation:
    _, _, ordered, kind, element, detail = rule
    return Relation(
        kind,
        tuple(labels[b] + "지" for b in ordered),
        tuple(BRANCHES[b].hanja for b in ordered),
        element,
        detail,
    )


# Bit masks (bit = branch index) of every triple rule: a chart whose branches contain none of them has no triple.
_TRIPLE_MASKS: tuple[int, ...] = tuple(
    sum(1 << BRANCHES.index(b) for b in ordered) for _, ordered, *_ in _TRIPLES
)


# (ordered branches, their slot labels) → the triple relation, so every natal Relation is built once.
_NATAL_TRIPLE_CACHE: dict[tuple[tuple[int, int, int], tuple[str, ...]], Relation] = {}


def relations_among_indices(slots: tuple[tuple[str, int], ...]) -> tuple[Relation, ...]:
    """All pair and triple relations among labelled natal pillars given by sexagenary index."""
    out: tuple[Relation, ...] = ()
    n = len(slots)
    get = _PAIR_CACHE.get
    mask = 0
    for i in range(n):
        la, pa = slots[i]
        mask |= 1 << (pa % 12)
        for j in range(i + 1, n):
            lb, pb = slots[j]
            found = get((la, lb, pa, pb))
            out += pair_relations(la, pa, lb, pb) if found is None else found
    for rule_mask in _TRIPLE_MASKS:
        if mask & rule_mask == rule_mask:
            break
    else:
        return out
    triples: list[Relation] = []
    for trio in combinations(slots, 3):
        labels = {p % 12: label for label, p in trio}
        if len(labels) != 3:
            continue
        first = trio[0][1] % 12
        for rule in TRIPLES_BY_BRANCH[first]:
            if rule[0] in labels and rule[1] in labels:
                key = (rule[2], tuple([labels[b] for b in rule[2]]))
                found_triple = _NATAL_TRIPLE_CACHE.get(key)
                if found_triple is None:
                    found_triple = triple_relation(rule, labels)
                    _NATAL_TRIPLE_CACHE[key] = found_triple
                triples.append(found_triple)
    return out + tuple(triples)


def relations_against_indices(
    natal: tuple[tuple[str, int], ...], branch_labels: dict[int, str], label: str, index: int
) -> tuple[Relation, ...]:
    """Relations an outside pillar makes with the natal pillars. `branch_labels` maps natal branch → slot label."""
    out: list[Relation] = []
    for natal_label, natal_index in natal:
        out.extend(pair_relations(label, index, natal_label, natal_index))
    b = index % 12
    for rule in TRIPLES_BY_BRANCH[b]:
        if rule[0] in branch_labels and rule[1] in branch_labels and rule[0] != rule[1]:
            out.append(triple_relation(rule, {**branch_labels, b: label}))
    return tuple(out)


def _as_indices(slots: Sequence[Slot]) -> tuple[tuple[str, int], ...]:
    return tuple((label, p.index) for label, p in slots)


def relations_among(slots: Sequence[Slot]) -> tuple[Relation, ...]:
    """All pair and triple relations among the given labelled pillars (the natal chart)."""
    return relations_among_indices(_as_indices(slots))


def relations_against(natal: Sequence[Slot], label: str, pillar: Pillar) -> tuple[Relation, ...]:
    """Relations an outside pillar (대운, 세운, 일진 ...) makes with the natal pillars."""
    idx = _as_indices(natal)
    branch_labels: dict[int, str] = {}
    for natal_label, p in idx:
        branch_labels.setdefault(p % 12, natal_label)
    return relations_against_indices(idx, branch_labels, label, pillar.index)
