"""The fake LLM's answer: a plausible Korean reading that echoes the chart facts it was given.

The facts come from the `FACTS:` JSON block of the last user message (the readings part's prompt format).
Every scalar fact is repeated verbatim, so a grounding check that compares the reading with the chart
passes; the `contradict` fault swaps the day master for another stem so that it fails.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import orjson

FACTS_MARKER = "FACTS:"
STEMS_HANJA = "甲乙丙丁戊己庚辛壬癸"
STEMS_HANGUL = "갑을병정무기경신임계"
MAX_TOKEN_CHARS = 2
DAY_MASTER_KEY = re.compile(r"day_?master|일간", re.IGNORECASE)

INTRO = "## 사주 풀이\n\n명식을 차분히 살펴보겠습니다. "
FILLER = (
    "타고난 기운의 균형을 살피면 서두르기보다 꾸준함이 힘이 됩니다. ",
    "주변 사람과의 관계에서 배려가 좋은 흐름을 만듭니다. ",
    "건강과 재정 문제는 단정하지 말고 전문가와 상의하시길 권합니다. ",
    "이 풀이는 참고용이며 운명을 확정하지 않습니다. ",
)


def facts_of(messages: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    for message in reversed(messages):
        content = message.get("content")
        if message.get("role") != "user" or not isinstance(content, str):
            continue
        _, marker, tail = content.partition(FACTS_MARKER)
        if not marker:
            continue
        try:
            data = orjson.loads(tail.strip())
        except orjson.JSONDecodeError:
            return {}
        return data if isinstance(data, dict) else {}
    return {}


def _wrong_stem(value: str) -> str:
    for alphabet in (STEMS_HANJA, STEMS_HANGUL):
        for index, char in enumerate(alphabet):
            if char in value:
                return value.replace(char, alphabet[(index + 5) % len(alphabet)])
    return value + "(甲)" if "甲" not in value else value.replace("甲", "庚")


def _contradicted(facts: Any) -> Any:
    if isinstance(facts, dict):
        out: dict[str, Any] = {}
        for key, value in facts.items():
            if DAY_MASTER_KEY.search(str(key)):
                out[key] = _contradict_value(value)
            else:
                out[key] = _contradicted(value)
        return out
    if isinstance(facts, list):
        return [_contradicted(item) for item in facts]
    return facts


def _contradict_value(value: Any) -> Any:
    if isinstance(value, str):
        return _wrong_stem(value)
    if isinstance(value, dict):
        return {key: _contradict_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_contradict_value(item) for item in value]
    return value


def _fact_sentences(facts: Any, prefix: str = "") -> Iterable[str]:
    if isinstance(facts, dict):
        for key, value in facts.items():
            yield from _fact_sentences(value, f"{prefix}{key} ")
    elif isinstance(facts, list):
        if all(not isinstance(item, dict | list) for item in facts):
            yield f"{prefix.strip()}: {' '.join(str(item) for item in facts)}. "
        else:
            for item in facts:
                yield from _fact_sentences(item, prefix)
    elif facts is not None and str(facts) != "":
        yield f"{prefix.strip()}: {facts}. "


def answer_text(messages: Sequence[Mapping[str, Any]], *, contradict: bool = False) -> str:
    facts = facts_of(messages)
    if contradict:
        facts = _contradicted(facts) if facts else {"day_master": "甲"}
    return INTRO + "".join(_fact_sentences(facts)) + "\n\n"


def split_tokens(text: str) -> list[str]:
    """Pieces of one to two characters (spaces travel with the next word), like a Korean tokenizer."""
    tokens: list[str] = []
    for word in re.findall(r"\s*\S+|\s+", text):
        lead = len(word) - len(word.lstrip())
        head, body = word[:lead], word[lead:]
        pieces = [body[i : i + MAX_TOKEN_CHARS] for i in range(0, len(body), MAX_TOKEN_CHARS)] or [""]
        pieces[0] = head + pieces[0]
        tokens.extend(piece for piece in pieces if piece)
    return tokens


def answer_tokens(text: str, count: int) -> list[str]:
    """Exactly `count` tokens: the answer (cut if longer), then filler sentences until the count is reached.

    `count` 0 means the whole answer as it is."""
    if count == 0:
        return split_tokens(text)
    tokens = split_tokens(text)[:count]
    filler = 0
    while len(tokens) < count:
        tokens.extend(split_tokens(FILLER[filler % len(FILLER)])[: count - len(tokens)])
        filler += 1
    return tokens
