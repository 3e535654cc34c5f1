"""The immutable result types of a 궁합 (compatibility of two charts)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import Enum

from saju.analysis import Analysis
from saju.core import Element


class Side(Enum):
    """Whose chart a place belongs to. The words are placeholders: the reading fills in names or roles."""

    A = "a"
    B = "b"

    @property
    def other(self) -> Side:
        return Side.B if self is Side.A else Side.A

    @property
    def letter(self) -> str:
        return "A" if self is Side.A else "B"


class Relationship(Enum):
    """How the two people relate. The facts are the same for every kind; weights and words differ."""

    COUPLE = "couple"  # 연인·부부
    FRIEND = "friend"  # 친구
    WORK = "work"  # 동료·사업
    PARENT = "parent"  # A is the parent of B
    CHILD = "child"  # A is the child of B
    SIBLING = "sibling"  # 형제

    @property
    def label(self) -> str:
        return RELATIONSHIP_LABELS[self]

    @property
    def swapped(self) -> Relationship:
        """The same relation seen with A and B exchanged (parent ↔ child; the others are mutual)."""
        if self is Relationship.PARENT:
            return Relationship.CHILD
        if self is Relationship.CHILD:
            return Relationship.PARENT
        return self


RELATIONSHIP_LABELS: dict[Relationship, str] = {
    Relationship.COUPLE: "연인·부부",
    Relationship.FRIEND: "친구",
    Relationship.WORK: "동료·사업",
    Relationship.PARENT: "부모와 자녀",
    Relationship.CHILD: "자녀와 부모",
    Relationship.SIBLING: "형제·자매",
}


class Category(Enum):
    """The parts of the score, in the order a reading presents them."""

    DAY_MASTER = "day_master"
    DAY_BRANCH = "day_branch"
    CROSS = "cross"
    ZODIAC = "zodiac"
    ELEMENTS = "elements"
    TEN_GODS = "ten_gods"
    TIMING = "timing"

    @property
    def title(self) -> str:
        return CATEGORY_TITLES[self]


CATEGORY_TITLES: dict[Category, str] = {
    Category.DAY_MASTER: "일간 관계",
    Category.DAY_BRANCH: "일지(배우자궁) 관계",
    Category.CROSS: "다른 기둥 사이의 관계",
    Category.ZODIAC: "띠 궁합",
    Category.ELEMENTS: "오행 보완",
    Category.TEN_GODS: "십신",
    Category.TIMING: "올해의 흐름",
}
CATEGORIES: tuple[Category, ...] = tuple(Category)


class Tone(Enum):
    GOOD = "good"  # draws the two together
    HARD = "hard"  # a friction to mind
    NEUTRAL = "neutral"  # worth knowing, no points


@dataclass(frozen=True, slots=True, order=True)
class Place:
    """A character position: `side` None for a pillar of the year itself (세운)."""

    side: Side | None
    slot: str  # "일간", "월지", "대운지", "세운지", "사주" ...

    @property
    def label(self) -> str:
        """ "A의 월지" (the reading replaces A/B by names)."""
        return self.slot if self.side is None else f"{self.side.letter}의 {self.slot}"

    def swapped(self) -> Place:
        return self if self.side is None else Place(self.side.other, self.slot)


_SLOT_ORDER: dict[str, int] = {
    "년간": 0,
    "년지": 1,
    "월간": 2,
    "월지": 3,
    "일간": 4,
    "일지": 5,
    "시간": 6,
    "시지": 7,
    "대운간": 8,
    "대운지": 9,
    "세운간": 10,
    "세운지": 11,
}


def _place_key(place: Place) -> tuple[int, int, str]:
    side = 2 if place.side is None else (0 if place.side is Side.A else 1)
    return (side, _SLOT_ORDER.get(place.slot, 99), place.slot)


@dataclass(frozen=True, slots=True)
class CompatFact:
    """One finding about the pair, with the rule it came from and the points it gives its category.

    `places` are ordered A's first, then B's, then the year's; `chars` follow `places`. `owner` is the
    person a directional fact speaks about ("B의 일간은 A에게 정관": owner A); None for a mutual fact.
    """

    category: Category
    key: str  # stable machine key: "six_combine", "clash", "yongsin_supplied" ...
    name: str  # short Korean name, independent of the order of the pair: "子丑 육합(土)", "정관"
    places: tuple[Place, ...]
    chars: tuple[str, ...]
    element: Element | None
    owner: Side | None
    tone: Tone
    points: int
    rule: str  # Korean: the rule the fact came from

    @property
    def where(self) -> str:
        """ "A의 월지 ↔ B의 일지"."""
        return " ↔ ".join(p.label for p in self.places)

    def swapped(self) -> CompatFact:
        """The same fact with A and B exchanged (places re-ordered A first, chars with them)."""
        pairs = sorted(
            zip((p.swapped() for p in self.places), self.chars, strict=True), key=lambda pc: _place_key(pc[0])
        )
        return replace(
            self,
            places=tuple(p for p, _ in pairs),
            chars=tuple(c for _, c in pairs),
            owner=None if self.owner is None else self.owner.other,
        )


def ordered_places(
    places: tuple[Place, ...], chars: tuple[str, ...]
) -> tuple[tuple[Place, ...], tuple[str, ...]]:
    pairs = sorted(zip(places, chars, strict=True), key=lambda pc: _place_key(pc[0]))
    return tuple(p for p, _ in pairs), tuple(c for _, c in pairs)


@dataclass(frozen=True, slots=True)
class CategoryScore:
    """One line of the score breakdown: raw points (capped), the relation's weight, the contribution."""

    category: Category
    points: int  # sum of the facts' points, capped at ±CATEGORY_CAP[category]
    weight_tenths: int  # the relation's weight for the category, in tenths (10 = ×1.0)
    rule: str  # Korean: how the category is scored

    @property
    def weight(self) -> float:
        return self.weight_tenths / 10

    @property
    def contribution(self) -> float:
        return self.points * self.weight_tenths / 10


@dataclass(frozen=True, slots=True)
class CompatNote:
    """Something the reader must know (an unknown hour on one side, no 대운 without a gender)."""

    key: str  # "time_unknown", "daewoon_unavailable"
    side: Side
    text: str  # Korean, speaks of the person as "A"/"B" (the reading fills in names)


@dataclass(frozen=True, slots=True)
class Compatibility:
    relation: Relationship
    reference: date
    year: int  # the saju year (from 입춘) of `reference`: the year of the timing facts
    year_pillar: str  # that year's pillar (세운), e.g. "丙午"
    base: int
    score: int  # base + Σ contributions, rounded, within 0..100
    breakdown: tuple[CategoryScore, ...]  # in Category order
    facts: tuple[CompatFact, ...]
    notes: tuple[CompatNote, ...]
    analysis_a: Analysis
    analysis_b: Analysis

    def facts_of(self, category: Category) -> tuple[CompatFact, ...]:
        return tuple(f for f in self.facts if f.category is category)

    def category(self, category: Category) -> CategoryScore:
        return self.breakdown[CATEGORIES.index(category)]
