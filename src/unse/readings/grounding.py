"""Grounding check: the day master, pillars and element counts a finished AI reading names must be real.

The check is deliberately conservative: it only reads statements it can parse without doubt ("일간은
庚金", "경금 일간", "일주는 경오(庚午)", "목 2개") and compares them with the computed chart. A statement
it cannot parse is not a contradiction. A contradiction is logged, counted in metrics, and the reading is
delivered with a `notice` but never cached (docs/ai-pipeline.md).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from saju.core import PILLARS, STEMS, Element, Pillar, Stem

POSITIONS: dict[str, str] = {"연주": "year", "년주": "year", "월주": "month", "일주": "day", "시주": "hour"}
POSITION_HANGUL: dict[str, str] = {"year": "연주", "month": "월주", "day": "일주", "hour": "시주"}

_STEM_HANJA = "".join(stem.hanja for stem in STEMS)
_STEM_BY_NAME: dict[str, Stem] = {}
for _stem in STEMS:
    _STEM_BY_NAME[_stem.hanja] = _stem
    _STEM_BY_NAME[_stem.hangul + _stem.element.hangul] = _stem
    _STEM_BY_NAME[_stem.hanja + _stem.element.value] = _stem
_PILLAR_BY_NAME: dict[str, Pillar] = {}
for _pillar in PILLARS:
    _PILLAR_BY_NAME[_pillar.hanja] = _pillar
    _PILLAR_BY_NAME[_pillar.hangul] = _pillar
_ELEMENT_BY_NAME: dict[str, Element] = {}
for _element in Element:
    _ELEMENT_BY_NAME[_element.value] = _element
    _ELEMENT_BY_NAME[_element.hangul] = _element

_STEM_WITH_ELEMENT = "|".join(
    sorted((name for name in _STEM_BY_NAME if len(name) == 2), key=len, reverse=True)
)
_STEM_TOKEN = rf"(?:{_STEM_WITH_ELEMENT}|[{_STEM_HANJA}])"
_DAY_MASTER_RES = (
    # "庚金 일간", "경금 일간", "庚(경금) 일간"
    re.compile(rf"({_STEM_TOKEN})\s*(?:\([^()]{{1,6}}\))?\s*일간"),
    # "일간은 庚金", "일간: 경금", "일간인 庚"
    re.compile(rf"일간(?:[은는이인]|\s|[:：]|이에요|입니다)*\s*({_STEM_TOKEN})"),
)
_PILLAR_HANJA = "|".join(pillar.hanja for pillar in PILLARS)
_PILLAR_HANGUL = "|".join(pillar.hangul for pillar in PILLARS)
# A hangul pillar name must end the word or be followed by a particle ("경오(庚午)", "갑자이고"), so
# ordinary words that happen to start with the same syllables are not read as pillars.
_PILLAR_RE = re.compile(
    rf"(연주|년주|월주|일주(?!일)|시주)(?:[은는이가의]|\s|[:：]|\(.{{1,4}}\))*\s*"
    rf"({_PILLAR_HANJA}|(?:{_PILLAR_HANGUL})(?:(?![가-힣])|(?=[이은는가의와과로입예])))"
)
_ELEMENT_COUNT_RE = re.compile(
    r"(?:([木火土金水])|(?<![가-힣])(목|화|토|금|수))(?:\s*\([^()]{1,3}\))?\s*(?:기운|오행)?\s*(?:[이가은는:：]\s*)?(\d{1,2})\s*개"
)

# "세운은 丁未", "세운: 정미(丁未)", "올해 세운 丁未" — the pillar named right after 세운 (not 대운 or 월운).
_SEWOON_RE = re.compile(
    rf"세운(?:[은는이가의]|\s|[:：])*\s*"
    rf"({_PILLAR_HANJA}|(?:{_PILLAR_HANGUL})(?:(?![가-힣])|(?=[이은는가의와과로입예])))"
)


# A class text (the daily fortune shared by every chart of one day signature) may name no pillar and no
# position: those differ between the members of the class. 일간 (the day master, part of the signature) is
# allowed, and so are 연간/월간/시간 (also "yearly", "monthly", "time"): the stem positions are named by pillar.
_POSITION_RE = re.compile(r"(연주|년주|월주|일주(?!일)|시주|연지|년지|월지|일지|시지)")
# Every hanja pillar; a hangul one only as a day ("갑자일에") or with its hanja ("갑자(甲子)"), since many
# are ordinary words too (임신, 기사, 신사).
_ANY_PILLAR_RE = re.compile(rf"({_PILLAR_HANJA}|(?<![가-힣])(?:{_PILLAR_HANGUL})(?=일|\())")


PILLAR_POSITIONS = ("year", "month", "day", "hour")


@dataclass(frozen=True, slots=True)
class GroundTruth:
    """What a reading's text is checked against. Tuples, not mappings: an AI stream keeps its truth until its
    answer is complete (two dicts were ≈ 0.4 KiB per open stream; the counts are the analysis' own tuple)."""

    day_master: Stem
    # In PILLAR_POSITIONS order; the hour None when the birth time is unknown; empty for a class text.
    pillars: tuple[Pillar | None, ...]
    element_counts: tuple[int, ...]  # in Element order (ElementBalance.counts); empty for a class text
    sewoon: Pillar | None = None  # the year's pillar of a yearly reading ("2027년 세운은 丁未")
    # False for a class text: any pillar, position or element count it names is a finding.
    personal: bool = True

    def pillar(self, position: str) -> Pillar | None:
        index = PILLAR_POSITIONS.index(position)
        return self.pillars[index] if index < len(self.pillars) else None

    def count(self, element: Element) -> int:
        return self.element_counts[element.index] if self.element_counts else 0


@dataclass(frozen=True, slots=True)
class Finding:
    """One contradiction between the text and the chart (stable `kind`, Korean description)."""

    kind: str
    said: str
    actual: str

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "said": self.said, "actual": self.actual}


def element_counts_of(pillars: Sequence[Pillar | None]) -> tuple[int, ...]:
    """Counts of the eight (six without the hour) characters by element (in Element order): stems and
    branches' own element."""
    counts = [0] * len(Element)
    for pillar in pillars:
        if pillar is None:
            continue
        counts[pillar.stem.element.index] += 1
        counts[pillar.branch.element.index] += 1
    return tuple(counts)


def class_findings(text: str) -> list[Finding]:
    """What a class text must not say: a pillar, a position, or an element count (they differ by member)."""
    findings = [Finding("class_position", m.group(1), "(이름 없음)") for m in _POSITION_RE.finditer(text)]
    findings += [Finding("class_pillar", m.group(1), "(이름 없음)") for m in _ANY_PILLAR_RE.finditer(text)]
    findings += [
        Finding("class_element_count", m.group(0), "(이름 없음)") for m in _ELEMENT_COUNT_RE.finditer(text)
    ]
    return findings


def grounding_findings(text: str, truth: GroundTruth) -> list[Finding]:
    findings: list[Finding] = [] if truth.personal else class_findings(text)
    for pattern in _DAY_MASTER_RES:
        for match in pattern.finditer(text):
            stem = _STEM_BY_NAME.get(match.group(1))
            if stem is not None and stem is not truth.day_master:
                findings.append(Finding("day_master", match.group(1), truth.day_master.hanja))
    if not truth.personal:
        return findings
    for match in _PILLAR_RE.finditer(text):
        position = POSITIONS[match.group(1)]
        said = _PILLAR_BY_NAME[match.group(2)]
        actual = truth.pillar(position)
        if actual is None or said != actual:
            findings.append(
                Finding(
                    f"pillar_{position}", match.group(2), actual.hanja if actual is not None else "(없음)"
                )
            )
    for match in _ELEMENT_COUNT_RE.finditer(text):
        element = _ELEMENT_BY_NAME[match.group(1) or match.group(2)]
        said_count = int(match.group(3))
        actual_count = truth.count(element)
        if said_count != actual_count:
            findings.append(Finding(f"element_{element.name.lower()}", str(said_count), str(actual_count)))
    if truth.sewoon is not None:
        for match in _SEWOON_RE.finditer(text):
            said = _PILLAR_BY_NAME[match.group(1)]
            if said != truth.sewoon:
                findings.append(Finding("pillar_sewoon", match.group(1), truth.sewoon.hanja))
    return findings


# --- two charts (궁합) ----------------------------------------------------------------------------------

_BRANCH_HANJA = "子丑寅卯辰巳午未申酉戌亥"
# Two hanja right before the kind leave no doubt that a relation is named, whatever particle follows.
_BRANCH_RELATION_RE = re.compile(rf"([{_BRANCH_HANJA}]{{2}})\s?(육합|반합|원진|귀문|충|형|파|해)")
_STEM_RELATION_RE = re.compile(rf"([{_STEM_HANJA}]{{2}})\s?(천간합|천간충|합|충)")
_STEM_WORDS = {"합": "천간합", "충": "천간충"}


@dataclass(frozen=True, slots=True)
class PairTruth:
    """The two charts of a 궁합 and every relation the pair has (between the charts, within each chart, and
    with this year's and each current 대운's pillar): `(order-free characters, kind)`.

    A statement about a day master, a pillar or an element count is grounded when it holds for either
    person (the text may speak of either); a relation named by its characters must be one the pair has.
    """

    a: GroundTruth
    b: GroundTruth
    relations: frozenset[tuple[frozenset[str], str]]


def relation_token(chars: str, kind: str) -> tuple[frozenset[str], str]:
    return frozenset(chars), _STEM_WORDS.get(kind, kind) if chars[0] in _STEM_HANJA else kind


def _pair_findings(text: str, truth: PairTruth) -> list[Finding]:
    found_a = {(f.kind, f.said) for f in grounding_findings(text, truth.a)}
    findings = [f for f in grounding_findings(text, truth.b) if (f.kind, f.said) in found_a]
    for pattern in (_BRANCH_RELATION_RE, _STEM_RELATION_RE):
        for match in pattern.finditer(text):
            token = relation_token(match.group(1), match.group(2))
            if token not in truth.relations:
                findings.append(Finding("relation", match.group(0), "(두 사람에게 없는 관계)"))
    return findings


def text_findings(text: str, truth: GroundTruth | PairTruth) -> list[Finding]:
    """The contradictions of a finished text with one chart or with a pair of charts."""
    if isinstance(truth, PairTruth):
        return _pair_findings(text, truth)
    return grounding_findings(text, truth)
