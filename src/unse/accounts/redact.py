"""The redacted reading of a share made without the owner's opt-in (issue 20, finding 2).

A reading's body gives the chart away: the 십신 section lists all eight characters, the 대운 table ages and
start years (birth year = start year − age + 1), the 격 names the month. Without consent a share shows only
the 한눈에 보기 summary, and of it only the sentences that name nothing of the chart but the day master:
a sentence with a digit, a hanja, a 간지 pair, another stem's name, a 격 or a 띠 is left out. Pure text.
"""

from __future__ import annotations

import re
from functools import cache

from saju.core import STEMS, Pillar, Stem

_HEADING = re.compile(r"^#{1,6}\s+(.*)$")
_SENTENCE_END = re.compile(r"(?<=[.!?。…])\s+")
_REVEALING = re.compile(
    r"[0-9\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[가-힣]{2}격(?![가-힣])|띠|명식 요약|대운|세운"
)
_MARKUP = re.compile(r"[*_`>#|\[\]]")


@cache
def _pillar_words() -> tuple[str, ...]:
    return tuple(Pillar.from_index(index).hangul for index in range(60))


def _stem_words(day_master: Stem | None) -> tuple[str, ...]:
    # "임수", "경금": a stem named with its element. The day master may stay; any other stem is a chart fact.
    return tuple(stem.hangul + stem.element.hangul for stem in STEMS if stem is not day_master)


def day_master_of(pillars: dict[str, str]) -> Stem | None:
    """The day stem of a saved reading's pillars ({"일주": "庚辰(경진)", …}); None when absent or unreadable."""
    day = pillars.get("일주", "")
    try:
        return Stem.parse(day[:1]) if day else None
    except ValueError:
        return None


def summary_section(text: str) -> list[str]:
    """The paragraphs of the 한눈에 보기 section, else of the first section that has text."""
    lines = text.splitlines()
    marked = [i for i, line in enumerate(lines) if "한눈에 보기" in (_heading(line) or "")]
    start = marked[0] + 1 if marked else 0
    body: list[str] = []
    for line in lines[start:]:
        if _heading(line) is not None:
            if any(part.strip() for part in body):
                break
            continue  # a title before the first text
        body.append(line)
    return [" ".join(p.split()) for p in "\n".join(body).split("\n\n") if p.strip()]


def _heading(line: str) -> str | None:
    match = _HEADING.match(line.strip())
    return match.group(1) if match else None


def redacted_summary(text: str, *, day_master: Stem | None) -> str:
    """Plain sentences of the summary that reveal nothing of the chart beyond the day master."""
    hidden = (*_pillar_words(), *_stem_words(day_master))
    kept: list[str] = []
    for paragraph in summary_section(text):
        if paragraph.lstrip().startswith(("|", "-", "*")) and not paragraph.lstrip().startswith("**"):
            continue  # tables and lists are chart data
        for sentence in _SENTENCE_END.split(_MARKUP.sub("", paragraph)):
            sentence = sentence.strip()
            if sentence and not _REVEALING.search(sentence) and not any(word in sentence for word in hidden):
                kept.append(sentence)
    return " ".join(kept)
