"""When a branch combination transforms (合化): the rule the strength score and the 오행 shares follow.

Rule (stated once, used by every section): a 삼합 (申子辰 水, 亥卯未 木, 寅午戌 火, 巳酉丑 金) or a 방합
(寅卯辰 木, 巳午未 火, 申酉戌 金, 亥子丑 水) whose three branches all stand in the natal chart transforms
into its element when

- the month branch is one of the three (the combination holds the season, 월령), or
- a stem of that element stands among the four stems (the element is 투출, 透出),

and no other natal branch clashes (충) with one of its members (a clash breaks the combination).
A transformed branch then counts wholly as that element in the strength score and in the 오행 shares.
육합, 반합 and 천간합 are reported as relations (they bind, 합이 묶임) but never change the count: their
transformation needs judgement this engine does not make, and the reading says so where one is present.
Sources: 연해자평 論合, 적천수 「合化」, 삼명통회 論三合; the month-or-투출 condition is the common modern
Korean teaching of 삼합·방합 성립 (e.g. 박주현 『명리학 강의』).
"""

from __future__ import annotations

from dataclasses import dataclass

from saju.analysis.relations import DIRECTIONAL_COMBINATIONS, THREE_COMBINATIONS, RelationKind
from saju.core import BRANCHES, STEMS, Element
from saju.korean import josa

COMBINE_RULE = (
    "삼합·방합은 세 지지가 모두 있고 월지가 그 안에 있거나 같은 오행의 천간이 드러나면(투출) 그 오행으로 변하며(合化), "
    "다른 지지가 그중 하나를 충하면 깨집니다. 변한 지지는 신강약 점수와 오행 비율에서 그 오행으로 셉니다. "
    "육합·반합·천간합은 묶임으로만 보고 오행을 바꾸지 않습니다."
)


@dataclass(frozen=True, slots=True)
class Transformation:
    """A full 삼합/방합 of the natal chart and whether it transforms its branches."""

    kind: RelationKind  # 삼합 or 방합
    chars: str  # e.g. "巳午未"
    element: Element
    labels: tuple[str, ...]  # every natal slot label ("년" …) whose branch is one of the three
    transformed: bool
    reason: str  # Korean: which condition holds (월령 / 투출) or what blocks it (충 / neither)

    @property
    def name(self) -> str:
        return f"{self.chars} {self.kind.value}({self.element.value})"


_Trio = tuple[RelationKind, str, Element, int]  # kind, hanja, element, branch mask
_TRIOS: tuple[_Trio, ...] = tuple(
    (kind, trio, element, sum(1 << BRANCHES.index(next(b for b in BRANCHES if b.hanja == c)) for c in trio))
    for kind, table in (
        (RelationKind.THREE_COMBINE, THREE_COMBINATIONS),
        (RelationKind.DIRECTIONAL, DIRECTIONAL_COMBINATIONS),
    )
    for trio, element in table
)
_ELEMENT_INDEX: dict[Element, int] = {e: i for i, e in enumerate(Element)}
# Branch bit mask (12 bits) → whether it holds a full 삼합/방합: one lookup for the common case of none.
_HAS_TRIO: tuple[bool, ...] = tuple(any(m & t[3] == t[3] for t in _TRIOS) for m in range(1 << 12))


def transformations(indices: tuple[tuple[str, int], ...]) -> tuple[Transformation, ...]:
    """Every full 삼합/방합 among natal (label, sexagenary index) slots, with its transformation decision."""
    mask = 0
    for _, i in indices:
        mask |= 1 << (i % 12)
    if not _HAS_TRIO[mask]:
        return ()
    found: list[Transformation] = []
    for kind, chars, element, trio_mask in _TRIOS:
        if mask & trio_mask != trio_mask:
            continue
        labels = tuple(label for label, i in indices if trio_mask >> (i % 12) & 1)
        outside = [i % 12 for label, i in indices if label not in labels]
        month = next(i for label, i in indices if label == "월") % 12
        clash = next((b for b in outside if trio_mask >> ((b + 6) % 12) & 1), None)
        stems = {STEMS[i % 10] for _, i in indices}
        shown = next((s for s in STEMS if s in stems and s.element is element), None)
        if clash is not None:
            member = BRANCHES[(clash + 6) % 12].hanja
            reason = f"{BRANCHES[clash].hanja}{member} 충이 합을 깨므로 오행을 바꾸지 않습니다"
            ok = False
        elif trio_mask >> month & 1:
            branch = BRANCHES[month]
            reason = (
                f"월지 {josa(f'{branch.hanja}({branch.hangul})', '이', '가')} 합에 들어 계절의 힘을 얻었으므로 "
                f"{josa(element.label, '으로', '로')} 변합니다"
            )
            ok = True
        elif shown is not None:
            reason = (
                f"천간에 {josa(f'{shown.hanja}({shown.hangul})', '이', '가')} 드러나(투출) "
                f"{josa(element.label, '으로', '로')} 변합니다"
            )
            ok = True
        else:
            reason = "월지가 합에 들지 않고 같은 오행의 천간도 드러나지 않아 오행을 바꾸지 않습니다"
            ok = False
        found.append(Transformation(kind, chars, element, labels, ok, reason))
    return tuple(found)


def transformed_slots(found: tuple[Transformation, ...]) -> dict[str, int]:
    """Natal slot label → element index, for the transformations that hold."""
    return {label: _ELEMENT_INDEX[t.element] for t in found if t.transformed for label in t.labels}
