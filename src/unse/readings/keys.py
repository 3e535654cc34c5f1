"""Chart fingerprints, reading kinds and the cache key of a stored reading.

The cache key is (chart fingerprints, kind, topic, mode, prompt version, model, period[, relation]). A
fingerprint is an HMAC of the engine's normalized birth mapping, so the same chart always finds the same
reading while the raw birth data of an anonymous visitor is never stored. A reading of two charts (a 궁합)
keys on both fingerprints in canonical (sorted) order plus the relation, so either person finds it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum
from functools import cache
from pathlib import Path

import orjson
from django.conf import settings

from saju.analysis import analyze, saju_year_on
from saju.birth import BirthInput
from saju.chart import Chart, chart_from_birth
from saju.core import Element
from saju.reading import daily_facts_for_prompt, facts_for_prompt

FINGERPRINT_CONTEXT = b"unse.readings.fingerprint.v1"
ENGINE_HASH_CHARS = 16
ENGINE_PROBES = Path(__file__).resolve().parent / "engine_probes.json"


class PeriodRule(Enum):
    """What a kind of reading depends on in time (so the cache never serves last year's 세운)."""

    YEAR = "year"  # the saju year, which starts at 입춘 (the chart's own 세운 year)
    DATE = "date"  # the KST date
    NONE = "none"  # timeless (a natal-only text): one stored reading for good


class ChartRole(Enum):
    """Whose chart a reading reads: the one person of a single-chart reading, or A and B of a 궁합 (the text
    speaks to A about A and B)."""

    SELF = "self"
    A = "a"
    B = "b"


class Kind(Enum):
    SAJU = "saju"  # the full natal reading; speaks of the current 대운 and this year's 세운
    DAILY = "daily"  # the fortune of one KST day (일진 against the natal chart)
    YEARLY = "yearly"  # 신년운세: one saju year (its 세운 and 12 월운) against the natal chart
    GUNGHAP = "gunghap"  # 궁합 of two charts (A, B) and a relation; speaks of this year's 세운

    @property
    def period_rule(self) -> PeriodRule:
        return PeriodRule.DATE if self is Kind.DAILY else PeriodRule.YEAR

    @property
    def chart_roles(self) -> tuple[ChartRole, ...]:
        """The charts a request of this kind carries, in order: one, or A and B for a 궁합."""
        if self is Kind.GUNGHAP:
            return (ChartRole.A, ChartRole.B)
        return (ChartRole.SELF,)


class Topic(Enum):
    GENERAL = "general"
    PERSONALITY = "personality"
    CAREER = "career"
    LOVE = "love"
    WEALTH = "wealth"
    HEALTH = "health"
    STUDY = "study"


class Mode(Enum):
    PLAIN = "plain"  # plain and concise, 합니다체
    WARM = "warm"  # the whole reading in a warm, encouraging 해요체; never addresses the user by a title


def _fingerprint_secret() -> bytes:
    configured: str = settings.READINGS_FINGERPRINT_SECRET
    if configured:
        return configured.encode()
    return hmac.new(settings.SECRET_KEY.encode(), FINGERPRINT_CONTEXT, hashlib.sha256).digest()


def chart_fingerprint(normalized_birth: Mapping[str, object]) -> str:
    """HMAC-SHA256 (hex) of the normalized birth mapping (`BirthInput.to_mapping()`), keys sorted."""
    payload = orjson.dumps(dict(normalized_birth), option=orjson.OPT_SORT_KEYS)
    return hmac.new(_fingerprint_secret(), payload, hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class EngineProbe:
    birth: Mapping[str, object]
    references: tuple[date, ...]

    def chart(self) -> Chart:
        return chart_from_birth(BirthInput.from_mapping(self.birth))


@cache
def engine_probes() -> tuple[EngineProbe, ...]:
    """The committed charts and dates that version the engine's facts (`engine_probes.json`)."""
    data = orjson.loads(ENGINE_PROBES.read_bytes())
    references = tuple(date.fromisoformat(day) for day in data["references"])
    return tuple(EngineProbe(birth=birth, references=references) for birth in data["births"])


def engine_facts(birth: Mapping[str, object], reference: date) -> dict[str, object]:
    """Everything the engine hands a prompt about one chart on one date: the facts of a full reading,
    of that day's 일진 and the element counts the grounding check reads."""
    chart = chart_from_birth(BirthInput.from_mapping(birth))
    analysis = analyze(chart, reference=reference)
    return {
        "reading": facts_for_prompt(chart, analysis, reference=reference),
        "daily": daily_facts_for_prompt(chart, analysis, reference),
        "element_counts": [analysis.balance.count(element) for element in Element],
    }


@cache
def engine_version() -> str:
    """A hash of the facts the engine gives a prompt, over a fixed committed set of charts and dates.

    Part of the AI prompt version: a change that alters what a prompt receives (a corrected 용신, a new
    relation) invalidates cached readings, while a refactor, a comment or a faster table does not — so
    engine work never throws away cached AI text or the night's pre-generated fortunes.
    """
    digest = hashlib.sha256()
    for probe in engine_probes():
        for reference in probe.references:
            digest.update(orjson.dumps(engine_facts(probe.birth, reference), option=orjson.OPT_SORT_KEYS))
    return digest.hexdigest()[:ENGINE_HASH_CHARS]


def period_of(kind: Kind, reference: date) -> str:
    """The period the text depends on: the KST date for a daily reading, the saju year (from 입춘)
    otherwise — a reading made on 20 January speaks of the 세운 that began last 입춘, and so does its key."""
    if kind.period_rule is PeriodRule.NONE:
        return ""
    if kind.period_rule is PeriodRule.DATE:
        return reference.isoformat()
    return str(saju_year_on(reference))


@dataclass(frozen=True, slots=True)
class CacheKey:
    """One stored reading's identity. `fingerprints` holds one chart's fingerprint, or several in canonical
    order (`CacheKey.of` sorts them); `relation` names how the people of a multi-chart reading relate."""

    fingerprints: tuple[str, ...]
    kind: Kind
    topic: Topic
    mode: Mode
    prompt_version: str
    model: str
    period: str
    relation: str = ""

    @classmethod
    def of(
        cls,
        fingerprints: tuple[str, ...],
        kind: Kind,
        topic: Topic,
        mode: Mode,
        *,
        prompt_version: str,
        model: str,
        period: str,
        relation: str = "",
    ) -> CacheKey:
        return cls(tuple(sorted(fingerprints)), kind, topic, mode, prompt_version, model, period, relation)

    @property
    def fingerprint(self) -> str:
        """The stored row's chart column: the chart of a single-chart reading (the first in canonical order)."""
        return self.fingerprints[0]

    @property
    def digest(self) -> str:
        """Stable 64-hex id of the key; unique in the readings table and the single-flight key. A one-chart
        key without a relation hashes exactly as before multi-chart keys existed (stored readings stay hits)."""
        parts = [
            "+".join(self.fingerprints),
            self.kind.value,
            self.topic.value,
            self.mode.value,
            self.prompt_version,
            self.model,
            self.period,
        ]
        if self.relation:
            parts.append(self.relation)
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
