"""Reading result types and the deterministic phrase chooser."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

SECTION_KEYS: tuple[str, ...] = (
    "personality",
    "elements",
    "tengods",
    "relations",
    "shinsal",
    "daewoon",
    "sewoon",
    "career",
    "love",
    "wealth",
    "health",
    "study",
)


@dataclass(frozen=True, slots=True)
class ReadingSection:
    key: str
    title: str  # Korean
    body: str  # Korean Markdown


@dataclass(frozen=True, slots=True)
class Reading:
    reference: date
    year: int  # the saju year (from 입춘) the reading speaks of; the text depends on the date only through it
    headline: str  # one Korean sentence summing up the chart
    sections: tuple[ReadingSection, ...]

    def section(self, key: str) -> ReadingSection:
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(key)


def pick(options: Sequence[str], *facts: object) -> str:
    """Choose a phrasing from the facts a section depends on: stable across runs, varied across charts.

    Only the section's own facts go in, so a change elsewhere in the chart never rewords this section.
    """
    digest = zlib.crc32(repr(facts).encode("utf-8"))
    return options[digest % len(options)]


def join_ko(items: Sequence[str]) -> str:
    """"가, 나, 다" — a plain Korean list."""
    return ", ".join(items)


_HANGUL_FIRST = 0xAC00
_HANGUL_LAST = 0xD7A3
_JONGSEONG_COUNT = 28
_RIEUL = 8


def _last_syllable(word: str) -> str:
    text = word.rstrip()
    # "목(木)" and "**정관**" end in a bracket or markup: look at the Hangul before them.
    while text and not (_HANGUL_FIRST <= ord(text[-1]) <= _HANGUL_LAST or text[-1].isdigit()):
        if text[-1] == ")" and "(" in text:
            text = text[: text.rindex("(")]
        else:
            text = text[:-1]
    return text[-1] if text else ""


def has_batchim(word: str) -> bool:
    ch = _last_syllable(word)
    if ch.isdigit():
        return ch in "013678"
    if not ch:
        return False
    return (ord(ch) - _HANGUL_FIRST) % _JONGSEONG_COUNT != 0


def josa(word: str, with_batchim: str, without: str) -> str:
    """word + the particle that fits its last sound: josa("목(木)", "이", "가") → "목(木)이"."""
    if with_batchim == "으로":
        ch = _last_syllable(word)
        rieul = bool(ch) and not ch.isdigit() and (ord(ch) - _HANGUL_FIRST) % _JONGSEONG_COUNT == _RIEUL
        return word + ("로" if rieul or not has_batchim(word) else "으로")
    return word + (with_batchim if has_batchim(word) else without)
