"""Reading result types and the deterministic phrase chooser."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from saju.korean import has_batchim, josa

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


__all__ = ["SECTION_KEYS", "Reading", "ReadingSection", "has_batchim", "join_ko", "josa", "pick"]
