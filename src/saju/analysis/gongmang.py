"""공망 (空亡, 旬空): the two branches left without a stem in a pillar's decade (旬).

Rule: 순중공망 — the decade of ten pillars starting at a 甲 pillar leaves two branches unused; both are
공망 for any pillar of that decade. Korean practice reads it from the day pillar (primary) and also from
the year pillar.
"""

from __future__ import annotations

from saju.core import Branch, Pillar


def gongmang(pillar: Pillar) -> tuple[Branch, Branch]:
    decade_start = pillar.index - pillar.stem.index
    # The decade covers branches decade_start .. decade_start+9; the next two are empty.
    first = Branch.from_index(decade_start + 10)
    return first, Branch.from_index(decade_start + 11)
