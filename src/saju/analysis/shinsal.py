"""신살 (auspicious and inauspicious stars), each with the rule it uses.

Every rule below is the one found in Korean 명리 textbooks (연해자평 / 삼명통회 tables, as taught in
modern Korean practice). Where schools differ, the rule text says which variant is used. The rule text
is part of the output so a reader can check it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from saju.analysis.stages import Stage, stage
from saju.core import BRANCHES, STEMS, Branch, Pillar, Stem


class Nature(Enum):
    AUSPICIOUS = "길신"
    MIXED = "중성"
    CHALLENGING = "흉신"


@dataclass(frozen=True, slots=True)
class ShinsalRule:
    key: str
    name: str
    hanja: str
    nature: Nature
    rule: str


@dataclass(frozen=True, slots=True)
class ShinsalHit:
    """A star found in the chart: which rule, read from which basis, landing on which slots."""

    rule: ShinsalRule
    basis: str
    slots: tuple[str, ...]

    @property
    def key(self) -> str:
        return self.rule.key


def _r(key: str, name: str, hanja: str, nature: Nature, rule: str) -> ShinsalRule:
    return ShinsalRule(key, name, hanja, nature, rule)


CHEONEUL = _r(
    "cheoneul",
    "천을귀인",
    "天乙貴人",
    Nature.AUSPICIOUS,
    "일간 기준: 甲戊庚→丑未, 乙己→子申, 丙丁→亥酉, 辛→寅午, 壬癸→巳卯 (지지에 있으면 성립)",
)
MUNCHANG = _r(
    "munchang",
    "문창귀인",
    "文昌貴人",
    Nature.AUSPICIOUS,
    "일간 기준: 甲→巳, 乙→午, 丙·戊→申, 丁·己→酉, 庚→亥, 辛→子, 壬→寅, 癸→卯",
)
HAKDANG = _r(
    "hakdang",
    "학당귀인",
    "學堂貴人",
    Nature.AUSPICIOUS,
    "일간의 12운성 장생지가 지지에 있으면 성립 (甲→亥, 丙·戊→寅, 庚→巳, 壬→申, 乙→午, 丁·己→酉, 辛→子, 癸→卯)",
)
WOLDEOK = _r(
    "woldeok",
    "월덕귀인",
    "月德貴人",
    Nature.AUSPICIOUS,
    "월지 삼합 기준: 寅午戌→丙, 申子辰→壬, 亥卯未→甲, 巳酉丑→庚 (천간에 있으면 성립)",
)
CHEONDEOK = _r(
    "cheondeok",
    "천덕귀인",
    "天德貴人",
    Nature.AUSPICIOUS,
    "월지 기준: 寅→丁 卯→申 辰→壬 巳→辛 午→亥 未→甲 申→癸 酉→寅 戌→丙 亥→乙 子→巳 丑→庚 (간지 어디든)",
)
DOHWA = _r(
    "dohwa",
    "도화살",
    "桃花殺",
    Nature.MIXED,
    "년지·일지의 삼합 기준: 申子辰→酉, 寅午戌→卯, 巳酉丑→午, 亥卯未→子 (다른 지지에 있으면 성립)",
)
YEOKMA = _r(
    "yeokma",
    "역마살",
    "驛馬殺",
    Nature.MIXED,
    "년지·일지의 삼합 기준: 申子辰→寅, 寅午戌→申, 巳酉丑→亥, 亥卯未→巳",
)
HWAGAE = _r(
    "hwagae",
    "화개살",
    "華蓋殺",
    Nature.MIXED,
    "년지·일지의 삼합 기준: 申子辰→辰, 寅午戌→戌, 巳酉丑→丑, 亥卯未→未",
)
YANGIN = _r(
    "yangin",
    "양인살",
    "羊刃殺",
    Nature.CHALLENGING,
    "양간 일간만 적용(음간 양인은 학파마다 달라 쓰지 않음): 甲→卯, 丙·戊→午, 庚→酉, 壬→子",
)
BAEKHO = _r(
    "baekho",
    "백호대살",
    "白虎大殺",
    Nature.CHALLENGING,
    "기둥 자체가 甲辰·乙未·丙戌·丁丑·戊辰·壬戌·癸丑 중 하나",
)
GOEGANG = _r(
    "goegang",
    "괴강살",
    "魁罡殺",
    Nature.MIXED,
    "기둥 자체가 庚辰·庚戌·壬辰·壬戌·戊戌 중 하나 (일주에 있을 때 가장 강하게 봄)",
)
HONGYEOM = _r(
    "hongyeom",
    "홍염살",
    "紅艶殺",
    Nature.MIXED,
    "일간 기준: 甲·乙→午, 丙→寅, 丁→未, 戊·己→辰, 庚→戌, 辛→酉, 壬→子, 癸→申",
)
GWIMUN = _r(
    "gwimun",
    "귀문관살",
    "鬼門關殺",
    Nature.MIXED,
    "일지와 다른 지지의 짝: 子酉, 丑午, 寅未, 卯申, 辰亥, 巳戌",
)
HYEONCHIM = _r(
    "hyeonchim",
    "현침살",
    "懸針殺",
    Nature.MIXED,
    "甲·辛·卯·午·申 글자가 일주에 있거나 원국에 둘 이상 있을 때",
)

SHINSAL_RULES: tuple[ShinsalRule, ...] = (
    CHEONEUL,
    MUNCHANG,
    HAKDANG,
    WOLDEOK,
    CHEONDEOK,
    DOHWA,
    YEOKMA,
    HWAGAE,
    YANGIN,
    BAEKHO,
    GOEGANG,
    HONGYEOM,
    GWIMUN,
    HYEONCHIM,
)


def _stems(text: str) -> tuple[Stem, ...]:
    return tuple(Stem.parse(c) for c in text)


def _branches(text: str) -> frozenset[Branch]:
    return frozenset(Branch.parse(c) for c in text)


CHEONEUL_TABLE: dict[Stem, frozenset[Branch]] = {
    **{s: _branches("丑未") for s in _stems("甲戊庚")},
    **{s: _branches("子申") for s in _stems("乙己")},
    **{s: _branches("亥酉") for s in _stems("丙丁")},
    Stem.SIN: _branches("寅午"),
    **{s: _branches("巳卯") for s in _stems("壬癸")},
}
MUNCHANG_TABLE: dict[Stem, Branch] = dict(
    zip(_stems("甲乙丙丁戊己庚辛壬癸"), (Branch.parse(c) for c in "巳午申酉申酉亥子寅卯"), strict=True)
)
HONGYEOM_TABLE: dict[Stem, Branch] = dict(
    zip(_stems("甲乙丙丁戊己庚辛壬癸"), (Branch.parse(c) for c in "午午寅未辰辰戌酉子申"), strict=True)
)
YANGIN_TABLE: dict[Stem, Branch] = dict(
    zip(_stems("甲丙戊庚壬"), (Branch.parse(c) for c in "卯午午酉子"), strict=True)
)
BAEKHO_PILLARS = frozenset(Pillar.parse(p) for p in ("甲辰", "乙未", "丙戌", "丁丑", "戊辰", "壬戌", "癸丑"))
GOEGANG_PILLARS = frozenset(Pillar.parse(p) for p in ("庚辰", "庚戌", "壬辰", "壬戌", "戊戌"))
GWIMUN_PAIRS = frozenset(frozenset(_branches(p)) for p in ("子酉", "丑午", "寅未", "卯申", "辰亥", "巳戌"))
HYEONCHIM_CHARS = frozenset("甲辛卯午申")
CHEONDEOK_TABLE: dict[Branch, str] = dict(zip(BRANCHES, "巳庚丁申壬辛亥甲癸寅丙乙", strict=True))


def _trine_head(branch: Branch) -> int:
    """0..3 index of the 삼합 group (申子辰=0, 寅午戌=1, 巳酉丑=2, 亥卯未=3) by branch."""
    return _TRINE_OF[branch.index]


# 子0 丑2 寅1 卯3 辰0 巳2 午1 未3 申0 酉2 戌1 亥3
_TRINE_OF: tuple[int, ...] = (0, 2, 1, 3, 0, 2, 1, 3, 0, 2, 1, 3)
DOHWA_BY_TRINE: tuple[Branch, ...] = (Branch.YU, Branch.MYO, Branch.O, Branch.JA)
YEOKMA_BY_TRINE: tuple[Branch, ...] = (Branch.IN, Branch.SHIN, Branch.HAE, Branch.SA)
HWAGAE_BY_TRINE: tuple[Branch, ...] = (Branch.JIN, Branch.SUL, Branch.CHUK, Branch.MI)
WOLDEOK_BY_TRINE: tuple[Stem, ...] = (Stem.IM, Stem.BYEONG, Stem.GYEONG, Stem.GAP)

# 12신살 in order, starting with 겁살 which falls three branches before the group's 지살 (the 장생 branch).
TWELVE_SHINSAL_NAMES: tuple[str, ...] = (
    "겁살",
    "재살",
    "천살",
    "지살",
    "연살(도화)",
    "월살",
    "망신살",
    "장성살",
    "반안살",
    "역마살",
    "육해살",
    "화개살",
)
_JISAL_BY_TRINE: tuple[Branch, ...] = (Branch.SHIN, Branch.IN, Branch.SA, Branch.HAE)
TWELVE_SHINSAL_RULE = "삼합 그룹의 지살(장생지)에서 세 자리 앞이 겁살, 이후 재살·천살·지살·연살·월살·망신·장성·반안·역마·육해·화개 순"


def _twelve(basis: int, target: int) -> str:
    geopsal = BRANCHES.index(_JISAL_BY_TRINE[_TRINE_OF[basis]]) - 3
    return TWELVE_SHINSAL_NAMES[(target - geopsal) % 12]


TWELVE_SHINSAL_TABLE: tuple[tuple[str, ...], ...] = tuple(
    tuple(_twelve(a, b) for b in range(12)) for a in range(12)
)


def twelve_shinsal(basis: Branch, target: Branch) -> str:
    """12신살 name of `target` read from `basis` (년지 or 일지)."""
    return TWELVE_SHINSAL_TABLE[basis.index][target.index]


def _ints(stems: dict[Stem, Branch]) -> tuple[int, ...]:
    return tuple(BRANCHES.index(stems[st]) if st in stems else -1 for st in STEMS)


_CHEONEUL_I: tuple[frozenset[int], ...] = tuple(
    frozenset(BRANCHES.index(b) for b in CHEONEUL_TABLE[st]) for st in STEMS
)
_MUNCHANG_I = _ints(MUNCHANG_TABLE)
_HONGYEOM_I = _ints(HONGYEOM_TABLE)
_YANGIN_I = _ints(YANGIN_TABLE)
_HAKDANG_I: tuple[int, ...] = tuple(
    next(b for b in range(12) if stage(st, BRANCHES[b]) is Stage.JANGSAENG) for st in STEMS
)
_WOLDEOK_I: tuple[int, ...] = tuple(STEMS.index(w) for w in WOLDEOK_BY_TRINE)
_DOHWA_I = tuple(BRANCHES.index(b) for b in DOHWA_BY_TRINE)
_YEOKMA_I = tuple(BRANCHES.index(b) for b in YEOKMA_BY_TRINE)
_HWAGAE_I = tuple(BRANCHES.index(b) for b in HWAGAE_BY_TRINE)
_BAEKHO_I = frozenset(p.index for p in BAEKHO_PILLARS)
_GOEGANG_I = frozenset(p.index for p in GOEGANG_PILLARS)
_GWIMUN_I = frozenset(frozenset(BRANCHES.index(b) for b in pair) for pair in GWIMUN_PAIRS)
_HYEONCHIM_STEMS = frozenset(STEMS.index(Stem.parse(c)) for c in "甲辛")
_HYEONCHIM_BRANCHES = frozenset(BRANCHES.index(Branch.parse(c)) for c in "卯午申")
_CHEONDEOK_I: tuple[tuple[int, int], ...] = tuple(
    (STEMS.index(Stem.parse(c)), -1) if c in "甲乙丙丁戊己庚辛壬癸" else (-1, BRANCHES.index(Branch.parse(c)))
    for c in (CHEONDEOK_TABLE[b] for b in BRANCHES)
)


def find_shinsal(slots: Sequence[tuple[str, Pillar]]) -> tuple[ShinsalHit, ...]:
    """All stars in a natal chart. `slots` are (label, pillar) with labels 년/월/일/시; 일 and 월 must be present."""
    return find_shinsal_indices(tuple((label, p.index) for label, p in slots))


# Day master × branch → the day-stem stars that branch triggers (천을, 문창, 학당, 양인, 홍염), built once.
_DM_BRANCH_RULES: tuple[tuple[tuple[ShinsalRule, ...], ...], ...] = tuple(
    tuple(
        tuple(
            rule
            for rule, ok in (
                (CHEONEUL, b in _CHEONEUL_I[dm]),
                (MUNCHANG, b == _MUNCHANG_I[dm]),
                (HAKDANG, b == _HAKDANG_I[dm]),
                (YANGIN, b == _YANGIN_I[dm]),
                (HONGYEOM, b == _HONGYEOM_I[dm]),
            )
            if ok
        )
        for b in range(12)
    )
    for dm in range(10)
)
_TRINE_RULES: tuple[tuple[tuple[ShinsalRule, int], ...], ...] = tuple(
    ((DOHWA, _DOHWA_I[h]), (YEOKMA, _YEOKMA_I[h]), (HWAGAE, _HWAGAE_I[h])) for h in range(4)
)
_RULE_ORDER: dict[str, int] = {rule.key: k for k, rule in enumerate(SHINSAL_RULES)}


class _Suffixed(dict[str, str]):
    """Slot names by label (년 → 년지), precomputed for the four positions; any other label is built."""

    def __init__(self, suffix: str) -> None:
        super().__init__((label, label + suffix) for label in ("년", "월", "일", "시"))
        self.suffix = suffix

    def __missing__(self, label: str) -> str:
        return label + self.suffix


_JI = _Suffixed("지")
_GAN = _Suffixed("간")
_JU = _Suffixed("주")
_DM_BASIS: tuple[str, ...] = tuple(f"일간 {s.hanja}" for s in STEMS)
_MONTH_BASIS: tuple[str, ...] = tuple(f"월지 {b.hanja}" for b in BRANCHES)
_DAY_BRANCH_BASIS: tuple[str, ...] = tuple(f"일지 {b.hanja}" for b in BRANCHES)
_TRINE_BASIS: dict[str, tuple[str, ...]] = {
    base: tuple(f"{base}지 {b.hanja}" for b in BRANCHES) for base in ("년", "일")
}
_GWIMUN_WITH: tuple[int, ...] = tuple(
    next(x for x in range(12) if frozenset((x, db)) in _GWIMUN_I) for db in range(12)
)
_RULE_POS: dict[str, int] = _RULE_ORDER
# Identical hits recur across charts (a rule, its basis, the same slots): built once each.
_HIT_CACHE: dict[tuple[str, str, tuple[str, ...]], ShinsalHit] = {}


def _hit(rule: ShinsalRule, basis: str, where: tuple[str, ...]) -> ShinsalHit:
    key = (rule.key, basis, where)
    found = _HIT_CACHE.get(key)
    if found is None:
        found = ShinsalHit(rule, basis, where)
        _HIT_CACHE[key] = found
    return found


def _day_master_hits(slots: Sequence[tuple[str, int]], dm: int) -> list[ShinsalHit]:
    """Stars read from the day master against each branch (one hit per star, with all its branches)."""
    by_dm: dict[str, tuple[ShinsalRule, list[str]]] = {}
    rules_of = _DM_BRANCH_RULES[dm]
    for label, i in slots:
        for rule in rules_of[i % 12]:
            entry = by_dm.get(rule.key)
            if entry is None:
                by_dm[rule.key] = (rule, [_JI[label]])
            else:
                entry[1].append(_JI[label])
    basis = _DM_BASIS[dm]
    return [_hit(rule, basis, tuple(where)) for rule, where in by_dm.values()]


def _trine_hits(slots: Sequence[tuple[str, int]], by_label: dict[str, int]) -> list[ShinsalHit]:
    """Stars read from the year's and the day's branch trine against the other branches."""
    hits: list[ShinsalHit] = []
    for base_label in ("년", "일"):
        base = by_label.get(base_label)
        if base is None:
            continue
        for rule, target in _TRINE_RULES[_TRINE_OF[base % 12]]:
            where = tuple([_JI[label] for label, i in slots if i % 12 == target and label != base_label])
            if where:
                hits.append(_hit(rule, _TRINE_BASIS[base_label][base % 12], where))
    return hits


def find_shinsal_indices(slots: Sequence[tuple[str, int]]) -> tuple[ShinsalHit, ...]:
    """`find_shinsal` on (label, sexagenary index) slots."""
    by_label = dict(slots)
    day = by_label["일"]
    month = by_label["월"]
    dm = day % 10
    db = day % 12
    mb = month % 12
    hits = _day_master_hits(slots, dm)
    woldeok = _WOLDEOK_I[_TRINE_OF[mb]]
    where = tuple([_GAN[label] for label, i in slots if i % 10 == woldeok])
    month_basis = _MONTH_BASIS[mb]
    if where:
        hits.append(_hit(WOLDEOK, month_basis, where))
    cd_stem, cd_branch = _CHEONDEOK_I[mb]
    where = tuple(
        [
            _GAN[label] if i % 10 == cd_stem else _JI[label]
            for label, i in slots
            # 간지 어디든, the month pillar included (its stem can be the 천덕 stem: 壬辰 辛巳 丙戌 乙亥); the
            # month branch itself never equals its own 천덕 branch.
            if i % 10 == cd_stem or i % 12 == cd_branch
        ]
    )
    if where:
        hits.append(_hit(CHEONDEOK, month_basis, where))
    hits.extend(_trine_hits(slots, by_label))
    for label, i in slots:
        if i in _BAEKHO_I:
            hits.append(_hit(BAEKHO, "기둥", (_JU[label],)))
        if i in _GOEGANG_I:
            hits.append(_hit(GOEGANG, "기둥", (_JU[label],)))
    partner = _GWIMUN_WITH[db]
    where = tuple([_JI[label] for label, i in slots if label != "일" and i % 12 == partner])
    if where:
        hits.append(_hit(GWIMUN, _DAY_BRANCH_BASIS[db], ("일지", *where)))
    needles = tuple([_GAN[label] for label, i in slots if i % 10 in _HYEONCHIM_STEMS]) + tuple(
        [_JI[label] for label, i in slots if i % 12 in _HYEONCHIM_BRANCHES]
    )
    if len(needles) >= 2 or any(slot.startswith("일") for slot in needles):
        hits.append(_hit(HYEONCHIM, "글자 모양", needles))
    if len(hits) > 1:
        hits.sort(key=lambda h: _RULE_POS[h.rule.key])
    return _merge_pillar_hits(hits)


def _merge_pillar_hits(hits: list[ShinsalHit]) -> tuple[ShinsalHit, ...]:
    # 백호/괴강 are found per pillar; report each star once with all its pillars.
    out: list[ShinsalHit] = []
    for h in hits:
        if out and h.basis == "기둥" and out[-1].rule is h.rule:
            out[-1] = ShinsalHit(h.rule, h.basis, out[-1].slots + h.slots)
        else:
            out.append(h)
    return tuple(out)


def shinsal_of_branch(
    day_master: Stem, year_branch: Branch, day_branch: Branch, branch: Branch
) -> tuple[ShinsalRule, ...]:
    """Stars an outside branch (세운, 일진 ...) brings to this chart: the branch-based rules only."""
    found: list[ShinsalRule] = []
    if branch in CHEONEUL_TABLE[day_master]:
        found.append(CHEONEUL)
    if branch is MUNCHANG_TABLE[day_master]:
        found.append(MUNCHANG)
    heads = {_trine_head(year_branch), _trine_head(day_branch)}
    for rule, table in ((DOHWA, DOHWA_BY_TRINE), (YEOKMA, YEOKMA_BY_TRINE), (HWAGAE, HWAGAE_BY_TRINE)):
        if any(table[h] is branch for h in heads):
            found.append(rule)
    if YANGIN_TABLE.get(day_master) is branch:
        found.append(YANGIN)
    if HONGYEOM_TABLE[day_master] is branch:
        found.append(HONGYEOM)
    return tuple(found)
