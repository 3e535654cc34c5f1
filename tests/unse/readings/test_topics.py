"""Topic readings over HTTP (ASGI handler): built-in interpreter, the fake LLM over real HTTP, faults."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

import orjson
import pytest
from django.test import AsyncClient, override_settings

from tests.fakellm_fixture import FakeLLMHandle
from tests.unse.conftest import parse_sse
from unse.readings.facts import prompt_facts
from unse.readings.keys import Kind, Mode, Topic
from unse.readings.models import GeneratedBy, Reading
from unse.readings.prompting import prompt_template
from unse.readings.services.charts import chart_compute
from unse.readings.topics import TOPIC_NAMES, TOPIC_SPECS, facts_path_exists

pytestmark = pytest.mark.django_db(transaction=True)

BIRTH: dict[str, object] = {"datetime": "1988-11-02T07:10", "timezone": "Asia/Seoul", "gender": "male"}
SECTION_TITLES = {
    "career": "직업과 일",
    "love": "연애와 결혼",
    "wealth": "재물",
    "health": "건강",
    "study": "학업과 자기계발",
}


async def post(path: str, body: dict[str, Any]) -> Any:
    # A fresh client address per call: the anonymous rate limit of one test never leaks into another.
    return await AsyncClient(REMOTE_ADDR=f"192.0.2.{secrets.randbelow(250) + 1}").post(
        path, data=orjson.dumps(body), content_type="application/json"
    )


async def stream_events(path: str, body: dict[str, Any]) -> list[tuple[str, Any]]:
    response = await post(path, body)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/event-stream")
    return parse_sse(b"".join([chunk async for chunk in response.streaming_content]))


@pytest.fixture(autouse=True)
async def _close_provider_sessions() -> Any:
    yield
    from unse.ai.providers import close_http_sessions

    await close_http_sessions()


def fake_provider(fake_llm: FakeLLMHandle) -> list[dict[str, Any]]:
    # A unique provider name: breaker state never leaks between tests.
    return [fake_llm.provider_entry(name=f"fake-{secrets.token_hex(3)}", max_retries=0)]


# --- built-in interpreter (no key) ---------------------------------------------------------------------
@override_settings(LLM_PROVIDERS=[])
@pytest.mark.parametrize("topic", TOPIC_NAMES)
async def test_each_topic_answers_with_its_rule_based_section(topic: str) -> None:
    response = await post(f"/api/v1/topics/{topic}", {"birth": BIRTH})
    assert response.status_code == 200
    data = orjson.loads(response.content)
    assert data["topic"] == topic and data["kind"] == "saju"
    assert data["generated_by"]["type"] == "rules"
    assert f"## {SECTION_TITLES[topic]}" in data["text"]
    assert data["reading_id"] and data["cached"] is False
    assert "<h2>" in data["html"]


@override_settings(LLM_PROVIDERS=[])
async def test_topic_reading_is_cached_and_shared_with_the_readings_endpoint() -> None:
    first = orjson.loads((await post("/api/v1/topics/wealth", {"birth": BIRTH})).content)
    again = orjson.loads((await post("/api/v1/topics/wealth", {"birth": BIRTH})).content)
    assert again["cached"] is True and again["reading_id"] == first["reading_id"]
    same = orjson.loads((await post("/api/v1/readings", {"birth": BIRTH, "topic": "wealth"})).content)
    assert same["reading_id"] == first["reading_id"]
    other = orjson.loads((await post("/api/v1/topics/love", {"birth": BIRTH})).content)
    assert other["reading_id"] != first["reading_id"]
    assert await Reading.objects.filter(topic="wealth").acount() == 1


@override_settings(LLM_PROVIDERS=[])
async def test_topic_stream_sends_meta_delta_done() -> None:
    events = await stream_events("/api/v1/topics/study?stream=1", {"birth": BIRTH, "mode": "warm"})
    names = [name for name, _ in events]
    assert names[0] == "meta" and names[-1] == "done" and "delta" in names
    assert events[0][1]["topic"] == "study" and events[0][1]["mode"] == "warm"
    text = "".join(data["text"] for name, data in events if name == "delta")
    assert text.startswith("## 한눈에 보기") and "학업과 자기계발" in text
    assert "선생님" not in text and "니다." not in text and "요." in text


async def test_unknown_topic_is_a_404_listing_the_topics() -> None:
    response = await post("/api/v1/topics/lottery", {"birth": BIRTH})
    assert response.status_code == 404
    error = orjson.loads(response.content)["error"]
    assert error["code"] == "NOT_FOUND"
    assert error["details"]["topics"] == list(TOPIC_NAMES)
    assert "career" in error["message"]


@pytest.mark.parametrize(
    "body",
    [
        {"birth": {"datetime": "1990-02-30T10:00"}},
        {"birth": BIRTH, "mode": "rude"},
        {"birth": BIRTH, "name": "홍길동"},
        {},
    ],
)
async def test_bad_topic_input_is_a_validation_error(body: dict[str, Any]) -> None:
    response = await post("/api/v1/topics/career", body)
    assert response.status_code == 400
    error = orjson.loads(response.content)["error"]
    assert error["code"] == "VALIDATION_ERROR" and error["request_id"]


# --- grounding items: template, registry and facts agree ----------------------------------------------
@pytest.mark.parametrize("topic", TOPIC_NAMES)
def test_each_topic_template_names_its_grounding_items_and_they_exist_in_the_facts(topic: str) -> None:
    spec = TOPIC_SPECS[topic]
    template = prompt_template(Kind.SAJU, spec.topic, Mode.PLAIN)
    computed = chart_compute(birth=BIRTH, reference_date=date(2026, 11, 24))
    facts = prompt_facts(computed.chart, computed.analysis, Kind.SAJU, date(2026, 11, 24))
    for path in spec.grounding:
        assert f"`{path}`" in template.question, path
        assert facts_path_exists(facts, path), path
    assert spec.topic.value in template.version


def test_every_topic_has_its_own_prompt_version() -> None:
    versions = {prompt_template(Kind.SAJU, Topic(name), Mode.PLAIN).version for name in TOPIC_NAMES}
    assert len(versions) == len(TOPIC_NAMES)


# --- the fake LLM over real HTTP -----------------------------------------------------------------------
async def test_topic_reading_from_the_fake_llm_is_grounded_stored_and_sees_no_birth_data(
    fake_llm: FakeLLMHandle, settings: Any
) -> None:
    settings.LLM_PROVIDERS = fake_provider(fake_llm)
    events = await stream_events("/api/v1/topics/career?stream=1", {"birth": BIRTH})
    assert [name for name, _ in events][-1] == "done"
    done = events[-1][1]
    assert done["generated_by"]["type"] == "ai" and done["stored"] is True
    assert not [data for name, data in events if name == "notice"]
    messages = fake_llm.last_request()["body"]["messages"]
    assert [m["role"] for m in messages] == ["system", "user"]
    user = messages[1]["content"]
    assert "직업과 일하는 방식" in user and "`분석.daewoon`" in user and "FACTS:" in user
    for secret in ("1988", "11-02", "07:10", "07시"):
        assert secret not in user and secret not in messages[0]["content"]
    stored = await Reading.objects.aget(public_id=done["reading_id"])
    assert stored.topic == "career" and stored.generated_by == GeneratedBy.AI
    requests = fake_llm.stats()["requests"]
    again = orjson.loads((await post("/api/v1/topics/career", {"birth": BIRTH})).content)
    assert again["cached"] is True and again["reading_id"] == done["reading_id"]
    assert fake_llm.stats()["requests"] == requests


async def test_provider_outage_falls_back_to_the_rule_based_topic_section(
    fake_llm: FakeLLMHandle, settings: Any
) -> None:
    settings.LLM_PROVIDERS = fake_provider(fake_llm)
    fake_llm.control(fault="500")
    response = await post("/api/v1/topics/health", {"birth": BIRTH})
    data = orjson.loads(response.content)
    assert response.status_code == 200
    assert [notice["code"] for notice in data["notices"]] == ["AI_UNAVAILABLE"]
    assert data["generated_by"]["type"] == "rules" and "## 건강" in data["text"]
    assert not await Reading.objects.filter(topic="health", generated_by=GeneratedBy.AI).aexists()


async def test_a_contradicting_topic_reading_gets_a_notice_and_is_not_cached(
    fake_llm: FakeLLMHandle, settings: Any
) -> None:
    settings.LLM_PROVIDERS = fake_provider(fake_llm)
    fake_llm.control(fault="contradict")
    events = await stream_events("/api/v1/topics/love?stream=1", {"birth": BIRTH})
    notices = [data for name, data in events if name == "notice"]
    assert [notice["code"] for notice in notices] == ["GROUNDING_MISMATCH"]
    assert events[-1][0] == "done" and events[-1][1]["stored"] is False
    assert not await Reading.objects.filter(topic="love").aexists()
