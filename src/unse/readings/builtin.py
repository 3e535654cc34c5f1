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
from saju.birth import BirthInput
from saju.chart import Chart, chart_from_birth
from saju.reading import build_reading, daily_fortune, reading_to_markdown
from saju.reading.daily import DailyFortune
from unse.readings.keys import Kind, Mode, Topic, engine_probes

BUILTIN_PROVIDER = "builtin"
RULES_HASH_CHARS = 12
WARM_OPENING = "선생님, 선생님의 명식을 차근차근 풀어 드릴게요.\n\n"
WARM_DAILY_OPENING = "선생님, 오늘 하루의 흐름을 살펴 드릴게요.\n\n"
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
    """A hash of what this interpreter writes for the probe charts: every kind and mode (a topic's text is
    sections of the full reading, chosen by TOPIC_SECTIONS, which is hashed too)."""
    digest = hashlib.sha256(repr(sorted((t.value, keys) for t, keys in TOPIC_SECTIONS.items())).encode())
    for probe in engine_probes():
        chart = chart_from_birth(BirthInput.from_mapping(probe.birth))
        for reference in probe.references:
            analysis = analyze(chart, reference=reference)
            for kind in Kind:
                for mode in Mode:
                    text = reading_text(chart, analysis, kind=kind, topic=Topic.GENERAL, mode=mode, reference=reference)
                    digest.update(text.encode())
    return digest.hexdigest()[:RULES_HASH_CHARS]


def model_id() -> str:
    return f"builtin-rules-{_rules_hash()}"


def prompt_version() -> str:
    return f"rules-{_rules_hash()}"


def daily_markdown(fortune: DailyFortune) -> str:
    lines = [
        f"## {fortune.title}",
        "",
        f"{fortune.summary}",
        "",
        f"- 오늘의 점수: {'★' * fortune.score}{'☆' * (5 - fortune.score)} ({fortune.score}/5)",
        f"- 행운의 색: {fortune.lucky_color}, 행운의 방향: {fortune.lucky_direction}",
    ]
    lines += [f"- {note}" for note in fortune.notes]
    lines += ["", "### 오늘의 조언", ""]
    lines += [f"- {advice}" for advice in fortune.advice]
    return "\n".join(lines)


def reading_text(chart: Chart, analysis: Analysis, *, kind: Kind, topic: Topic, mode: Mode, reference: date) -> str:
    if kind is Kind.DAILY:
        text = daily_markdown(daily_fortune(chart, analysis, reference))
        opening = WARM_DAILY_OPENING
    else:
        reading = build_reading(chart, analysis, reference=reference)
        opening = WARM_OPENING
        if topic is Topic.GENERAL:
            text = reading_to_markdown(reading)
        else:
            wanted = TOPIC_SECTIONS[topic]
            sections = [section for key in wanted for section in reading.sections if section.key == key]
            text = "\n\n".join(f"## {section.title}\n\n{section.body.strip()}" for section in sections)
    if mode is Mode.WARM:
        text = opening + text
    return text.strip() + "\n"
