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

import saju

FINGERPRINT_CONTEXT = b"unse.readings.fingerprint.v1"
ENGINE_HASH_CHARS = 16


class PeriodRule(Enum):
    """What a kind of reading depends on in time (so the cache never serves last year's 세운)."""

    YEAR = "year"
    DATE = "date"
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

    @property
    def period_rule(self) -> PeriodRule:
        return PeriodRule.DATE if self is Kind.DAILY else PeriodRule.YEAR

    @property
    def chart_roles(self) -> tuple[ChartRole, ...]:
        """The charts a request of this kind carries, in order (a 궁합 kind will take (A, B))."""
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
    PLAIN = "plain"  # neutral, concise
    WARM = "warm"  # warm tone addressing the user as 선생님


def _fingerprint_secret() -> bytes:
    configured: str = settings.READINGS_FINGERPRINT_SECRET
    if configured:
        return configured.encode()
    return hmac.new(settings.SECRET_KEY.encode(), FINGERPRINT_CONTEXT, hashlib.sha256).digest()


def chart_fingerprint(normalized_birth: Mapping[str, object]) -> str:
    """HMAC-SHA256 (hex) of the normalized birth mapping (`BirthInput.to_mapping()`), keys sorted."""
    payload = orjson.dumps(dict(normalized_birth), option=orjson.OPT_SORT_KEYS)
    return hmac.new(_fingerprint_secret(), payload, hashlib.sha256).hexdigest()


@cache
def engine_version() -> str:
    """A hash of the engine's code and data tables: everything a chart, its analysis and the facts a
    prompt carries depend on. Part of the AI prompt version, so an engine fix never serves text written
    from the old chart (and of the worker's chart-document cache key)."""
    root = Path(saju.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in {".py", ".bin"}):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:ENGINE_HASH_CHARS]


def period_of(kind: Kind, reference: date) -> str:
    """The period the text depends on: the KST date for a daily reading, the year otherwise."""
    if kind.period_rule is PeriodRule.NONE:
        return ""
    if kind.period_rule is PeriodRule.DATE:
        return reference.isoformat()
    return str(reference.year)


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
