"""Plain Korean for 한눈에 보기 and the sections' conclusions: the same judgements, without 명리 terms.

Every phrase here must pass `glossary.is_plain` (no glossary term, no hanja); the tests check them all.
"""

from __future__ import annotations

from saju.analysis.strength import Strength, StrengthBand
from saju.analysis.tengods import TenGod
from saju.core import Element, Stem

PLAIN_ELEMENT: dict[Element, str] = {
    Element.WOOD: "나무 기운",
    Element.FIRE: "불 기운",
    Element.EARTH: "흙 기운",
    Element.METAL: "쇠 기운",
    Element.WATER: "물 기운",
}

# Who this person is, from the stem of the birth day, in one plain sentence.
PLAIN_PERSON: dict[Stem, str] = {
    Stem.GAP: "곧게 자라는 큰 나무처럼, 한번 정한 길을 꾸준히 밀고 가는 사람입니다.",
    Stem.EUL: "바위틈에서도 길을 찾는 덩굴처럼, 부드럽지만 끈질기고 사람 사이의 결을 잘 읽는 사람입니다.",
    Stem.BYEONG: "한낮의 해처럼, 밝고 솔직해서 있는 자리를 환하게 만드는 사람입니다.",
    Stem.JEONG: "어둠을 밝히는 촛불처럼, 겉은 조용해도 속이 뜨겁고 세심한 사람입니다.",
    Stem.MU: "넓은 산처럼, 믿음직하고 여러 사람을 품어 중심을 잡는 사람입니다.",
    Stem.GI: "기름진 논밭처럼, 실속 있고 꼼꼼하게 사람과 살림을 가꾸는 사람입니다.",
    Stem.GYEONG: "단단한 무쇠처럼, 의리 있고 결단이 빠른 사람입니다.",
    Stem.SIN: "잘 다듬은 보석처럼, 섬세하고 완성도를 중시하는 사람입니다.",
    Stem.IM: "큰 강처럼, 생각의 폭이 넓고 큰 그림을 그리는 사람입니다.",
    Stem.GYE: "봄비처럼, 조용히 스며들어 주변을 살리고 직관이 빠른 사람입니다.",
}

# What to mind, from the same stem, as a plain clause ("…하지 않도록").
PLAIN_TRAP: dict[Stem, str] = {
    Stem.GAP: "고집이 지나쳐 꺾이는 일이 없도록, 굽힐 때를 아는 것",
    Stem.EUL: "남의 시선에 흔들려 내 뜻을 접지 않는 것",
    Stem.BYEONG: "불붙었다 식는 차이를 줄여 시작한 일을 끝까지 가져가는 것",
    Stem.JEONG: "마음에 담아 둔 서운함을 오래 품지 않는 것",
    Stem.MU: "바뀌어야 할 때 너무 오래 머무르지 않는 것",
    Stem.GI: "생각이 많아 결정을 미루거나 남의 짐까지 떠안지 않는 것",
    Stem.GYEONG: "날카로운 말로 본의 아니게 사람을 다치게 하지 않는 것",
    Stem.SIN: "작은 흠에 매여 스스로와 남을 지치게 하지 않는 것",
    Stem.IM: "여기저기 퍼지다 한곳에 힘을 모으지 못하는 일이 없게 하는 것",
    Stem.GYE: "걱정과 상상이 앞서 스스로 움츠러들지 않는 것",
}


def plain_strength(strength: Strength) -> str:
    """The strength decision in plain words (the same decision the 명리 sections explain)."""
    if strength.jonggyeok and strength.leans_strong:
        return "자기 힘이 워낙 커서, 그 힘을 한 방향으로 곧게 쓸 때 가장 잘 풀립니다."
    if strength.jonggyeok:
        return "주변의 흐름이 워낙 강해서, 맞서기보다 그 흐름에 올라탈 때 가장 잘 풀립니다."
    return {
        StrengthBand.EXTREMELY_STRONG: "스스로 밀고 나가는 힘이 아주 강해서, 그 힘을 쓸 곳을 정해 두는 것이 중요합니다.",
        StrengthBand.STRONG: "스스로 밀고 나가는 힘이 강한 편입니다.",
        StrengthBand.BALANCED: "나설 때와 물러설 때를 아는 균형 감각이 있습니다.",
        StrengthBand.WEAK: "혼자 짊어지기보다 믿을 만한 사람과 배움의 힘을 빌릴 때 결과가 좋습니다.",
        StrengthBand.EXTREMELY_WEAK: "기운을 아껴 써야 하는 편이라, 든든한 사람과 배움, 충분한 쉼을 먼저 챙겨야 힘이 납니다.",
    }[strength.band]


# A ten-year period or a year, by the ten god of its stem: the plain theme.
PLAIN_PERIOD: dict[TenGod, str] = {
    TenGod.BIGYEON: "내 이름을 걸고 스스로 서려는 마음이 커지는 때",
    TenGod.GEOPJAE: "경쟁 속에서 실력을 키우는 대신 돈이 나가기 쉬운 때",
    TenGod.SIKSIN: "재능이 꽃피고 생활에 여유가 생기는 때",
    TenGod.SANGGWAN: "틀을 깨고 새 길을 여는 대신 윗사람과 부딪히기 쉬운 때",
    TenGod.PYEONJAE: "활동 무대가 넓어지고 큰돈이 오가는 때",
    TenGod.JEONGJAE: "성실함이 차곡차곡 재물로 쌓이는 때",
    TenGod.PYEONGWAN: "책임과 압박이 커지는 만큼 권한과 인정도 따르는 때",
    TenGod.JEONGGWAN: "자리와 인정이 따르는 때",
    TenGod.PYEONIN: "생각이 깊어지고 방향을 다시 묻는 때",
    TenGod.JEONGIN: "배움과 도움, 좋은 문서가 들어오는 때",
}


def plain_fit(score: int) -> str:
    """How a period sits with what the chart needs (the 용신 fit, −2..+2), in plain words."""
    if score >= 2:
        return "바람이 등 뒤에서 부는 편입니다"
    if score == 1:
        return "노력한 만큼 결과가 따르는 편입니다"
    if score == 0:
        return "운보다 선택과 준비가 결과를 가르는 편입니다"
    if score == -1:
        return "넓히기보다 다지는 편이 안전합니다"
    return "바람을 거스르는 느낌이 들 수 있어 건강과 재정의 안전판을 먼저 챙겨야 합니다"
