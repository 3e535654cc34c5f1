"""Topic readings (`POST /api/v1/topics/{topic}`): one versioned prompt template per topic, same pipeline.

A topic reading is the `saju` reading with that topic, so it shares everything with `/api/v1/readings`
(cache key, single flight, limits, breaker, fallback, grounding, budget, SSE events): the same chart and
topic give the same stored reading whichever endpoint asked. What makes it a *topic* reading:

- the prompt template `prompts/topics/<topic>.md` names the FACTS items the model must ground the
  reading in (`TOPIC_GROUNDING` below lists the same items; a test keeps template, registry and the
  facts builder in step, and docs/topics-and-chat.md documents them);
- the built-in interpreter answers with the engine's rule-based sections of that topic
  (`unse.readings.builtin.TOPIC_SECTIONS`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from unse.core.errors import ErrorCode, ServiceError
from unse.readings.keys import Kind, Topic
from unse.readings.requests import ReadingRequest, reading_request


@dataclass(frozen=True, slots=True)
class TopicSpec:
    topic: Topic
    title: str  # Korean, shown to users
    # FACTS paths ("분석.ten_gods") the template tells the model to ground the reading in.
    grounding: tuple[str, ...]


TOPIC_SPECS: dict[str, TopicSpec] = {
    spec.topic.value: spec
    for spec in (
        TopicSpec(
            Topic.CAREER,
            "직업과 일",
            (
                "일간",
                "분석.strength",
                "분석.ten_gods",
                "분석.gyeok",
                "분석.patterns",
                "분석.yongsin",
                "분석.shinsal",
                "분석.daewoon",
                "분석.sewoon",
            ),
        ),
        TopicSpec(
            Topic.LOVE,
            "연애와 인간관계",
            ("사주", "분석.ten_gods", "분석.relations", "분석.shinsal", "분석.sewoon"),
        ),
        TopicSpec(
            Topic.WEALTH,
            "재물",
            (
                "분석.ten_gods",
                "분석.strength",
                "오행 개수",
                "분석.elements_percent",
                "분석.yongsin",
                "분석.sewoon",
            ),
        ),
        TopicSpec(
            Topic.HEALTH,
            "건강과 생활 습관",
            (
                "오행 개수",
                "분석.elements_percent",
                "분석.elements_excess",
                "분석.elements_absent",
                "분석.strength",
                "분석.yongsin",
                "분석.shinsal",
            ),
        ),
        TopicSpec(
            Topic.STUDY,
            "공부와 자기계발",
            ("일간", "분석.ten_gods", "분석.patterns", "분석.shinsal", "분석.sewoon"),
        ),
    )
}
TOPIC_NAMES: tuple[str, ...] = tuple(TOPIC_SPECS)
# Grounding paths are written without the template's backticks; this separates a path's levels.
PATH_SEPARATOR = "."


def topic_spec(*, topic: str) -> TopicSpec:
    """The spec of a topic name from the URL; an unknown topic is a 404 that lists the known ones."""
    spec = TOPIC_SPECS.get(topic)
    if spec is None:
        raise ServiceError(
            ErrorCode.NOT_FOUND,
            message=f"지원하지 않는 주제입니다. {', '.join(TOPIC_NAMES)} 중에서 골라 주세요.",
            details={"topics": list(TOPIC_NAMES)},
        )
    return spec


def facts_path_exists(facts: Mapping[str, Any], path: str) -> bool:
    node: Any = facts
    for part in path.split(PATH_SEPARATOR):
        if not isinstance(node, Mapping) or part not in node:
            return False
        node = node[part]
    return True


def topic_request(*, topic: str, birth: Mapping[str, object], mode: str) -> ReadingRequest:
    """The `saju` reading request of a topic name from the URL (an unknown topic is NOT_FOUND)."""
    spec = topic_spec(topic=topic)
    return reading_request(birth=birth, kind=Kind.SAJU.value, topic=spec.topic.value, mode=mode)
