"""Engine part 2: the rule-based Korean reading, the daily fortune and the facts an LLM prompt may use."""

from saju.reading.build import (
    build_reading,
    reading_text,
    reading_to_json,
    reading_to_markdown,
    topic_markdown,
)
from saju.reading.daily import DailyFortune, ScoreFactor, daily_fortune, daily_to_json
from saju.reading.glossary import Term, glossary, terms_in
from saju.reading.model import SECTION_KEYS, Notice, Reading, ReadingSection
from saju.reading.prompt import daily_facts_for_prompt, facts_for_prompt
from saju.reading.voice import Voice

__all__ = [
    "SECTION_KEYS",
    "DailyFortune",
    "Notice",
    "Reading",
    "ReadingSection",
    "ScoreFactor",
    "Term",
    "Voice",
    "build_reading",
    "daily_facts_for_prompt",
    "daily_fortune",
    "daily_to_json",
    "facts_for_prompt",
    "glossary",
    "reading_text",
    "reading_to_json",
    "reading_to_markdown",
    "terms_in",
    "topic_markdown",
]
