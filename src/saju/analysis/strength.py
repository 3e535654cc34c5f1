"""Day-master strength (신강·신약) and 용신 candidates.

Strength method (`STRENGTH_METHOD`): a weighted 8-position score (the common Korean 점수법). Each position has
a weight (`POSITION_WEIGHTS`, 월지 heaviest for 득령); a stem supports the day master fully if it is 비겁 or
인성, a branch supports it by the 월률분야 fraction of its hidden stems that are 비겁 or 인성. The score is
the supporting percentage of the weights present (a chart without hour normalizes over seven positions).
득령/득지/득세 are reported as the classic three tests.

용신 method: 억부(抑扶) first — a strong day master is drained or controlled by the group that answers its
strongest support, a weak one is helped against its heaviest burden — then 조후(調候) for charts born in
deep winter or high summer. Extreme scores are flagged as 종격 candidates (then the dominant force is
followed instead), which a human should confirm.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from saju.analysis.hidden import hidden_stems, main_stem
from saju.analysis.tengods import TenGodGroup, element_group, group_element
from saju.core import BRANCHES, Branch, Element, Pillar, Stem

POSITION_WEIGHTS: dict[str, float] = {
    "년간": 8.0,
    "월간": 12.0,
    "시간": 10.0,
    "년지": 8.0,
    "월지": 30.0,
    "일지": 18.0,
    "시지": 14.0,
}
STRENGTH_METHOD = (
    "8자 위치 가중 점수법(월지 30·일지 18·시지 14·월간 12·시간 10·년간 8·년지 8, 지지는 지장간 비율)"
)
YONGSIN_METHOD = "억부법 우선, 한겨울·한여름 생은 조후법 병기(이미 과다한 오행은 보조 후보에서 제외), 극단 점수는 종격 검토"


class StrengthBand(Enum):
    EXTREMELY_WEAK = "극신약"
    WEAK = "신약"
    BALANCED = "중화"
    STRONG = "신강"
    EXTREMELY_STRONG = "극신강"


# Upper bounds (exclusive) of each band on the 0..100 support score, weakest first.
STRENGTH_BAND_LIMITS: tuple[tuple[float, StrengthBand], ...] = (
    (20.0, StrengthBand.EXTREMELY_WEAK),
    (40.0, StrengthBand.WEAK),
    (55.0, StrengthBand.BALANCED),
    (75.0, StrengthBand.STRONG),
    (float("inf"), StrengthBand.EXTREMELY_STRONG),
)
JONGGYEOK_LOW = 10.0
JONGGYEOK_HIGH = 90.0
WINTER = frozenset({Branch.HAE, Branch.JA, Branch.CHUK})
SUMMER = frozenset({Branch.SA, Branch.O, Branch.MI})
_SUPPORT = frozenset({TenGodGroup.BIGEOP, TenGodGroup.INSEONG})


@dataclass(frozen=True, slots=True)
class Strength:
    score: float
    band: StrengthBand
    deukryeong: bool  # 월지 정기가 비겁/인성
    deukji: bool  # 일지 정기가 비겁/인성
    deukse: bool  # 나머지 천간·지지 정기 중 절반 이상이 비겁/인성
    group_weights: tuple[float, ...]  # weighted score per TenGodGroup (order of TenGodGroup), all 8 positions
    jonggyeok_candidate: bool

    @property
    def is_strong(self) -> bool:
        return self.band in (StrengthBand.STRONG, StrengthBand.EXTREMELY_STRONG)

    @property
    def is_weak(self) -> bool:
        return self.band in (StrengthBand.WEAK, StrengthBand.EXTREMELY_WEAK)

    def group_weight(self, group: TenGodGroup) -> float:
        return self.group_weights[_GROUPS.index(group)]


_GROUPS: tuple[TenGodGroup, ...] = tuple(TenGodGroup)


def _band(score: float) -> StrengthBand:
    for limit, band in STRENGTH_BAND_LIMITS:
        if score < limit:
            return band
    return StrengthBand.EXTREMELY_STRONG


# Per day-master element (0..4): the group (0 비겁 .. 4 인성) of each stem, the hidden-stem group fractions
# of each branch, and the group of each branch's 정기 — so the score is a few table lookups per position.
_STEM_GROUP: tuple[tuple[int, ...], ...] = tuple(tuple((s // 2 - e) % 5 for s in range(10)) for e in range(5))
_BRANCH_GROUP_FRACTIONS: tuple[tuple[tuple[float, ...], ...], ...] = tuple(
    tuple(
        tuple(sum(h.weight for h in hidden_stems(b) if (h.stem.element.index - e) % 5 == g) for g in range(5))
        for b in BRANCHES
    )
    for e in range(5)
)
_MAIN_GROUP: tuple[tuple[int, ...], ...] = tuple(
    tuple((main_stem(b).element.index - e) % 5 for b in BRANCHES) for e in range(5)
)
_SUPPORT_GROUPS = frozenset({0, 4})


_STEM_W: dict[str, float] = {label[0]: w for label, w in POSITION_WEIGHTS.items() if label.endswith("간")}
_BRANCH_W: dict[str, float] = {label[0]: w for label, w in POSITION_WEIGHTS.items() if label.endswith("지")}


# [day-master element][branch label][branch] → position weight × group fraction (the products the score adds).
_BRANCH_GROUP_CONTRIB: tuple[dict[str, tuple[tuple[float, ...], ...]], ...] = tuple(
    {
        label: tuple(tuple(w * f for f in fr) for fr in _BRANCH_GROUP_FRACTIONS[e])
        for label, w in _BRANCH_W.items()
    }
    for e in range(5)
)


def strength_from_indices(indices: Sequence[tuple[str, int]]) -> Strength:
    """Strength from (label, sexagenary index) slots; labels 년 월 일 [시]."""
    by_label = dict(indices)
    e = by_label["일"] % 10 // 2
    stem_group = _STEM_GROUP[e]
    contrib = _BRANCH_GROUP_CONTRIB[e]
    main_group = _MAIN_GROUP[e]
    g0 = g1 = g2 = g3 = g4 = 0.0
    present = 0.0
    support_count = 0
    others = 0
    stem_weights = [0.0] * 5
    for label, i in indices:
        if label != "일":
            w = _STEM_W[label]
            present += w
            g = stem_group[i % 10]
            stem_weights[g] += w
            others += 1
            support_count += g == 0 or g == 4
            if label != "월":
                others += 1
                mg = main_group[i % 12]
                support_count += mg == 0 or mg == 4
        w = _BRANCH_W[label]
        present += w
        f0, f1, f2, f3, f4 = contrib[label][i % 12]
        g0 += f0
        g1 += f1
        g2 += f2
        g3 += f3
        g4 += f4
    groups = (
        g0 + stem_weights[0],
        g1 + stem_weights[1],
        g2 + stem_weights[2],
        g3 + stem_weights[3],
        g4 + stem_weights[4],
    )
    score = round(100.0 * (groups[0] + groups[4]) / present, 1)
    return Strength(
        score=score,
        band=_band(score),
        deukryeong=main_group[by_label["월"] % 12] in _SUPPORT_GROUPS,
        deukji=main_group[by_label["일"] % 12] in _SUPPORT_GROUPS,
        deukse=2 * support_count >= others,
        group_weights=tuple(round(g, 2) for g in groups),
        jonggyeok_candidate=score < JONGGYEOK_LOW or score >= JONGGYEOK_HIGH,
    )


def day_master_strength(slots: Sequence[tuple[str, Pillar]]) -> Strength:
    return strength_from_indices(tuple((label, p.index) for label, p in slots))


@dataclass(frozen=True, slots=True)
class YongsinCandidate:
    element: Element
    group: TenGodGroup
    method: str  # "억부", "조후", "종격"
    reason: str  # Korean, one sentence


@dataclass(frozen=True, slots=True)
class Yongsin:
    candidates: tuple[YongsinCandidate, ...]
    heesin: Element  # 희신: the element that feeds the first candidate
    gisin: Element  # 기신: the element that attacks the first candidate
    method: str

    @property
    def primary(self) -> YongsinCandidate:
        return self.candidates[0]


def _candidate(dm: Stem, group: TenGodGroup, method: str, reason: str) -> YongsinCandidate:
    return YongsinCandidate(group_element(dm, group), group, method, reason)


_ELEMENTS: tuple[Element, ...] = tuple(Element)


def _producer(element: Element) -> Element:
    return _ELEMENTS[(_ELEMENTS.index(element) + 4) % 5]


# Decision → result: 용신 depends on the day master, the season of the month branch, which 억부 branch the
# strength takes (and, for 종격, the score quoted in the reason) and the excess elements, never on more.
_YONGSIN_CACHE: dict[tuple[object, ...], Yongsin] = {}


def yongsin(
    day_master: Stem, month_branch: Branch, strength: Strength, excess: frozenset[Element] = frozenset()
) -> Yongsin:
    """용신 candidates. Secondary candidates (and 조후) whose element is already in excess are dropped."""
    g = strength.group_weights
    band = strength.band
    # Mirrors the branches of `_yongsin_uncached`: the comparisons it makes, nothing else.
    strong = (
        band is StrengthBand.STRONG
        or band is StrengthBand.EXTREMELY_STRONG
        or (band is StrengthBand.BALANCED and strength.score >= 50.0)
    )
    if strong:
        path: object = g[4] > g[0]
    else:
        path = max((1, 2, 3), key=lambda k: (g[k], -k))
    extreme = None
    if strength.jonggyeok_candidate:
        extreme = (strength.score, max(range(5), key=lambda k: (g[k], -k)))
    key = (day_master, month_branch in WINTER, month_branch in SUMMER, strong, path, extreme, excess)
    found = _YONGSIN_CACHE.get(key)
    if found is None:
        found = _yongsin_uncached(day_master, month_branch, strength, excess)
        _YONGSIN_CACHE[key] = found
    return found


def _yongsin_uncached(
    day_master: Stem, month_branch: Branch, strength: Strength, excess: frozenset[Element]
) -> Yongsin:
    g = strength.group_weight
    cands: list[YongsinCandidate] = []
    if strength.jonggyeok_candidate:
        dominant = max(_GROUPS, key=lambda grp: (g(grp), -_GROUPS.index(grp)))
        cands.append(
            _candidate(
                day_master,
                dominant,
                "종격",
                f"점수가 {strength.score}로 극단적이어서 가장 강한 {dominant.value}의 흐름을 따르는 종격일 수 있습니다",
            )
        )
    if strength.is_strong or (strength.band is StrengthBand.BALANCED and strength.score >= 50.0):
        if g(TenGodGroup.INSEONG) > g(TenGodGroup.BIGEOP):
            cands.append(
                _candidate(
                    day_master,
                    TenGodGroup.JAESEONG,
                    "억부",
                    "인성이 과해 일간이 무거우니 재성으로 인성을 눌러 줍니다",
                )
            )
            cands.append(
                _candidate(day_master, TenGodGroup.SIKSANG, "억부", "식상으로 기운을 밖으로 풀어 줍니다")
            )
        else:
            cands.append(
                _candidate(
                    day_master, TenGodGroup.GWANSEONG, "억부", "비겁이 많아 관성으로 일간을 다스려 줍니다"
                )
            )
            cands.append(
                _candidate(day_master, TenGodGroup.SIKSANG, "억부", "식상으로 넘치는 힘을 설기합니다")
            )
    else:
        burdens = (TenGodGroup.SIKSANG, TenGodGroup.JAESEONG, TenGodGroup.GWANSEONG)
        heaviest = max(burdens, key=lambda grp: (g(grp), -_GROUPS.index(grp)))
        if heaviest is TenGodGroup.JAESEONG:
            cands.append(
                _candidate(
                    day_master,
                    TenGodGroup.BIGEOP,
                    "억부",
                    "재성이 무거워 비겁으로 일간을 받쳐 재물을 감당하게 합니다",
                )
            )
            cands.append(_candidate(day_master, TenGodGroup.INSEONG, "억부", "인성으로 일간에 힘을 더합니다"))
        else:
            name = heaviest.value
            cands.append(
                _candidate(
                    day_master,
                    TenGodGroup.INSEONG,
                    "억부",
                    f"{name}에 힘이 빠지니 인성으로 일간을 생해 줍니다",
                )
            )
            cands.append(
                _candidate(day_master, TenGodGroup.BIGEOP, "억부", "비겁으로 일간의 뿌리를 보탭니다")
            )
    if month_branch in WINTER:
        cands.append(
            YongsinCandidate(
                Element.FIRE,
                element_group(day_master, Element.FIRE),
                "조후",
                "한겨울 생이라 화(火)로 온기를 보태야 합니다",
            )
        )
    elif month_branch in SUMMER:
        cands.append(
            YongsinCandidate(
                Element.WATER,
                element_group(day_master, Element.WATER),
                "조후",
                "한여름 생이라 수(水)로 열기를 식혀야 합니다",
            )
        )
    first = cands[0].element
    kept = [cands[0], *(c for c in cands[1:] if c.element not in excess)]
    return Yongsin(
        candidates=tuple(kept),
        heesin=_producer(first),
        gisin=_ELEMENTS[(_ELEMENTS.index(first) + 3) % 5],
        method=YONGSIN_METHOD,
    )
