"""십신 (ten gods): how any stem relates to the day master.

The relation is fixed by two facts only: the element relation (same, I produce, I control, controls me,
produces me) and whether the polarities match. Branches take the ten god of their 본기 (main hidden
stem), the usual Korean practice (子 counts as 癸, 午 as 丁, 巳 as 丙, 亥 as 壬).
"""

from __future__ import annotations

from enum import Enum

from saju.analysis.hidden import main_stem
from saju.core import BRANCHES, STEMS, Element, Stem


class TenGodGroup(Enum):
    """The five pairs of ten gods (육친 groups), named by their Korean umbrella term."""

    BIGEOP = "비겁"
    SIKSANG = "식상"
    JAESEONG = "재성"
    GWANSEONG = "관성"
    INSEONG = "인성"


class TenGod(Enum):
    """십신. Values are the Korean names; `.hanja` gives 比肩 etc."""

    BIGYEON = "비견"
    GEOPJAE = "겁재"
    SIKSIN = "식신"
    SANGGWAN = "상관"
    PYEONJAE = "편재"
    JEONGJAE = "정재"
    PYEONGWAN = "편관"
    JEONGGWAN = "정관"
    PYEONIN = "편인"
    JEONGIN = "정인"

    @property
    def hangul(self) -> str:
        return self.value

    @property
    def hanja(self) -> str:
        return TEN_GOD_HANJA[self]

    @property
    def group(self) -> TenGodGroup:
        return TEN_GOD_GROUP[self]


TEN_GOD_HANJA: dict[TenGod, str] = {
    TenGod.BIGYEON: "比肩",
    TenGod.GEOPJAE: "劫財",
    TenGod.SIKSIN: "食神",
    TenGod.SANGGWAN: "傷官",
    TenGod.PYEONJAE: "偏財",
    TenGod.JEONGJAE: "正財",
    TenGod.PYEONGWAN: "偏官",
    TenGod.JEONGGWAN: "正官",
    TenGod.PYEONIN: "偏印",
    TenGod.JEONGIN: "正印",
}

# Ordered by the element step from the day master (0 = same, 1 = I produce, 2 = I control,
# 3 = controls me, 4 = produces me); first of each pair is the same-polarity god.
_BY_STEP: tuple[tuple[TenGod, TenGod], ...] = (
    (TenGod.BIGYEON, TenGod.GEOPJAE),
    (TenGod.SIKSIN, TenGod.SANGGWAN),
    (TenGod.PYEONJAE, TenGod.JEONGJAE),
    (TenGod.PYEONGWAN, TenGod.JEONGGWAN),
    (TenGod.PYEONIN, TenGod.JEONGIN),
)
_GROUP_BY_STEP: tuple[TenGodGroup, ...] = tuple(TenGodGroup)

_GROUP_STEP: dict[TenGodGroup, int] = {g: i for i, g in enumerate(_GROUP_BY_STEP)}
TEN_GOD_GROUP: dict[TenGod, TenGodGroup] = {
    god: _GROUP_BY_STEP[step] for step, pair in enumerate(_BY_STEP) for god in pair
}


def element_step(day_element: Element, other: Element) -> int:
    """0..4: how many generating-cycle steps `other` lies after the day master's element."""
    return (other.index - day_element.index) % 5


def _compute(day_master: Stem, other: Stem) -> TenGod:
    step = element_step(day_master.element, other.element)
    same_polarity = day_master.polarity is other.polarity
    return _BY_STEP[step][0 if same_polarity else 1]


# 10 x 10 table, built once: the analysis asks for ten gods dozens of times per chart.
TEN_GOD_BY_INDEX: tuple[tuple[TenGod, ...], ...] = tuple(
    tuple(_compute(dm, o) for o in STEMS) for dm in STEMS
)


def ten_god(day_master: Stem, other: Stem) -> TenGod:
    return TEN_GOD_BY_INDEX[day_master.index][other.index]


def group_element(day_master: Stem, group: TenGodGroup) -> Element:
    """The element that plays `group` for this day master (e.g. 재성 of 甲 is 土)."""
    step = _GROUP_STEP[group]
    return _step(day_master.element, step)


_ELEMENTS: tuple[Element, ...] = tuple(Element)
_ELEMENT_POS: dict[Element, int] = {e: i for i, e in enumerate(_ELEMENTS)}


def _step(element: Element, step: int) -> Element:
    return _ELEMENTS[(_ELEMENT_POS[element] + step) % 5]


def element_group(day_master: Stem, element: Element) -> TenGodGroup:
    return _GROUP_BY_STEP[(_ELEMENT_POS[element] - _ELEMENT_POS[day_master.element]) % 5]


def _main_stem_index(branch_index: int) -> int:
    return STEMS.index(main_stem(BRANCHES[branch_index]))


# Ten god of each branch (by its 정기) for each day master, by indices.
BRANCH_TEN_GOD_BY_INDEX: tuple[tuple[TenGod, ...], ...] = tuple(
    tuple(TEN_GOD_BY_INDEX[dm][_main_stem_index(b)] for b in range(12)) for dm in range(10)
)
