"""The fake LLM itself: answers echo the FACTS, contradict swaps the day master, scenarios validate."""

from __future__ import annotations

import httpx
import orjson
import pytest
from tools.fakellm.scenario import Fault, Scenario, ScenarioError, parse_overrides
from tools.fakellm.text import answer_text, answer_tokens, split_tokens

from tests.fakellm_fixture import FakeLLMHandle

FACTS = {"day_master": "庚", "pillars": ["庚午", "辛巳", "庚辰", "丙子"], "elements": {"금": 3, "화": 2}}
MESSAGES = [{"role": "user", "content": "질문\n\nFACTS:\n" + orjson.dumps(FACTS).decode()}]


def _sse_texts(body: str) -> list[str]:
    texts = []
    for block in body.split("\n\n"):
        if block.startswith("data: {"):
            chunk = orjson.loads(block[6:])
            for choice in chunk["choices"]:
                if choice["delta"].get("content"):
                    texts.append(choice["delta"]["content"])
    return texts


def test_answer_echoes_every_fact() -> None:
    text = answer_text(MESSAGES)
    for needle in ("庚", "庚午", "辛巳", "庚辰", "丙子", "금: 3", "화: 2"):
        assert needle in text


def test_contradicting_answer_names_another_day_master() -> None:
    text = answer_text(MESSAGES, contradict=True)
    assert "day_master: 庚" not in text
    assert "day_master: 乙" in text  # 庚 shifted by five stems; the pillars stay the real ones
    assert "庚午" in text


def test_tokens_rebuild_the_text_and_pad_to_a_count() -> None:
    text = answer_text(MESSAGES)
    assert "".join(split_tokens(text)) == text
    assert len(answer_tokens(text, 600)) == 600
    assert len(answer_tokens(text, 3)) == 3


def test_scenario_overrides_parse_and_validate() -> None:
    assert parse_overrides("fault=429; retry_after=3") == {"fault": "429", "retry_after": "3"}
    assert parse_overrides('{"tokens": 5}') == {"tokens": 5}
    scenario = Scenario().merged({"fault": "cut", "tokens": "9"})
    assert scenario.fault is Fault.CUT and scenario.tokens == 9
    for bad in ({"fault": "explode"}, {"nope": 1}, {"tps": -1}, {"fault_rate": 2}):
        with pytest.raises(ScenarioError):
            Scenario().merged(bad)


def test_stream_over_http_with_header_override(fake_llm: FakeLLMHandle) -> None:
    response = httpx.post(
        f"{fake_llm.base_url}/chat/completions",
        json={"model": "m", "stream": True, "messages": MESSAGES},
        headers={"X-Fake-Scenario": "tokens=12"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/event-stream"
    assert len(_sse_texts(response.text)) == 12
    assert response.text.rstrip().endswith("data: [DONE]")


def test_fault_rate_applies_to_a_share_of_requests(fake_llm: FakeLLMHandle) -> None:
    fake_llm.control(fault="500", fault_rate=0.1)
    with httpx.Client() as client:
        statuses = [
            client.post(f"{fake_llm.base_url}/chat/completions", json={"messages": MESSAGES}).status_code
            for _ in range(200)
        ]
    failures = statuses.count(500)
    assert 0 < failures < 60
    assert set(statuses) == {200, 500}
    assert fake_llm.stats()["faults"]["500"] == failures


def test_non_stream_completion_and_bad_requests(fake_llm: FakeLLMHandle) -> None:
    ok = httpx.post(f"{fake_llm.base_url}/chat/completions", json={"messages": MESSAGES})
    assert ok.status_code == 200
    assert "庚午" in ok.json()["choices"][0]["message"]["content"]
    bad = httpx.post(f"{fake_llm.base_url}/chat/completions", content=b"{not json")
    assert bad.status_code == 400
    bad_header = httpx.post(
        f"{fake_llm.base_url}/chat/completions", json={"messages": MESSAGES}, headers={"X-Fake-Scenario": "x"}
    )
    assert bad_header.status_code == 400
    assert httpx.get(f"{fake_llm.root}/nope").status_code == 404


def test_control_sets_and_reset_restores(fake_llm: FakeLLMHandle) -> None:
    assert fake_llm.control(fault="empty")["fault"] == "empty"
    response = httpx.post(
        f"{fake_llm.base_url}/chat/completions", json={"stream": True, "messages": MESSAGES}
    )
    assert _sse_texts(response.text) == []
    fake_llm.reset()
    assert fake_llm.stats()["requests"] == 0
    response = httpx.post(
        f"{fake_llm.base_url}/chat/completions", json={"stream": True, "messages": MESSAGES}
    )
    assert _sse_texts(response.text)
