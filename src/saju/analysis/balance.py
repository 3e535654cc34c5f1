"""오행 balance: surface counts and weighted shares.

Method (`BALANCE_METHOD`): every visible stem weighs 1; every branch weighs 1 split over its hidden stems by
the 월률분야 day fractions; the month branch weighs `MONTH_BRANCH_WEIGHT` because the season (월령) governs
the chart. Shares are percentages of the total. An element is "excess" from `EXCESS_SHARE`, "weak" below
`WEAK_SHARE`, and "absent" when no visible character carries it (무X — the way Korean readers speak of
"무관", "무재" and so on).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from saju.analysis.hidden import hidden_stems
from saju.core import BRANCHES, Element, Pillar

STEM_WEIGHT = 1.0
BRANCH_WEIGHT = 1.0
MONTH_BRANCH_WEIGHT = 2.0
EXCESS_SHARE = 30.0
WEAK_SHARE = 10.0
BALANCE_METHOD = (
    "천간 1, 지지 1(월지 2)을 지장간 월률분야 일수 비율로 나눠 합산(삼합·방합으로 변한 지지는 그 오행으로); "
    "30% 이상 과다, 10% 미만 부족, 드러난 글자 0개는 무(無)"
)
ELEMENTS: tuple[Element, ...] = tuple(Element)


@dataclass(frozen=True, slots=True)
class ElementBalance:
    counts: tuple[int, ...]  # visible characters per element, in Element order
    shares: tuple[float, ...]  # weighted percentage per element, in Element order
    excess: tuple[Element, ...]
    weak: tuple[Element, ...]
    absent: tuple[Element, ...]

    def count(self, element: Element) -> int:
        return self.counts[element.index]

    def share(self, element: Element) -> float:
        return self.shares[element.index]

    @property
    def strongest(self) -> Element:
        return max(ELEMENTS, key=lambda e: (self.shares[e.index], -e.index))

    @property
    def weakest(self) -> Element:
        return min(ELEMENTS, key=lambda e: (self.shares[e.index], e.index))


_BRANCH_ELEMENT_FRACTIONS: tuple[tuple[float, ...], ...] = tuple(
    tuple(sum(h.weight for h in hidden_stems(b) if h.stem.element is e) for e in ELEMENTS) for b in BRANCHES
)
_BRANCH_SURFACE: tuple[int, ...] = tuple(b.element.index for b in BRANCHES)


# [month branch?][branch] → the weight each element gets from that branch (the same products as the method).
_BRANCH_CONTRIB: tuple[tuple[tuple[float, ...], ...], ...] = tuple(
    tuple(tuple(weight * f for f in fractions) for fractions in _BRANCH_ELEMENT_FRACTIONS)
    for weight in (BRANCH_WEIGHT, MONTH_BRANCH_WEIGHT)
)


def balance_from_indices(
    indices: Sequence[tuple[str, int]], transformed: Mapping[str, int] | None = None
) -> ElementBalance:
    """Counts and shares of (label, sexagenary index) slots. `transformed`: label → element index of a
    branch a 삼합/방합 turned into that element (its whole weight goes there; the visible count does not
    change: it counts the characters as written)."""
    counts = [0] * 5
    weights = [0.0] * 5
    # Same additions in the same order as the method describes (stem, then each element of the branch).
    for label, i in indices:
        se, b = i % 10 // 2, i % 12
        counts[se] += 1
        counts[_BRANCH_SURFACE[b]] += 1
        weights[se] += STEM_WEIGHT
        if transformed and label in transformed:
            weights[transformed[label]] += MONTH_BRANCH_WEIGHT if label == "월" else BRANCH_WEIGHT
            continue
        c0, c1, c2, c3, c4 = _BRANCH_CONTRIB[label == "월"][b]
        weights[0] += c0
        weights[1] += c1
        weights[2] += c2
        weights[3] += c3
        weights[4] += c4
    total = sum(weights)
    shares = tuple([round(100.0 * w / total, 1) for w in weights])
    return ElementBalance(
        counts=tuple(counts),
        shares=shares,
        excess=tuple([e for k, e in enumerate(ELEMENTS) if shares[k] >= EXCESS_SHARE]),
        weak=tuple([e for k, e in enumerate(ELEMENTS) if shares[k] < WEAK_SHARE]),
        absent=tuple([e for k, e in enumerate(ELEMENTS) if counts[k] == 0]),
    )


def element_balance(slots: Sequence[tuple[str, Pillar]]) -> ElementBalance:
    return balance_from_indices(tuple((label, p.index) for label, p in slots))
