"""12운성 (twelve life stages) of a stem on a branch.

Rule: the Korean mainstream (연해자평 / 적천수 주석 계열): yang stems move forward from their 장생
(甲 亥, 丙 寅, 戊 寅 — 火土同宮 —, 庚 巳, 壬 申), yin stems move backward from theirs (乙 午, 丁 酉,
己 酉, 辛 子, 癸 卯), i.e. 양생음사.
"""

from __future__ import annotations

from enum import Enum

from saju.core import BRANCHES, STEMS, Branch, Polarity, Stem

TWELVE_STAGE_RULE = "양간 순행·음간 역행(양생음사), 戊는 丙과, 己는 丁과 같은 자리(화토동궁)"


class Stage(Enum):
    JANGSAENG = "장생"
    MOKYOK = "목욕"
    GWANDAE = "관대"
    GEONROK = "건록"
    JEWANG = "제왕"
    SWOE = "쇠"
    BYEONG = "병"
    SA = "사"
    MYO = "묘"
    JEOL = "절"
    TAE = "태"
    YANG = "양"

    @property
    def hanja(self) -> str:
        return STAGE_HANJA[self]

    @property
    def vigor(self) -> int:
        """Rough vitality 0..4 used by the strength score and the reading (장생/건록/제왕 high)."""
        return STAGE_VIGOR[self]


STAGE_HANJA: dict[Stage, str] = dict(
    zip(
        Stage, ("長生", "沐浴", "冠帶", "建祿", "帝旺", "衰", "病", "死", "墓", "絶", "胎", "養"), strict=True
    )
)
STAGE_VIGOR: dict[Stage, int] = dict(zip(Stage, (3, 2, 3, 4, 4, 2, 1, 0, 1, 0, 1, 2), strict=True))

_ORDER: tuple[Stage, ...] = tuple(Stage)
JANGSAENG_BRANCH: dict[Stem, Branch] = {
    Stem.GAP: Branch.HAE,
    Stem.EUL: Branch.O,
    Stem.BYEONG: Branch.IN,
    Stem.JEONG: Branch.YU,
    Stem.MU: Branch.IN,
    Stem.GI: Branch.YU,
    Stem.GYEONG: Branch.SA,
    Stem.SIN: Branch.JA,
    Stem.IM: Branch.SHIN,
    Stem.GYE: Branch.MYO,
}


def _compute(stem: Stem, branch: Branch) -> Stage:
    start = JANGSAENG_BRANCH[stem].index
    offset = branch.index - start if stem.polarity is Polarity.YANG else start - branch.index
    return _ORDER[offset % 12]


STAGE_BY_INDEX: tuple[tuple[Stage, ...], ...] = tuple(tuple(_compute(s, b) for b in BRANCHES) for s in STEMS)


def stage(stem: Stem, branch: Branch) -> Stage:
    return STAGE_BY_INDEX[stem.index][branch.index]
