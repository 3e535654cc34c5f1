"""Integer views of the alphabet for the hot paths (the enum properties in saju.core search tuples)."""

from __future__ import annotations

from saju.core import BRANCHES, PILLARS, STEMS, Branch, Element, Pillar, Stem

ELEMENT_ORDER: tuple[Element, ...] = tuple(Element)
STEM_INDEX: dict[Stem, int] = {s: i for i, s in enumerate(STEMS)}
BRANCH_INDEX: dict[Branch, int] = {b: i for i, b in enumerate(BRANCHES)}
PILLAR_INDEX: dict[Pillar, int] = {p: i for i, p in enumerate(PILLARS)}
STEM_ELEMENT: tuple[int, ...] = tuple(i // 2 for i in range(10))
BRANCH_ELEMENT: tuple[int, ...] = tuple(ELEMENT_ORDER.index(b.element) for b in BRANCHES)


def pillar_index(p: Pillar) -> int:
    return PILLAR_INDEX[p]
