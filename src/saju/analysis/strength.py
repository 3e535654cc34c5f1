"""Day-master strength (신강·신약): one score, one band, one 종격 decision, used by every section.

Strength method (`STRENGTH_METHOD`): a weighted 8-position score (the common Korean 점수법). Each position has
a weight (`POSITION_WEIGHTS`, 월지 heaviest for 득령); a stem supports the day master fully if it is 비겁 or
인성, a branch supports it by the 월률분야 fraction of its hidden stems that are 비겁 or 인성 — or wholly
by its new element when a 삼합/방합 transformed it (`saju.analysis.combine`). The score is the supporting
percentage of the weights present (a chart without hour normalizes over seven positions). 득령/득지/득세 are
reported as the classic three tests.

종격 (following the dominant force instead of balancing it) is decided here, once: a score below
`JONGGYEOK_LOW` (the day master has almost no support: 종재·종살·종아) or from `JONGGYEOK_HIGH` (almost
nothing opposes it: 종왕·종강). Every other chart, 극신약 and 극신강 included, is balanced (억부).
The 용신 that follows from it is `saju.analysis.yongsin`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

from saju.analysis.hidden import hidden_stems, main_stem
from saju.analysis.tengods import TenGodGroup
from saju.core import BRANCHES, Branch, Pillar

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
BALANCE_POINT = 50.0
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
    jonggyeok: bool  # the chart follows its dominant force (종격) — the decision every section uses

    @property
    def leans_strong(self) -> bool:
        """The side 억부 balances from: 50 and above is drained/controlled, below it is supported."""
        return self.score >= BALANCE_POINT

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


def strength_from_indices(
    indices: Sequence[tuple[str, int]], transformed: Mapping[str, int] | None = None
) -> Strength:
    """Strength from (label, sexagenary index) slots; labels 년 월 일 [시]. `transformed` maps the label of a
    branch that a 삼합/방합 turned into another element (`saju.analysis.combine`) to that element's index:
    such a branch counts wholly as that element."""
    by_label = dict(indices)
    e = by_label["일"] % 10 // 2
    stem_group = _STEM_GROUP[e]
    contrib = _BRANCH_GROUP_CONTRIB[e]
    main_group = _MAIN_GROUP[e]
    changed = transformed or _NONE
    # Per slot: its branch's contribution row and the group of its 정기 (a transformed branch: wholly one group).
    rows = (
        {
            label: (_WHOLE_ROWS[label][(changed[label] - e) % 5], (changed[label] - e) % 5)
            if label in changed
            else (contrib[label][i % 12], main_group[i % 12])
            for label, i in indices
        }
        if changed
        else None
    )
    g0 = g1 = g2 = g3 = g4 = 0.0
    present = 0.0
    support_count = 0
    others = 0
    stem_weights = [0.0] * 5
    for label, i in indices:
        if rows is None:
            row, mg = contrib[label][i % 12], main_group[i % 12]
        else:
            row, mg = rows[label]
        if label != "일":
            w = _STEM_W[label]
            present += w
            g = stem_group[i % 10]
            stem_weights[g] += w
            others += 1
            support_count += g == 0 or g == 4
            if label != "월":
                others += 1
                support_count += mg == 0 or mg == 4
        present += _BRANCH_W[label]
        f0, f1, f2, f3, f4 = row
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
    month_group = main_group[by_label["월"] % 12] if rows is None else rows["월"][1]
    day_group = main_group[by_label["일"] % 12] if rows is None else rows["일"][1]
    return Strength(
        score=score,
        band=_band(score),
        deukryeong=month_group in _SUPPORT_GROUPS,
        deukji=day_group in _SUPPORT_GROUPS,
        deukse=2 * support_count >= others,
        group_weights=tuple(round(g, 2) for g in groups),
        jonggyeok=score < JONGGYEOK_LOW or score >= JONGGYEOK_HIGH,
    )


_NONE: Mapping[str, int] = {}
# [branch label][group] → a branch counted wholly as that group (a transformed 삼합/방합 member), weighted.
_WHOLE_ROWS: dict[str, tuple[tuple[float, ...], ...]] = {
    label: tuple(tuple(w if k == g else 0.0 for k in range(5)) for g in range(5))
    for label, w in _BRANCH_W.items()
}


def day_master_strength(slots: Sequence[tuple[str, Pillar]]) -> Strength:
    return strength_from_indices(tuple((label, p.index) for label, p in slots))
