"""Points, caps and relation weights of the 궁합 score (documented in docs/analysis.md, "궁합").

Score = BASE + Σ over categories of (category points capped at ±cap) × (relation weight), rounded and kept
within 0..100. Points are integers and weights tenths, so the sum is exact and (A, B) scores as (B, A).
"""

from __future__ import annotations

from typing import Final

from saju.analysis.relations import RelationKind
from saju.analysis.tengods import TenGod
from saju.compat.model import Category, Relationship

BASE: Final = 50
SCORE_MIN: Final = 0
SCORE_MAX: Final = 100

CATEGORY_CAP: Final[dict[Category, int]] = {
    Category.DAY_MASTER: 12,
    Category.DAY_BRANCH: 16,
    Category.CROSS: 10,
    Category.ZODIAC: 6,
    Category.ELEMENTS: 12,
    Category.TEN_GODS: 12,
    Category.TIMING: 8,
}

# Relation weights in tenths, per category (10 = ×1.0): a couple leans on the 배우자궁 and the 배우자성,
# work on 오행 보완 and 십신, friends and siblings on the day masters; 띠 is always a light, folk measure.
WEIGHTS: Final[dict[Relationship, dict[Category, int]]] = {
    Relationship.COUPLE: {
        Category.DAY_MASTER: 10,
        Category.DAY_BRANCH: 15,
        Category.CROSS: 10,
        Category.ZODIAC: 5,
        Category.ELEMENTS: 10,
        Category.TEN_GODS: 12,
        Category.TIMING: 8,
    },
    Relationship.FRIEND: {
        Category.DAY_MASTER: 12,
        Category.DAY_BRANCH: 8,
        Category.CROSS: 10,
        Category.ZODIAC: 8,
        Category.ELEMENTS: 10,
        Category.TEN_GODS: 8,
        Category.TIMING: 6,
    },
    Relationship.WORK: {
        Category.DAY_MASTER: 10,
        Category.DAY_BRANCH: 6,
        Category.CROSS: 10,
        Category.ZODIAC: 5,
        Category.ELEMENTS: 15,
        Category.TEN_GODS: 12,
        Category.TIMING: 8,
    },
    Relationship.PARENT: {
        Category.DAY_MASTER: 10,
        Category.DAY_BRANCH: 6,
        Category.CROSS: 8,
        Category.ZODIAC: 5,
        Category.ELEMENTS: 12,
        Category.TEN_GODS: 12,
        Category.TIMING: 8,
    },
    Relationship.SIBLING: {
        Category.DAY_MASTER: 12,
        Category.DAY_BRANCH: 6,
        Category.CROSS: 10,
        Category.ZODIAC: 8,
        Category.ELEMENTS: 10,
        Category.TEN_GODS: 10,
        Category.TIMING: 6,
    },
}
WEIGHTS[Relationship.CHILD] = WEIGHTS[Relationship.PARENT]

CATEGORY_RULES: Final[dict[Category, str]] = {
    Category.DAY_MASTER: "두 일간: 천간합 +12, 천간충 -8, 상생 +6, 같은 오행 +3, 상극 -6 (합·충이 있으면 생극은 따로 세지 않음)",
    Category.DAY_BRANCH: (
        "두 일지(배우자궁): 육합 +12, 반합 +8, 다른 지지와 삼합·방합 완성 +4, "
        "충 -12, 형 -8, 원진 -8, 해 -5, 귀문 -5, 파 -4"
    ),
    Category.CROSS: (
        "일간·일지끼리와 년지끼리를 뺀 두 사람의 기둥 사이: 합 +1~2, 충 -2, 형·파·해·원진·귀문 -1; "
        "한쪽 일지가 낀 관계는 두 배"
    ),
    Category.ZODIAC: "년지(띠)만 봄: 삼합 띠 +6, 육합 +6, 충 -6, 원진 -6 (약식이라 가중치가 낮음)",
    Category.ELEMENTS: (
        "한쪽의 용신 오행이 상대 사주에서 20% 이상 +5, 한쪽에 10% 미만인 오행을 상대가 20% 이상 가짐 +3(한 사람당 둘까지), "
        "한쪽 기신이 상대의 가장 센 오행(30% 이상) -3, 둘 다 같은 오행이 과다 -2"
    ),
    Category.TEN_GODS: (
        "상대 일간이 나에게 어떤 십신인지, 관계에 맞는 별이면 더함: 연인은 배우자성(여성 정관·편관, 남성 정재·편재), "
        "부모는 자녀성, 자녀는 부모성, 친구·형제는 비견, 동료는 정관·정재·정인; 겁재·편관처럼 부딪히는 별은 뺌"
    ),
    Category.TIMING: (
        "올해 세운이 각자의 일지를 충 -4·원진/형 -2·합 +2, 각자의 현재 대운이 상대 일지를 충 -3·합 +2"
    ),
}

DAY_MASTER_POINTS: Final = {"stem_combine": 12, "stem_clash": -8, "generates": 6, "same": 3, "controls": -6}

DAY_BRANCH_POINTS: Final[dict[RelationKind, int]] = {
    RelationKind.SIX_COMBINE: 12,
    RelationKind.HALF_COMBINE: 8,
    RelationKind.CLASH: -12,
    RelationKind.PUNISHMENT: -8,
    RelationKind.WONJIN: -8,
    RelationKind.HARM: -5,
    RelationKind.BREAK: -4,
}
DAY_BRANCH_TRIPLE_POINTS: Final = 4
GWIMUN_POINTS: Final = -5
GWIMUN_RULE: Final = "귀문: 子酉, 丑午, 寅未, 卯申, 辰亥, 巳戌 (신경이 예민하게 얽히는 짝)"

CROSS_POINTS: Final[dict[RelationKind, int]] = {
    RelationKind.STEM_COMBINE: 2,
    RelationKind.SIX_COMBINE: 2,
    RelationKind.HALF_COMBINE: 1,
    RelationKind.STEM_CLASH: -2,
    RelationKind.CLASH: -2,
    RelationKind.PUNISHMENT: -1,
    RelationKind.BREAK: -1,
    RelationKind.HARM: -1,
    RelationKind.WONJIN: -1,
}
CROSS_GWIMUN_POINTS: Final = -1
CROSS_DAY_BRANCH_FACTOR: Final = 2

ZODIAC_POINTS: Final = {"three_combine": 6, "six_combine": 6, "clash": -6, "wonjin": -6, "same": 0}

YONGSIN_SUPPLIED_SHARE: Final = 20.0
YONGSIN_SUPPLIED_POINTS: Final = 5
WEAK_SUPPLIED_SHARE: Final = 20.0
WEAK_SUPPLIED_POINTS: Final = 3
WEAK_SUPPLIED_MAX: Final = 2
GISIN_DOMINANT_SHARE: Final = 30.0
GISIN_DOMINANT_POINTS: Final = -3
SHARED_EXCESS_POINTS: Final = -2

TIMING_SEWOON_POINTS: Final[dict[RelationKind, int]] = {
    RelationKind.CLASH: -4,
    RelationKind.WONJIN: -2,
    RelationKind.PUNISHMENT: -2,
    RelationKind.SIX_COMBINE: 2,
}
TIMING_DAEWOON_POINTS: Final[dict[RelationKind, int]] = {
    RelationKind.CLASH: -3,
    RelationKind.SIX_COMBINE: 2,
    RelationKind.HALF_COMBINE: 2,
}

# 십신 of the partner's day master, per relation (and, where the classics split by sex, per gender).
SPOUSE_STAR_FEMALE: Final = {TenGod.JEONGGWAN: 6, TenGod.PYEONGWAN: 3}
SPOUSE_STAR_MALE: Final = {TenGod.JEONGJAE: 6, TenGod.PYEONJAE: 3}
SPOUSE_STAR_UNKNOWN: Final = {
    TenGod.JEONGGWAN: 4,
    TenGod.JEONGJAE: 4,
    TenGod.PYEONGWAN: 2,
    TenGod.PYEONJAE: 2,
}
CHILD_STAR_FEMALE: Final = {TenGod.SIKSIN: 6, TenGod.SANGGWAN: 3}
CHILD_STAR_MALE: Final = {TenGod.JEONGGWAN: 6, TenGod.PYEONGWAN: 3}
CHILD_STAR_UNKNOWN: Final = {TenGod.SIKSIN: 3, TenGod.SANGGWAN: 2, TenGod.JEONGGWAN: 3, TenGod.PYEONGWAN: 2}
PARENT_STAR_MOTHER: Final = {TenGod.JEONGIN: 6, TenGod.PYEONIN: 3}
PARENT_STAR_FATHER: Final = {TenGod.PYEONJAE: 6, TenGod.JEONGJAE: 3}
PARENT_STAR_UNKNOWN: Final = {TenGod.JEONGIN: 4, TenGod.PYEONIN: 2, TenGod.PYEONJAE: 4, TenGod.JEONGJAE: 2}
PEER_STARS: Final = {
    TenGod.BIGYEON: 4,
    TenGod.SIKSIN: 2,
    TenGod.JEONGIN: 2,
    TenGod.GEOPJAE: 1,
    TenGod.PYEONGWAN: -2,
}
WORK_STARS: Final = {
    TenGod.JEONGGWAN: 3,
    TenGod.JEONGJAE: 3,
    TenGod.JEONGIN: 3,
    TenGod.SIKSIN: 2,
    TenGod.PYEONGWAN: -1,
    TenGod.GEOPJAE: -2,
}
SPOUSE_PALACE_POINTS: Final = 3

# The star each relation looks for, as Korean words for the fact's name.
STAR_WORDS: Final[dict[Relationship, str]] = {
    Relationship.COUPLE: "배우자성",
    Relationship.FRIEND: "친구의 별",
    Relationship.WORK: "일의 별",
    Relationship.PARENT: "자녀성·부모성",
    Relationship.CHILD: "자녀성·부모성",
    Relationship.SIBLING: "형제의 별",
}
