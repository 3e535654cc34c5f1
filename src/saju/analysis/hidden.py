"""지장간 (hidden stems) with the 월률분야 weight table.

Table used: `WOLLYUL_BUNYA` — the 月律分野 day counts of 연해자평 (淵海子平) as printed in most Korean
만세력 books: each branch governs a 30-day month split into 여기 (residual), 중기 (middle) and 정기 (main)
qi. The weight of a hidden stem is its days / 30. Schools differ in small ways (e.g. 申 as 己7 戊3 壬3 庚17
in 삼명통회, 午 with or without 己); this one table is used everywhere in the engine and named in the output.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from saju.core import BRANCHES, Branch, Stem

HIDDEN_STEM_TABLE_NAME = "월률분야(月律分野), 연해자평 30일 배분"
DAYS_PER_BRANCH = 30


class QiRole(Enum):
    YEOGI = "여기"
    JUNGGI = "중기"
    JEONGGI = "정기"


@dataclass(frozen=True, slots=True)
class HiddenStem:
    stem: Stem
    role: QiRole
    days: int

    @property
    def weight(self) -> float:
        return self.days / DAYS_PER_BRANCH


def _hs(spec: tuple[tuple[str, int], ...]) -> tuple[HiddenStem, ...]:
    roles = (
        (QiRole.YEOGI, QiRole.JEONGGI) if len(spec) == 2 else (QiRole.YEOGI, QiRole.JUNGGI, QiRole.JEONGGI)
    )
    return tuple(HiddenStem(Stem.parse(s), role, days) for (s, days), role in zip(spec, roles, strict=True))


# Days of 여기, (중기,) 정기; every row sums to 30.
WOLLYUL_BUNYA: dict[Branch, tuple[HiddenStem, ...]] = {
    Branch.JA: _hs((("壬", 10), ("癸", 20))),
    Branch.CHUK: _hs((("癸", 9), ("辛", 3), ("己", 18))),
    Branch.IN: _hs((("戊", 7), ("丙", 7), ("甲", 16))),
    Branch.MYO: _hs((("甲", 10), ("乙", 20))),
    Branch.JIN: _hs((("乙", 9), ("癸", 3), ("戊", 18))),
    Branch.SA: _hs((("戊", 7), ("庚", 7), ("丙", 16))),
    Branch.O: _hs((("丙", 10), ("己", 9), ("丁", 11))),
    Branch.MI: _hs((("丁", 9), ("乙", 3), ("己", 18))),
    Branch.SHIN: _hs((("戊", 7), ("壬", 7), ("庚", 16))),
    Branch.YU: _hs((("庚", 10), ("辛", 20))),
    Branch.SUL: _hs((("辛", 9), ("丁", 3), ("戊", 18))),
    Branch.HAE: _hs((("戊", 7), ("甲", 7), ("壬", 16))),
}

_BY_INDEX: tuple[tuple[HiddenStem, ...], ...] = tuple(WOLLYUL_BUNYA[b] for b in BRANCHES)
_MAIN: tuple[Stem, ...] = tuple(hs[-1].stem for hs in _BY_INDEX)


def hidden_stems(branch: Branch) -> tuple[HiddenStem, ...]:
    return _BY_INDEX[branch.index]


def main_stem(branch: Branch) -> Stem:
    """정기 (본기): the stem a branch stands for in ten-god and strength work."""
    return _MAIN[branch.index]
