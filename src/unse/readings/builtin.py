"""The built-in interpreter: the engine's rule-based Korean reading, streamed through the same path.

It is the default when no provider key is configured (the product works offline and in tests) and the
fallback when every provider fails. Its "model" id carries a hash of the texts it writes for the committed
probe charts and dates (`keys.engine_probes`), so a change of the rules' output never serves a stale
stored text, while a refactor of the engine keeps every stored one.
"""

from __future__ import annotations

import hashlib
from datetime import date
from functools import cache

from saju.analysis import Analysis, analyze
from saju.chart import Chart
from saju.reading import Voice, build_reading, reading_to_markdown, topic_markdown
from saju.reading.signature import day_signature, signature_markdown
from unse.readings.keys import Kind, Mode, Topic, engine_probes
from unse.readings.yearly import yearly_builtin_text, yearly_engine_version

BUILTIN_PROVIDER = "builtin"
RULES_HASH_CHARS = 12
VOICE: dict[Mode, Voice] = {Mode.PLAIN: Voice.PLAIN, Mode.WARM: Voice.WARM}
TOPIC_SECTIONS: dict[Topic, tuple[str, ...]] = {
    Topic.PERSONALITY: ("personality", "elements", "tengods"),
    Topic.CAREER: ("career", "daewoon", "sewoon"),
    Topic.LOVE: ("love", "relations", "sewoon"),
    Topic.WEALTH: ("wealth", "sewoon"),
    Topic.HEALTH: ("health", "elements"),
    Topic.STUDY: ("study", "tengods"),
}


@cache
def _rules_hash() -> str:
    """A hash of what this interpreter writes for the probe charts: every kind, topic and mode."""
    digest = hashlib.sha256()
    for probe in engine_probes():
        chart = probe.chart()
        for reference in probe.references:
            analysis = analyze(chart, reference=reference)
            for mode in Mode:
                reading = build_reading(chart, analysis, reference=reference, voice=VOICE[mode])
                texts = [
                    reading_to_markdown(reading),
                    *(topic_markdown(reading, keys) for keys in TOPIC_SECTIONS.values()),
                ]
                texts.append(
                    reading_text(
                        chart, analysis, kind=Kind.DAILY, topic=Topic.GENERAL, mode=mode, reference=reference
                    )
                )
                for text in texts:
                    digest.update(text.encode())
    return digest.hexdigest()[:RULES_HASH_CHARS]


def _kind_suffix(kind: Kind | None) -> str:
    # A yearly text follows the yearly rules too; the other kinds' ids stay as they were.
    return f"-y{yearly_engine_version()}" if kind is Kind.YEARLY else ""


def model_id(kind: Kind | None = None) -> str:
    return f"builtin-rules-{_rules_hash()}{_kind_suffix(kind)}"


def prompt_version(kind: Kind | None = None) -> str:
    return f"rules-{_rules_hash()}{_kind_suffix(kind)}"


def reading_text(
    chart: Chart, analysis: Analysis, *, kind: Kind, topic: Topic, mode: Mode, reference: date
) -> str:
    """The rule-based text of one (kind, topic, mode): it opens with 한눈에 보기, and the warm mode is the
    engine's warm voice over the whole text (해요체, encouragement), never a greeting line or a title."""
    voice = VOICE[mode]
    if kind is Kind.YEARLY:
        return yearly_builtin_text(chart, analysis, mode=mode, reference=reference)
    if kind is Kind.DAILY:
        # The class text (the person's own lines are appended when served: unse.readings.dayclass).
        text = signature_markdown(day_signature(chart, analysis, reference), reference, voice=voice)
    else:
        reading = build_reading(chart, analysis, reference=reference, voice=voice)
        if topic is Topic.GENERAL:
            text = reading_to_markdown(reading)
        else:
            text = topic_markdown(reading, TOPIC_SECTIONS[topic])
    return text.strip() + "\n"
