"""Daily fortunes by class (docs/scaling.md): a daily reading is stored per day signature, not per chart.

The AI (or built-in) text of a day is generated once per (signature, KST date, prompt version, model): the
cache key's fingerprint is `class_fingerprint(signature)` instead of the chart's HMAC, the prompt carries
`saju.reading.signature.signature_facts` only, and the grounding check rejects a class text that names a
pillar, a position or an element count (`GroundTruth.personal=False`). What is specific to one person is
written by the engine (`daily_personal`) and appended to the class text when it is served
(`ReadingSession.epilogue`): every reader of a class row gets the shared text + their own lines.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from functools import cache

import orjson

from saju.analysis import Analysis, analyze
from saju.analysis.analyze import ChartLike
from saju.reading.signature import (
    SIGNATURE_VERSION,
    DaySignature,
    daily_personal,
    day_signature,
    personal_markdown,
    signature_facts,
    signature_key,
)
from unse.readings.grounding import GroundTruth
from unse.readings.keys import engine_probes

CLASS_CONTEXT = b"unse.readings.dayclass.v1\x00"
SIGNATURE_HASH_CHARS = 16


@dataclass(frozen=True, slots=True)
class DayClass:
    signature: DaySignature
    fingerprint: str  # the class's stand-in for the chart fingerprint in the cache key
    personal: str  # Markdown: the person's own lines, appended to the class text


def class_facts(signature: DaySignature, day: date) -> dict[str, object]:
    """What the daily prompt receives (and the class row stores): the signature's facts only."""
    return signature_facts(signature, day)


def class_truth(analysis: Analysis) -> GroundTruth:
    """The grounding of a class text: the day master is shared by the class (checked), and any pillar,
    position or element count is a finding (`GroundTruth.personal=False`)."""
    return GroundTruth(day_master=analysis.day_master, pillars=(), element_counts=(), personal=False)


def class_fingerprint(signature: DaySignature) -> str:
    """A 64-hex id of the signature (the stored row never holds the signature's fields in clear)."""
    return hashlib.sha256(CLASS_CONTEXT + signature_key(signature).encode()).hexdigest()


def day_class(chart: ChartLike, analysis: Analysis, day: date) -> DayClass:
    signature = day_signature(chart, analysis, day)
    personal = personal_markdown(daily_personal(chart, analysis, day))
    return DayClass(signature=signature, fingerprint=class_fingerprint(signature), personal=personal)


@cache
def signature_version() -> str:
    """A hash of what the daily prompt receives for the committed probe charts and dates (part of the
    daily prompt version, next to the signature's own version)."""
    digest = hashlib.sha256(f"v{SIGNATURE_VERSION}".encode())
    for probe in engine_probes():
        chart = probe.chart()
        for reference in probe.references:
            signature = day_signature(chart, analyze(chart, reference=reference), reference)
            digest.update(orjson.dumps(signature_facts(signature, reference), option=orjson.OPT_SORT_KEYS))
    return digest.hexdigest()[:SIGNATURE_HASH_CHARS]
