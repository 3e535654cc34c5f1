"""Answers that need no model: the built-in interpreter's chat answer, and the chart material of a chat.

The built-in answer quotes the engine's rule-based reading sections that match the question's topics
and says plainly what it cannot answer (timing, yes/no outcomes, anything outside the reading).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from saju.core import PILLARS, STEMS, Element
from unse.chats.context import TOPIC_RULES, question_topics
from unse.chats.safety import normalized
from unse.readings.facts import PILLAR_LABELS
from unse.readings.grounding import GroundTruth

MAX_SECTIONS = 2
SECTION_TITLE_KEYS: dict[str, str] = {
    "타고난 성품": "personality",
    "오행의 균형과 용신": "elements",
    "십신으로 본 삶의 구조": "tengods",
    "합·충과 공망": "relations",
    "신살": "shinsal",
    "대운(10년 운)": "daewoon",
    "직업과 일": "career",
    "연애와 결혼": "love",
    "재물": "wealth",
    "건강": "health",
    "학업과 자기계발": "study",
}
_SEWOON_TITLE_RE = re.compile(r"^\d{4}년 세운$")
# Questions about *when* or *whether* something happens: the rule-based reading has no such answer.
TIMING_WORDS: tuple[str, ...] = (
    "언제",
    "몇살",
    "몇월",
    "몇년",
    "며칠",
    "날짜",
    "시기",
    "될까요",
    "될까",
    "할수있을까",
    "붙을까",
    "성공할까",
)
AVAILABLE_TOPICS = (
    "성품, 오행의 균형과 용신, 십신, 합·충과 공망, 신살, 대운, 올해 세운, 직업, 연애, 재물, 건강, 학업"
)
BUILTIN_INTRO = "기본 풀이(규칙 기반)에서 질문과 관련된 내용을 전해 드릴게요."
BUILTIN_TIMING = "다만 기본 풀이로는 정확한 시기나 결과(언제, 될지 안 될지)는 답할 수 없어요. 위 내용은 타고난 경향에 대한 참고로 읽어 주세요."
BUILTIN_CANNOT = (
    "기본 풀이(규칙 기반)로는 이 질문에 답할 수 없어요. 기본 풀이에 담긴 주제는 "
    f"{AVAILABLE_TOPICS}이에요. 이 가운데 궁금한 주제를 넣어 다시 물어봐 주세요."
)
BUILTIN_NO_SECTIONS = "이 상담에는 기본 풀이(규칙 기반) 자료가 없어 AI 없이 답할 수 없어요. 생년월일시로 새 상담을 시작하면 기본 풀이로도 답해 드릴 수 있어요."
# The warm mode opens gently; it never addresses the user by a title such as 선생님 (docs/analysis.md).
WARM_PREFIX = "차근차근 함께 살펴볼게요. "


@dataclass(frozen=True, slots=True)
class BuiltinAnswer:
    text: str
    section_titles: tuple[str, ...]
    answered: bool


def builtin_answer(*, question: str, sections: Sequence[Mapping[str, Any]], mode: str) -> BuiltinAnswer:
    flat = normalized(question)
    labels = question_topics(flat)
    wanted = [key for rule in TOPIC_RULES if rule.label in labels for key in rule.sections]
    usable = [s for s in sections if isinstance(s, Mapping) and s.get("key") and s.get("body")]
    chosen = [s for key in wanted for s in usable if s["key"] == key][:MAX_SECTIONS]
    prefix = WARM_PREFIX if mode == "warm" else ""
    if not usable:
        return BuiltinAnswer(prefix + BUILTIN_NO_SECTIONS, (), False)
    if not chosen:
        return BuiltinAnswer(prefix + BUILTIN_CANNOT, (), False)
    parts = [prefix + BUILTIN_INTRO]
    parts += [f"## {s['title']}\n\n{str(s['body']).strip()}" for s in chosen]
    if any(word in flat for word in TIMING_WORDS):
        parts.append(BUILTIN_TIMING)
    return BuiltinAnswer("\n\n".join(parts), tuple(str(s["title"]) for s in chosen), True)


def sections_from_markdown(text: str) -> list[dict[str, str]]:
    """The `## ` sections of a stored rule-based reading, keyed like the engine's sections."""
    sections: list[dict[str, str]] = []
    title: str | None = None
    body: list[str] = []

    def close() -> None:
        if title is None:
            return
        key = SECTION_TITLE_KEYS.get(title) or ("sewoon" if _SEWOON_TITLE_RE.match(title) else "other")
        sections.append({"key": key, "title": title, "body": "\n".join(body).strip()})

    for line in text.splitlines():
        if line.startswith("## "):
            close()
            title, body = line[3:].strip(), []
        elif line.strip() == "---":
            close()
            title, body = None, []
        elif title is not None:
            body.append(line)
    close()
    return [s for s in sections if s["body"]]


_STEM_BY_HANJA = {stem.hanja: stem for stem in STEMS}
_PILLAR_BY_HANJA = {pillar.hanja: pillar for pillar in PILLARS}
_ELEMENT_BY_HANGUL = {element.hangul: element for element in Element}


def truth_from_facts(facts: Mapping[str, Any]) -> GroundTruth | None:
    """The grounding truth from the readings part's prompt facts ("庚金(경금)", "庚午(경오)", "2개");
    None when the facts are not in that form (the grounding check is then skipped, never guessed)."""
    try:
        day_master = _STEM_BY_HANJA[str(facts["일간"])[0]]
        pillars = tuple(_PILLAR_BY_HANJA.get(str(facts["사주"][label])[:2]) for label in PILLAR_LABELS)
        by_element = {
            _ELEMENT_BY_HANGUL[name]: int(str(value).rstrip("개"))
            for name, value in dict(facts["오행 개수"]).items()
        }
        counts = tuple(by_element[element] for element in Element)
    except (KeyError, TypeError, ValueError, IndexError):
        return None
    truth = GroundTruth(day_master=day_master, pillars=pillars, element_counts=counts)
    return truth if truth.pillar("day") is not None else None
