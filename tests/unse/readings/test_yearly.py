"""The `yearly` reading kind over HTTP: built-in text, cache per saju year, SSE, the fake LLM, errors."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

import orjson
import pytest
from django.test import AsyncClient

from saju.core import Pillar
from tests.fakellm_fixture import FakeLLMHandle
from tests.unse.conftest import parse_sse
from unse.readings import builtin
from unse.readings.grounding import GroundTruth, grounding_findings
from unse.readings.keys import Kind, Mode, Topic
from unse.readings.models import GeneratedBy, Reading
from unse.readings.prompting import prompt_template
from unse.readings.yearly import yearly_request

pytestmark = pytest.mark.django_db(transaction=True)

BIRTH: dict[str, object] = {"datetime": "1990-05-15T14:30", "timezone": "Asia/Seoul", "gender": "female"}


async def post(path: str, body: dict[str, Any]) -> Any:
    return await AsyncClient(REMOTE_ADDR=f"192.0.2.{secrets.randbelow(250) + 1}").post(
        path, data=orjson.dumps(body), content_type="application/json"
    )


@pytest.fixture(autouse=True)
async def _close_provider_sessions() -> Any:
    yield
    from unse.ai.providers import close_http_sessions

    await close_http_sessions()


@pytest.fixture
def no_llm(settings: Any) -> None:
    settings.LLM_PROVIDERS = []


async def test_builtin_yearly_reading_is_cached_per_saju_year(no_llm: None) -> None:
    first = await post("/api/v1/yearly", {"birth": BIRTH, "year": 2027})
    assert first.status_code == 200
    data = orjson.loads(first.content)
    assert data["kind"] == "yearly" and data["period"] == "2027" and data["year"] == 2027
    assert data["generated_by"]["type"] == "rules" and data["cached"] is False
    assert data["text"].startswith("# 2027년 신년운세 — 丁未(정미)년") and "## 한눈에 보기" in data["text"]
    assert len(data["fortune"]["months"]) == 12 and data["fortune"]["score"]["breakdown"]
    assert data["rules"]["glance"] and data["rules"]["paragraphs"][0]["key"] == "theme"
    again = orjson.loads((await post("/api/v1/yearly", {"birth": BIRTH, "year": 2027})).content)
    assert again["cached"] is True and again["reading_id"] == data["reading_id"]
    other = orjson.loads((await post("/api/v1/yearly", {"birth": BIRTH, "year": 2028})).content)
    assert other["cached"] is False and other["reading_id"] != data["reading_id"]
    assert other["text"].startswith("# 2028년 신년운세 — 戊申(무신)년")
    assert await Reading.objects.filter(kind="yearly").acount() == 2


async def test_year_defaults_to_the_current_saju_year(no_llm: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("unse.readings.yearly.kst_today", lambda: date(2027, 1, 20))  # before 입춘 2027
    data = orjson.loads((await post("/api/v1/yearly", {"birth": BIRTH})).content)
    assert data["year"] == 2026 and data["period"] == "2026"


async def test_stream_sends_meta_delta_done(no_llm: None) -> None:
    response = await post("/api/v1/yearly?stream=1", {"birth": BIRTH, "year": 2030, "mode": "warm"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/event-stream")
    events = parse_sse(b"".join([chunk async for chunk in response.streaming_content]))
    names = [name for name, _ in events]
    assert names[0] == "meta" and "delta" in names and names[-1] == "done"
    assert events[0][1]["kind"] == "yearly" and events[0][1]["period"] == "2030"
    text = "".join(data["text"] for name, data in events if name == "delta")
    assert "2030년" in text and "해요" in text  # the warm mode speaks 해요체


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"birth": BIRTH, "year": 1989}, "year"),
        ({"birth": BIRTH, "year": 2101}, None),
        ({"birth": BIRTH, "year": "내년"}, None),
        ({"birth": {**BIRTH, "datetime": "1990-13-01T00:00"}, "year": 2027}, "birth"),
        ({"birth": BIRTH, "year": 2027, "extra": 1}, None),
    ],
)
async def test_bad_input_is_a_korean_validation_error(body: dict[str, Any], field: str | None) -> None:
    response = await post("/api/v1/yearly", body)
    assert response.status_code == 400
    error = orjson.loads(response.content)["error"]
    assert error["code"] == "VALIDATION_ERROR" and error["request_id"]
    assert any("가" <= ch <= "힣" for ch in error["message"])
    if field is not None:
        assert error["details"]["field"] == field


async def test_fake_llm_yearly_reading_gets_the_year_facts_and_no_birth_data(
    fake_llm: FakeLLMHandle, settings: Any
) -> None:
    settings.LLM_PROVIDERS = [fake_llm.provider_entry(name=f"fake-{secrets.token_hex(3)}", max_retries=0)]
    data = orjson.loads((await post("/api/v1/yearly", {"birth": BIRTH, "year": 2027})).content)
    assert data["generated_by"]["type"] == "ai" and data["reading_id"]
    user = fake_llm.last_request()["body"]["messages"][1]["content"]
    assert "`신년운세.months`" in user and '"신년운세"' in user and "丁未(정미)" in user
    for secret in ("1990", "05-15", "14:30", "세는 나이"):
        assert secret not in user
    stored = await Reading.objects.aget(public_id=data["reading_id"])
    assert stored.kind == "yearly" and stored.period == "2027" and stored.generated_by == GeneratedBy.AI


async def test_a_reading_naming_another_sewoon_is_not_grounded(
    fake_llm: FakeLLMHandle, settings: Any
) -> None:
    settings.LLM_PROVIDERS = [fake_llm.provider_entry(name=f"fake-{secrets.token_hex(3)}", max_retries=0)]
    fake_llm.control(text="## 한눈에 보기\n\n2027년 세운은 戊申이라 바쁜 해입니다.")
    response = await post("/api/v1/yearly?stream=1", {"birth": BIRTH, "year": 2027})
    events = parse_sse(b"".join([chunk async for chunk in response.streaming_content]))
    notices = [data for name, data in events if name == "notice"]
    assert [n["code"] for n in notices] == ["GROUNDING_MISMATCH"]
    assert not await Reading.objects.filter(kind="yearly").aexists()


def test_sewoon_grounding_reads_only_the_pillar_after_sewoon() -> None:
    truth = GroundTruth(
        day_master=Pillar.parse("庚辰").stem,
        pillars=(None, None, Pillar.parse("庚辰"), None),
        element_counts=(),
        sewoon=Pillar.parse("丁未"),
    )
    assert grounding_findings("올해 세운은 丁未입니다. 대운은 丁丑입니다.", truth) == []
    assert [f.kind for f in grounding_findings("세운: 무신(戊申)", truth)] == ["pillar_sewoon"]


def test_yearly_has_its_own_prompt_and_version_and_the_others_are_unchanged() -> None:
    yearly = prompt_template(Kind.YEARLY, Topic.GENERAL, Mode.PLAIN)
    assert "신년운세" in yearly.question and yearly.version.startswith("p1-yearly-general-plain-")
    assert builtin.model_id(Kind.YEARLY) != builtin.model_id(Kind.SAJU) == builtin.model_id()


def test_request_reference_lies_in_the_asked_saju_year() -> None:
    late = {**BIRTH, "datetime": "1990-12-20T10:00"}
    assert yearly_request(birth=late, year=1990, mode="plain").reference == date(1990, 12, 20)
    assert yearly_request(birth=BIRTH, year=2027, mode="plain").reference == date(2027, 6, 1)
