"""Engine part 2: the rule-based Korean reading, the daily fortune and the facts an LLM prompt may use."""

from saju.reading.build import build_reading, reading_to_json, reading_to_markdown
from saju.reading.daily import DailyFortune, daily_fortune, daily_to_json
from saju.reading.model import SECTION_KEYS, Reading, ReadingSection
from saju.reading.prompt import daily_facts_for_prompt, facts_for_prompt

__all__ = [
    "SECTION_KEYS",
    "DailyFortune",
    "Reading",
    "ReadingSection",
    "build_reading",
    "daily_facts_for_prompt",
    "daily_fortune",
    "daily_to_json",
    "facts_for_prompt",
    "reading_to_json",
    "reading_to_markdown",
]
