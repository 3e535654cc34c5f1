"""The voice of a reading: plain (담백한 합니다체) or warm (다정한 해요체 with encouragement).

The warm voice rewrites every sentence ending of the whole reading from 합니다체 to 해요체 (`to_haeyo`:
"있습니다" → "있어요", "됩니다" → "돼요", "사람입니다" → "사람이에요") and adds a word of encouragement
to each section; it never addresses the reader by a title (no "선생님"). The conversion knows the
irregular verbs the reading's phrase tables use; `tests/saju/reading` checks that no 합니다체 ending is
left in any warm reading.
"""

from __future__ import annotations

import re
from enum import Enum

from saju.korean import has_batchim


class Voice(Enum):
    PLAIN = "plain"
    WARM = "warm"


_BASE = 0xAC00
_FINAL_B = 17  # ㅂ as a final consonant
_FINAL_SS = 20  # ㅆ as a final consonant
_VOWELS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"


def _split(ch: str) -> tuple[int, int, int]:
    code = ord(ch) - _BASE
    return code // 588, (code % 588) // 28, code % 28


def _join(initial: int, vowel: int, final: int = 0) -> str:
    return chr(_BASE + initial * 588 + vowel * 28 + final)


def _vowel(ch: str) -> str:
    return _VOWELS[_split(ch)[1]]


# Stems whose 해요 form is not the regular one (ㅂ/ㄷ/ㅅ/르/ㅡ irregulars, ㄹ stems hidden by ㅂ니다).
# Keys are what stands before "습니다" (consonant stems) or before "ㅂ니다" with the ㅂ removed.
_IRREGULAR: dict[str, str] = {
    # ㅂ irregular (consonant stem + 습니다)
    "쉽": "쉬워",
    "어렵": "어려워",
    "가깝": "가까워",
    "무겁": "무거워",
    "가볍": "가벼워",
    "반갑": "반가워",
    "즐겁": "즐거워",
    "아쉽": "아쉬워",
    "덥": "더워",
    "춥": "추워",
    "부드럽": "부드러워",
    "날카롭": "날카로워",
    "자유롭": "자유로워",
    "새롭": "새로워",
    "외롭": "외로워",
    "까다롭": "까다로워",
    "번거롭": "번거로워",
    "너그럽": "너그러워",
    "고맙": "고마워",
    "두렵": "두려워",
    "무섭": "무서워",
    "귀엽": "귀여워",
    "돕": "도와",
    "곱": "고와",
    "밉": "미워",
    "아름답": "아름다워",
    "정답": "정다워",
    "지혜롭": "지혜로워",
    "여유롭": "여유로워",
    "평화롭": "평화로워",
    "조화롭": "조화로워",
    "해롭": "해로워",
    "이롭": "이로워",
    "괴롭": "괴로워",
    "뜨겁": "뜨거워",
    "차갑": "차가워",
    "믿음직스럽": "믿음직스러워",
    "자연스럽": "자연스러워",
    "조심스럽": "조심스러워",
    "부담스럽": "부담스러워",
    "사랑스럽": "사랑스러워",
    "만족스럽": "만족스러워",
    # ㄷ irregular
    "듣": "들어",
    "걷": "걸어",
    "깨닫": "깨달아",
    "싣": "실어",
    # ㅅ irregular
    "낫": "나아",
    "짓": "지어",
    "잇": "이어",
    "붓": "부어",
    "긋": "그어",
    # 르 irregular and ㅡ dropping (vowel stems, after ㅂ니다 lost its ㅂ)
    "따르": "따라",
    "다르": "달라",
    "빠르": "빨라",
    "오르": "올라",
    "고르": "골라",
    "흐르": "흘러",
    "부르": "불러",
    "마르": "말라",
    "기르": "길러",
    "모르": "몰라",
    "서두르": "서둘러",
    "누르": "눌러",
    "머무르": "머물러",
    "치르": "치러",
    "들르": "들러",
    "이르": "이르러",
    "바르": "발라",
    "자르": "잘라",
    "구르": "굴러",
    "거르": "걸러",
    "가르": "갈라",
    "무르익": "무르익어",
    "피": "피어",
    "크": "커",
    "쓰": "써",
    "끄": "꺼",
    "뜨": "떠",
    "트": "터",
    "기쁘": "기뻐",
    "바쁘": "바빠",
    "아프": "아파",
    "나쁘": "나빠",
    "예쁘": "예뻐",
    "슬프": "슬퍼",
    "고프": "고파",
    "모으": "모아",
    "잠그": "잠가",
    "담그": "담가",
    # Vowel stems with a contraction
    "하": "해",
    "되": "돼",
    "주": "줘",
    "두": "둬",
    "보": "봐",
    "오": "와",
    "이루": "이뤄",
    "바꾸": "바꿔",
    "나누": "나눠",
    "가두": "가둬",
    "배우": "배워",
    "키우": "키워",
    "세우": "세워",
    "채우": "채워",
    "비우": "비워",
    "지우": "지워",
    "싸우": "싸워",
    "맞추": "맞춰",
    "갖추": "갖춰",
    "늦추": "늦춰",
    "낮추": "낮춰",
    "비추": "비춰",
    "감추": "감춰",
    "멈추": "멈춰",
    "춤추": "춤춰",
    "가르치": "가르쳐",
    "지치": "지쳐",
    "미치": "미쳐",
    "끼치": "끼쳐",
    "마치": "마쳐",
    "넘치": "넘쳐",
    "다치": "다쳐",
    "바치": "바쳐",
    "고치": "고쳐",
    "펼치": "펼쳐",
    "놓치": "놓쳐",
    "부딪치": "부딪쳐",
    "뻗치": "뻗쳐",
    "드러내": "드러내",
    "보내": "보내",
    "내": "내",
    "지내": "지내",
    "해내": "해내",
}
# ㄹ stems lose their ㄹ before ㅂ니다 (압니다 = 알다, 깁니다 = 길다): matched as whole stems only, since a
# suffix match would also catch regular verbs (숨깁니다 = 숨기다).
_RIEUL_STEMS: dict[str, str] = {
    "아": "알아",
    "기": "길어",
    "여": "열어",
    "사": "살아",
    "만드": "만들어",
    "드": "들어",
    "노": "놀아",
    "머": "멀어",
    "힘드": "힘들어",
    "푸": "풀어",
    "이끄": "이끌어",
    "흔드": "흔들어",
    "떠드": "떠들어",
    "줄어드": "줄어들어",
    "접어드": "접어들어",
    "들어": "들어",
    "거": "걸어",
    "느": "늘어",
    "도": "돌아",
}


def _regular(stem: str) -> str:
    """해요 stem (without 요) of a regular verb/adjective stem."""
    last = stem[-1]
    initial, vowel, final = _split(last)
    v = _VOWELS[vowel]
    if final == _FINAL_SS:  # past tense (했, 났, 었): always 어 — 했어요, 태어났어요
        return stem + "어"
    if final:  # consonant stem: 아 after ㅏ/ㅗ, else 어
        return stem + ("아" if v in "ㅏㅗㅑ" else "어")
    head = stem[:-1]
    contracted = {"ㅗ": "ㅘ", "ㅜ": "ㅝ", "ㅣ": "ㅕ", "ㅚ": "ㅙ", "ㅡ": "ㅓ"}
    if v in contracted:
        if v == "ㅡ" and head and _vowel(head[-1]) in "ㅏㅗ":
            return head + _join(initial, _VOWELS.index("ㅏ"))
        return head + _join(initial, _VOWELS.index(contracted[v]))
    if v in "ㅟㅢ":
        return stem + "어"
    return stem  # ㅏ ㅓ ㅐ ㅔ ㅕ ㅑ: 가요, 서요, 내요, 세요, 켜요


def _conjugate(stem: str, *, from_b: bool = False) -> str:
    if from_b:
        word = _WORD_START.split(stem)[-1]
        if word in _RIEUL_STEMS:
            return stem[: len(stem) - len(word)] + _RIEUL_STEMS[word]
    for size in range(len(stem), 0, -1):
        found = _IRREGULAR.get(stem[-size:])
        if found is not None:
            return stem[:-size] + found
    return _regular(stem)


_WORD_START = re.compile(r"\s")
_FORMAL = re.compile(r"([가-힣]+?)(습니다|니다)(?![가-힣])")


def _replace(match: re.Match[str]) -> str:
    word, ending = match.group(1), match.group(2)
    if ending == "습니다":
        return _conjugate(word) + "요"
    last = word[-1]
    initial, vowel, final = _split(last)
    if final != _FINAL_B:
        return match.group(0)  # not a formal ending ("…니다" inside another word)
    stem = word[:-1] + _join(initial, vowel)
    if stem.endswith("아니"):
        return stem[:-2] + "아니에요"
    if stem.endswith("이") and stem not in _VERB_I:
        # The copula after a noun ("사람입니다", "**정관격**입니다", "3입니다"): read what stands before it.
        noun = stem[:-1]
        before = match.string[: match.start(1)] + noun
        return noun + ("이에요" if has_batchim(before) else "예요")
    return _conjugate(stem, from_b=True) + "요"


# Whole words ending in 이 that are verbs (보입니다 = 보이다), not a noun + the copula (후보입니다).
_VERB_I = frozenset(
    {
        "보이",
        "돋보이",
        "엿보이",
        "내보이",
        "높이",
        "들이",
        "먹이",
        "붙이",
        "끓이",
        "속이",
        "쌓이",
        "죽이",
        "녹이",
        "기울이",
        "줄이",
        "늘이",
        "놓이",
        "쓰이",
        "모이",
        "섞이",
        "숙이",
        "움직이",
        "끼이",
    }
)


def to_haeyo(text: str) -> str:
    """합니다체 sentence endings → 해요체, everywhere in `text` (Markdown and tables included)."""
    return _FORMAL.sub(_replace, text).replace("것이에요", "거예요")


# A word of encouragement closing each section in the warm voice (already 해요체; chosen by the section's
# own facts, like every other phrase).
ENCOURAGE: dict[str, tuple[str, ...]] = {
    "personality": (
        "어떤 성향이든 잘 쓰면 강점이 돼요. 스스로를 너무 엄하게 보지 않아도 괜찮아요.",
        "지금의 모습 그대로도 충분히 빛나는 바탕이 있어요.",
    ),
    "elements": (
        "부족한 기운은 생활 속 작은 습관으로 얼마든지 채울 수 있어요.",
        "오늘 할 수 있는 작은 것 하나부터 곁에 두어 보세요.",
    ),
    "tengods": (
        "타고난 틀은 가능성의 지도일 뿐, 어디로 갈지는 언제나 내가 정해요.",
        "잘하는 일에 조금씩 더 힘을 실어 주면 충분해요.",
    ),
    "relations": (
        "부딪힘도 묶임도 결국은 나를 다듬는 인연이에요.",
        "관계의 결을 알아 두면 같은 일도 한결 부드럽게 지나가요.",
    ),
    "shinsal": (
        "별은 양념 같은 거예요. 좋은 쪽으로 쓰는 건 언제나 내 몫이에요.",
        "조심할 별도 알고 대비하면 든든한 힘이 돼요.",
    ),
    "daewoon": (
        "큰 흐름을 알고 가면 오르막도 내리막도 덜 버거워요.",
        "어떤 10년이든 준비한 만큼 내 편이 되어 줄 거예요.",
    ),
    "sewoon": (
        "한 해의 결을 알고 움직이면 같은 노력도 더 멀리 가요.",
        "올해도 한 걸음씩, 충분히 잘해 낼 수 있어요.",
    ),
    "career": (
        "맞는 자리를 찾는 데 조금 시간이 걸려도 괜찮아요.",
        "지금 하는 일에서도 이 강점을 하나씩 꺼내 써 보세요.",
    ),
    "love": (
        "좋은 인연은 나를 아끼는 마음에서 시작돼요.",
        "서로의 다름을 알면 마음을 나누기가 훨씬 쉬워져요.",
    ),
    "wealth": (
        "작은 습관 하나가 오래 든든한 재물이 돼요.",
        "조급해하지 않아도 돼요. 차근차근 쌓이는 힘이 있어요.",
    ),
    "health": (
        "몸이 보내는 작은 신호에 귀 기울이는 것만으로도 큰 힘이 돼요.",
        "무리하지 말고, 쉬는 것도 일의 한 부분으로 챙겨 주세요.",
    ),
    "study": (
        "나에게 맞는 방법을 찾으면 배움은 훨씬 즐거워져요.",
        "조금씩이라도 꾸준히 하면 반드시 쌓여요.",
    ),
}
WARM_CLOSING = "천천히 읽어 보시고, 마음에 남는 한 가지만 오늘 해 보세요."
