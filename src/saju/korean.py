"""Korean particles chosen by the sound of the word before them (을/를, 이/가, 은/는, 과/와, 으로/로).

A word may end in markup or in a bracket: "목(木)" and "**정관**" are read by the Hangul before the bracket
or the markup, "甲寅(갑인)" and "庚金(경금)" — hanja followed by their reading — by the Hangul inside the
bracket, which is what a Korean reader pronounces.
"""

from __future__ import annotations

_HANGUL_FIRST = 0xAC00
_HANGUL_LAST = 0xD7A3
_JONGSEONG_COUNT = 28
_RIEUL = 8
_DIGITS_WITH_BATCHIM = "013678"  # 영 일 삼 육 칠 팔; 이 사 오 구 end in a vowel
_RIEUL_DIGITS = "178"  # 일 칠 팔 end in ㄹ


def _is_hangul(ch: str) -> bool:
    return _HANGUL_FIRST <= ord(ch) <= _HANGUL_LAST


def _readable(ch: str) -> bool:
    return _is_hangul(ch) or ch.isdigit()


def last_syllable(word: str) -> str:
    """The syllable a Korean reader ends `word` with ("" when it has none)."""
    text = word.rstrip()
    while text and not _readable(text[-1]):
        if text[-1] == ")" and "(" in text:
            opening = text.rindex("(")
            inside, before = text[opening + 1 : -1].rstrip(), text[:opening].rstrip()
            # "목(木)": the word is before the bracket; "甲寅(갑인)": the bracket holds its reading.
            if before and not _readable(before[-1]) and inside and _readable(inside[-1]):
                return inside[-1]
            text = before
        else:
            text = text[:-1]
    return text[-1] if text else ""


def has_batchim(word: str) -> bool:
    ch = last_syllable(word)
    if ch.isdigit():
        return ch in _DIGITS_WITH_BATCHIM
    if not ch:
        return False
    return (ord(ch) - _HANGUL_FIRST) % _JONGSEONG_COUNT != 0


def _ends_in_rieul(word: str) -> bool:
    ch = last_syllable(word)
    if ch.isdigit():
        return ch in _RIEUL_DIGITS
    return bool(ch) and (ord(ch) - _HANGUL_FIRST) % _JONGSEONG_COUNT == _RIEUL


def josa(word: str, with_batchim: str, without: str) -> str:
    """word + the particle that fits its last sound: josa("목(木)", "이", "가") → "목(木)이"."""
    if with_batchim == "으로":
        return word + ("로" if _ends_in_rieul(word) or not has_batchim(word) else "으로")
    return word + (with_batchim if has_batchim(word) else without)
