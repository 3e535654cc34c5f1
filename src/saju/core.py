"""The alphabet of the Four Pillars: five elements, ten stems, twelve branches, sixty pillars.

Immutable enums and a frozen dataclass; every other module of the engine builds on these.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

SEXAGENARY_CYCLE = 60


class Element(Enum):
    """오행. Values are the hanja; the order is the generating (상생) cycle."""

    WOOD = "木"
    FIRE = "火"
    EARTH = "土"
    METAL = "金"
    WATER = "水"

    @property
    def hangul(self) -> str:
        return ELEMENT_HANGUL[self]

    @property
    def index(self) -> int:
        return _ELEMENT_ORDER.index(self)

    @property
    def label(self) -> str:
        """ "목(木)": how Korean text names the element."""
        return f"{ELEMENT_HANGUL[self]}({self.value})"

    def generates(self) -> Element:
        """The element this one produces (木生火, 火生土, ...)."""
        return _ELEMENT_ORDER[(self.index + 1) % 5]

    def controls(self) -> Element:
        """The element this one overcomes (木剋土, 土剋水, ...)."""
        return _ELEMENT_ORDER[(self.index + 2) % 5]


_ELEMENT_ORDER: tuple[Element, ...] = tuple(Element)
ELEMENT_HANGUL: dict[Element, str] = {
    Element.WOOD: "목",
    Element.FIRE: "화",
    Element.EARTH: "토",
    Element.METAL: "금",
    Element.WATER: "수",
}


class Polarity(Enum):
    YANG = "陽"
    YIN = "陰"

    @property
    def hangul(self) -> str:
        return "양" if self is Polarity.YANG else "음"


class Stem(Enum):
    """천간 (heavenly stems). Values are the hanja, definition order is the cycle order."""

    GAP = "甲"
    EUL = "乙"
    BYEONG = "丙"
    JEONG = "丁"
    MU = "戊"
    GI = "己"
    GYEONG = "庚"
    SIN = "辛"
    IM = "壬"
    GYE = "癸"

    @property
    def index(self) -> int:
        return STEMS.index(self)

    @property
    def hanja(self) -> str:
        return self.value

    @property
    def hangul(self) -> str:
        return STEM_HANGUL[self.index]

    @property
    def element(self) -> Element:
        return _ELEMENT_ORDER[self.index // 2]

    @property
    def polarity(self) -> Polarity:
        return Polarity.YANG if self.index % 2 == 0 else Polarity.YIN

    @classmethod
    def from_index(cls, index: int) -> Stem:
        return STEMS[index % 10]

    @classmethod
    def parse(cls, text: str) -> Stem:
        """Accepts the hanja (甲) or the Hangul (갑)."""
        for stem in STEMS:
            if text in (stem.hanja, stem.hangul):
                return stem
        raise ValueError(f"not a heavenly stem: {text!r}")


class Branch(Enum):
    """지지 (earthly branches). Values are the hanja, definition order is the cycle order (子 first)."""

    JA = "子"
    CHUK = "丑"
    IN = "寅"
    MYO = "卯"
    JIN = "辰"
    SA = "巳"
    O = "午"  # noqa: E741 - the romanized name of 午 (오); not a variable
    MI = "未"
    SHIN = "申"
    YU = "酉"
    SUL = "戌"
    HAE = "亥"

    @property
    def index(self) -> int:
        return BRANCHES.index(self)

    @property
    def hanja(self) -> str:
        return self.value

    @property
    def hangul(self) -> str:
        return BRANCH_HANGUL[self.index]

    @property
    def element(self) -> Element:
        return BRANCH_ELEMENT[self.index]

    @property
    def polarity(self) -> Polarity:
        """Polarity by position (子 yang, 丑 yin, ...), the convention used for 12운성 and 대운."""
        return Polarity.YANG if self.index % 2 == 0 else Polarity.YIN

    @property
    def animal(self) -> str:
        return BRANCH_ANIMAL[self.index]

    @classmethod
    def from_index(cls, index: int) -> Branch:
        return BRANCHES[index % 12]

    @classmethod
    def parse(cls, text: str) -> Branch:
        """Accepts the hanja (子) or the Hangul (자)."""
        for branch in BRANCHES:
            if text in (branch.hanja, branch.hangul):
                return branch
        raise ValueError(f"not an earthly branch: {text!r}")


STEMS: tuple[Stem, ...] = tuple(Stem)
BRANCHES: tuple[Branch, ...] = tuple(Branch)
STEM_HANGUL: tuple[str, ...] = ("갑", "을", "병", "정", "무", "기", "경", "신", "임", "계")
BRANCH_HANGUL: tuple[str, ...] = ("자", "축", "인", "묘", "진", "사", "오", "미", "신", "유", "술", "해")
BRANCH_ANIMAL: tuple[str, ...] = (
    "쥐",
    "소",
    "호랑이",
    "토끼",
    "용",
    "뱀",
    "말",
    "양",
    "원숭이",
    "닭",
    "개",
    "돼지",
)
BRANCH_ELEMENT: tuple[Element, ...] = (
    Element.WATER,
    Element.EARTH,
    Element.WOOD,
    Element.WOOD,
    Element.EARTH,
    Element.FIRE,
    Element.FIRE,
    Element.EARTH,
    Element.METAL,
    Element.METAL,
    Element.EARTH,
    Element.WATER,
)


@dataclass(frozen=True, slots=True)
class Pillar:
    """One pillar (간지): a stem over a branch, e.g. 庚午. Only the 60 same-polarity pairs exist."""

    stem: Stem
    branch: Branch

    def __post_init__(self) -> None:
        if self.stem.index % 2 != self.branch.index % 2:
            raise ValueError(f"{self.stem.hanja}{self.branch.hanja} is not one of the sixty pillars")

    @property
    def index(self) -> int:
        """Position in the sexagenary cycle, 0 = 甲子 ... 59 = 癸亥."""
        return _PILLAR_INDEX[(self.stem.index, self.branch.index)]

    @property
    def hanja(self) -> str:
        return self.stem.hanja + self.branch.hanja

    @property
    def hangul(self) -> str:
        return self.stem.hangul + self.branch.hangul

    @classmethod
    def from_index(cls, index: int) -> Pillar:
        return PILLARS[index % SEXAGENARY_CYCLE]

    @classmethod
    def parse(cls, text: str) -> Pillar:
        """Accepts 庚午 or 경오."""
        if len(text) != 2:
            raise ValueError(f"a pillar is two characters, not {text!r}")
        return cls(Stem.parse(text[0]), Branch.parse(text[1]))

    def shifted(self, steps: int) -> Pillar:
        return Pillar.from_index(self.index + steps)

    def __str__(self) -> str:
        return self.hanja


_PILLAR_INDEX: dict[tuple[int, int], int] = {(i % 10, i % 12): i for i in range(SEXAGENARY_CYCLE)}
PILLARS: tuple[Pillar, ...] = tuple(Pillar(STEMS[i % 10], BRANCHES[i % 12]) for i in range(SEXAGENARY_CYCLE))
