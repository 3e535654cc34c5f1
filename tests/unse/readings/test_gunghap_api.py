"""궁합 over HTTP: facts + score + rule-based reading, the AI reading (JSON and SSE) through the pipeline,
errors naming the person, the cache across a swapped pair, grounding against both charts."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from django.test import AsyncClient

from tests.unse.conftest import parse_sse
from tests.unse.readings.llm_fixtures import LLM
from unse.readings.models import Reading

pytestmark = pytest.mark.django_db(transaction=True)

GUNGHAP = "/api/v1/gunghap"
READING = "/api/v1/gunghap/reading"
A: dict[str, object] = {"datetime": "1990-05-15T14:30", "gender": "female"}
B: dict[str, object] = {"datetime": "1988-02-03T09:10", "gender": "male"}


async def post(path: str, body: dict[str, Any]) -> Any:
    return await AsyncClient().post(path, data=orjson.dumps(body), content_type="application/json")


async def stream_body(response: Any) -> bytes:
    return b"".join([chunk async for chunk in response.streaming_content])


def swap_names(text: str) -> str:
    return text.replace("A님", "\0").replace("B님", "A님").replace("\0", "B님")


async def test_facts_score_breakdown_and_rule_reading() -> None:
    response = await post(GUNGHAP, {"a": A, "b": B, "relation": "friend"})
    assert response.status_code == 200
    data = orjson.loads(response.content)
    compat = data["compatibility"]
    assert data["relation"] == "friend" and 0 <= compat["score"]["total"] <= 100
    assert [c["category"] for c in compat["score"]["breakdown"]][:2] == ["day_master", "day_branch"]
    assert all(f["rule"] for f in compat["facts"])
    assert 3 <= len(data["reading"]["glance"]) <= 5
    assert data["charts"]["a"]["pillars"]["day"] == "庚辰" and data["charts"]["b"]["pillars"]["day"] == "戊子"


async def test_the_same_score_either_way_round() -> None:
    ab = orjson.loads((await post(GUNGHAP, {"a": A, "b": B, "relation": "parent"})).content)
    ba = orjson.loads((await post(GUNGHAP, {"a": B, "b": A, "relation": "child"})).content)
    assert ab["compatibility"]["score"] == ba["compatibility"]["score"]


@pytest.mark.parametrize(
    ("body", "person", "field"),
    [
        ({"a": A, "b": {"datetime": "1988-02-30"}}, "둘째 사람(B)", "b.birth"),
        ({"a": {"datetime": "1990-13-01"}, "b": B}, "첫째 사람(A)", "a.birth"),
        ({"a": {"datetime": "2090-01-01"}, "b": B}, "첫째 사람(A)", "a.birth"),  # born after today
    ],
)
async def test_a_bad_birth_names_the_person(body: dict[str, Any], person: str, field: str) -> None:
    for path in (GUNGHAP, READING):
        response = await post(path, body)
        assert response.status_code == 400, path
        error = orjson.loads(response.content)["error"]
        assert error["code"] == "VALIDATION_ERROR" and person in error["message"]
        assert error["details"]["field"] == field


async def test_a_schema_error_names_the_person() -> None:
    response = await post(GUNGHAP, {"a": A, "b": {"gender": "male"}})
    error = orjson.loads(response.content)["error"]
    assert response.status_code == 400 and "둘째 사람(B)" in error["message"]
    assert error["details"]["fields"][0]["field"] == "b.datetime"
    response = await post(GUNGHAP, {"a": A, "b": B, "relation": "enemy"})
    assert response.status_code == 400


async def test_builtin_reading_is_cached_for_the_pair_either_way_round() -> None:
    first = orjson.loads((await post(READING, {"a": A, "b": B})).content)
    assert first["generated_by"]["type"] == "rules" and not first["cached"]
    assert "[A]" not in first["text"] and "A님" in first["text"] and "[A]" not in first["html"]
    swapped = orjson.loads((await post(READING, {"a": B, "b": A})).content)
    assert swapped["cached"] and swapped["reading_id"] == first["reading_id"]
    # The stored text was written once; each order reads its own A and B in the right places.
    assert swapped["text"] == swap_names(first["text"])
    assert await Reading.objects.acount() == 1


async def test_parent_and_child_share_one_reading_but_not_with_a_couple() -> None:
    parent = orjson.loads((await post(READING, {"a": A, "b": B, "relation": "parent"})).content)
    child = orjson.loads((await post(READING, {"a": B, "b": A, "relation": "child"})).content)
    couple = orjson.loads((await post(READING, {"a": A, "b": B, "relation": "couple"})).content)
    assert child["cached"] and child["reading_id"] == parent["reading_id"]
    assert couple["reading_id"] != parent["reading_id"]


async def test_ai_reading_streams_with_names_filled_and_is_cached(
    llm: LLM, providers: list[dict[str, Any]]
) -> None:
    llm.set(
        text="## 한눈에 보기\n\n[A]님과 [B]님은 서로를 북돋웁니다. 두 일지는 子辰 반합(水)입니다.", tokens=0
    )
    body = await stream_body(await post(f"{READING}?stream=1", {"a": A, "b": B}))
    events = parse_sse(body)
    assert events[0][0] == "meta" and set(events[0][1]["chart"]) == {"a", "b", "relation"}
    text = "".join(data["text"] for name, data in events if name == "delta")
    assert events[-1][0] == "done" and events[-1][1]["stored"]
    assert text.startswith("## 한눈에 보기\n\nA님과 B님은") and "[" not in text
    again = orjson.loads((await post(READING, {"a": B, "b": A})).content)
    assert again["cached"] and "B님과 A님은" in again["text"]


async def test_ai_text_naming_a_relation_the_pair_lacks_is_not_stored(
    llm: LLM, providers: list[dict[str, Any]]
) -> None:
    llm.set(text="## 한눈에 보기\n\n[A]님과 [B]님의 일지는 寅申 충이라 자주 부딪힙니다.")
    events = parse_sse(await stream_body(await post(f"{READING}?stream=1", {"a": A, "b": B})))
    notices = [data for name, data in events if name == "notice"]
    assert notices and notices[0]["code"] == "GROUNDING_MISMATCH"
    assert events[-1][0] == "done" and not events[-1][1]["stored"]
    assert await Reading.objects.acount() == 0
