"""Reading result types and the deterministic phrase chooser."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from saju.korean import has_batchim, josa
from saju.reading.voice import Voice

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
    conclusion: str  # one or two plain Korean sentences, no 명리 terms: what the section concludes
    body: str  # Korean Markdown: the 명리 reasons behind the conclusion


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the reader must know before trusting the text (an unknown hour, an uncertain month)."""

    key: str  # "time_unknown", "month_uncertain"
    text: str  # Korean


@dataclass(frozen=True, slots=True)
class Reading:
    reference: date
    year: int  # the saju year (from 입춘) the reading speaks of; the text depends on the date only through it
    voice: Voice
    headline: str  # one Korean sentence summing up the chart in 명리 terms
    glance: tuple[str, ...]  # 한눈에 보기: 3–5 plain sentences (what kind of person, what now, what to mind)
    notices: tuple[Notice, ...]
    sections: tuple[ReadingSection, ...]
    terms: tuple[str, ...]  # glossary terms the text uses (saju.reading.glossary), in glossary order

    def section(self, key: str) -> ReadingSection:
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(key)


def pick(options: Sequence[str], *facts: object) -> str:
    """Choose a phrasing from the facts a section depends on: stable across runs, varied across charts.

    Only the section's own facts go in, so a change elsewhere in the chart never rewords this section.
    The facts' repr must not depend on the process (no sets: their order follows randomized hashes).
    """
    digest = zlib.crc32(repr(facts).encode("utf-8"))
    return options[digest % len(options)]


def join_ko(items: Sequence[str]) -> str:
    """ "가, 나, 다" — a plain Korean list."""
    return ", ".join(items)


__all__ = [
    "SECTION_KEYS",
    "Notice",
    "Reading",
    "ReadingSection",
    "Voice",
    "has_batchim",
    "join_ko",
    "josa",
    "pick",
]
