"""OpenAICompatibleProvider against the fake LLM over real HTTP: every fault -> the right ProviderError."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.fakellm_fixture import FakeLLMHandle
from unse.ai.breaker import BreakerState, breaker_state
from unse.ai.providers import (
    Message,
    OpenAICompatibleProvider,
    ProviderConfig,
    ProviderError,
    configured_providers,
    parse_retry_after,
    provider_config,
)
from unse.core.errors import ErrorCode

pytestmark = pytest.mark.usefixtures("ai_local", "ai_clients")

FACTS_PROMPT: list[Message] = [
    {"role": "system", "content": "사주 상담가입니다."},
    {
        "role": "user",
        "content": 'Q\n\nFACTS:\n{"day_master": "庚", "pillars": ["庚午", "辛巳", "庚辰", "丙子"]}',
    },
]


def _provider(fake: FakeLLMHandle, **overrides: Any) -> OpenAICompatibleProvider:
    return OpenAICompatibleProvider(provider_config(fake.provider_entry(**overrides)))


async def _collect(provider: OpenAICompatibleProvider) -> tuple[list[str], Any]:
    stream = provider.stream(FACTS_PROMPT, max_tokens=500)
    tokens = [token async for token in stream]
    return tokens, stream.usage


async def _failure(provider: OpenAICompatibleProvider) -> tuple[ProviderError, list[str]]:
    stream = provider.stream(FACTS_PROMPT, max_tokens=500)
    tokens: list[str] = []
    with pytest.raises(ProviderError) as info:
        async for token in stream:
            tokens.append(token)
    return info.value, tokens


async def test_streams_tokens_one_per_chunk_with_usage(fake_llm: FakeLLMHandle) -> None:
    fake_llm.control(tokens=30)
    tokens, usage = await _collect(_provider(fake_llm))
    assert len(tokens) == 30
    text = "".join(tokens)
    assert "庚" in text
    assert usage is not None
    assert usage.completion_tokens == 30


async def test_coalescing_hands_over_fewer_pieces_with_the_same_text(fake_llm: FakeLLMHandle) -> None:
    fake_llm.control(tokens=60, tps=100)
    exact, _ = await _collect(_provider(fake_llm, coalesce_ms=0))
    pieces, usage = await _collect(_provider(fake_llm, coalesce_ms=100))
    assert len(exact) == 60
    assert "".join(pieces) == "".join(exact)
    # One piece per interval while the answer flows (0.6 s of it), not one at its end only.
    assert 3 <= len(pieces) < len(exact)
    assert usage is not None and usage.completion_tokens == 60


async def test_a_coalesced_answer_ends_when_the_response_ends_not_after_the_interval(
    fake_llm: FakeLLMHandle,
) -> None:
    # Issue 15: the coalescer used to sleep out its whole interval after the last token before it read the
    # end of the stream, so every answer ended up to one interval late. With an interval of a minute, the
    # answer below can only finish promptly if the wait ends when the response does (its EOF): the guard
    # timeout detects a failure, it orders nothing.
    fake_llm.control(tokens=4, tps=20)
    exact, _ = await _collect(_provider(fake_llm, coalesce_ms=0))
    pieces, usage = await asyncio.wait_for(_collect(_provider(fake_llm, coalesce_ms=60_000)), timeout=30)
    # The first token is handed over at once; everything after it, up to the end, in one read at EOF.
    assert pieces == [exact[0], "".join(exact[1:])]
    assert usage is not None and usage.completion_tokens == 4


async def test_coalesced_failure_still_yields_the_text_before_it(fake_llm: FakeLLMHandle) -> None:
    fake_llm.control(fault="malformed", malformed_after=10, tokens=20, tps=200)
    error, pieces = await _failure(_provider(fake_llm, coalesce_ms=200))
    assert error.code is ErrorCode.AI_BAD_RESPONSE
    assert error.before_first_token is False
    assert len("".join(pieces)) > 0
    assert fake_llm.stats()["requests"] == 1


async def test_outgoing_request_is_an_openai_streaming_call(fake_llm: FakeLLMHandle) -> None:
    await _collect(_provider(fake_llm, model="model-x", api_key="sk-123"))
    seen = fake_llm.last_request()
    assert seen["headers"]["authorization"] == "Bearer sk-123"
    body = seen["body"]
    assert body["model"] == "model-x"
    assert body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}
    assert body["max_tokens"] == 500
    assert body["messages"] == FACTS_PROMPT


async def test_http_500_is_unavailable_and_retried_before_first_token(fake_llm: FakeLLMHandle) -> None:
    fake_llm.control(fault="500")
    error, tokens = await _failure(_provider(fake_llm, max_retries=2))
    assert error.code is ErrorCode.AI_UNAVAILABLE
    assert error.before_first_token is True
    assert tokens == []
    assert fake_llm.stats()["requests"] == 3  # one call + two retries


async def test_429_with_long_retry_after_fails_at_once_with_busy(fake_llm: FakeLLMHandle) -> None:
    fake_llm.control(fault="429", retry_after=30)
    error, _ = await _failure(_provider(fake_llm, max_retries=2, retry_after_max_wait=2.0))
    assert error.code is ErrorCode.AI_BUSY
    assert error.retry_after == 30
    assert error.before_first_token is True
    assert fake_llm.stats()["requests"] == 1  # not worth waiting 30 s: the next provider takes over


async def test_429_with_short_retry_after_is_waited_out_and_retried(fake_llm: FakeLLMHandle) -> None:
    fake_llm.control(fault="429", retry_after=0)
    error, _ = await _failure(_provider(fake_llm, max_retries=2))
    assert error.code is ErrorCode.AI_BUSY
    assert fake_llm.stats()["requests"] == 3


async def test_hang_hits_the_first_token_timeout(fake_llm: FakeLLMHandle) -> None:
    fake_llm.control(fault="hang")
    error, tokens = await _failure(_provider(fake_llm, first_token_timeout=0.3, max_retries=1))
    assert error.code is ErrorCode.AI_TIMEOUT
    assert error.before_first_token is True
    assert tokens == []
    assert fake_llm.stats()["requests"] == 2


async def test_cut_mid_stream_is_not_retried(fake_llm: FakeLLMHandle) -> None:
    fake_llm.control(fault="cut", cut_after=5, tokens=50, cut_hold=10)
    stream = _provider(fake_llm, max_retries=2).stream(FACTS_PROMPT, max_tokens=500)
    tokens: list[str] = []
    with pytest.raises(ProviderError) as info:
        async for token in stream:
            tokens.append(token)
            if len(tokens) == 5:
                await fake_llm.release_cut()  # cut only after the client has read the tokens
    error = info.value
    assert error.code is ErrorCode.AI_UNAVAILABLE
    assert error.before_first_token is False
    assert len(tokens) == 5
    assert fake_llm.stats()["requests"] == 1  # tokens already reached the user: no retry


async def test_malformed_first_chunk_is_bad_response(fake_llm: FakeLLMHandle) -> None:
    fake_llm.control(fault="malformed", malformed_after=0)
    error, tokens = await _failure(_provider(fake_llm))
    assert error.code is ErrorCode.AI_BAD_RESPONSE
    assert error.before_first_token is True
    assert tokens == []


async def test_malformed_chunk_after_tokens_is_bad_response_after_first_token(
    fake_llm: FakeLLMHandle,
) -> None:
    fake_llm.control(fault="malformed", malformed_after=3, tokens=20)
    error, tokens = await _failure(_provider(fake_llm))
    assert error.code is ErrorCode.AI_BAD_RESPONSE
    assert error.before_first_token is False
    assert len(tokens) == 3
    assert fake_llm.stats()["requests"] == 1


async def test_empty_answer_is_an_error_not_a_result(fake_llm: FakeLLMHandle) -> None:
    fake_llm.control(fault="empty")
    error, tokens = await _failure(_provider(fake_llm))
    assert error.code is ErrorCode.AI_BAD_RESPONSE
    assert error.before_first_token is True
    assert tokens == []


async def test_whole_answer_timeout_after_first_token(fake_llm: FakeLLMHandle) -> None:
    fake_llm.control(tokens=100, tps=5)
    error, tokens = await _failure(_provider(fake_llm, total_timeout=0.5))
    assert error.code is ErrorCode.AI_TIMEOUT
    assert error.before_first_token is False
    assert 0 < len(tokens) < 100


async def test_connection_refused_is_unavailable(closed_port: int) -> None:
    config = ProviderConfig(
        name="nowhere",
        base_url=f"http://127.0.0.1:{closed_port}/v1",
        api_key="k",
        model="m",
        max_retries=1,
        backoff_base=0.01,
        backoff_max=0.02,
    )
    error, _ = await _failure(OpenAICompatibleProvider(config))
    assert error.code is ErrorCode.AI_UNAVAILABLE
    assert error.before_first_token is True


async def test_aclose_drops_the_upstream_stream(fake_llm: FakeLLMHandle) -> None:
    fake_llm.control(tokens=500, tps=50)
    stream = _provider(fake_llm).stream(FACTS_PROMPT, max_tokens=500)
    first = await stream.__anext__()
    assert first
    await stream.aclose()
    for _ in range(200):  # the fake notices at its next token write
        stats = fake_llm.stats()
        if stats["streams_open"] == 0:
            break
        await asyncio.sleep(0.05)
    assert stats["streams_open"] == 0
    assert stats["disconnects"] == 1
    assert stats["tokens_sent"] < 500
    assert stats["completed"] == 0


async def test_failures_open_the_breaker_and_then_no_request_is_sent(
    fake_llm: FakeLLMHandle, settings: Any
) -> None:
    settings.AI_BREAKER_CONSECUTIVE_FAILURES = 3
    fake_llm.control(fault="500")
    provider = _provider(fake_llm, max_retries=2)
    first, _ = await _failure(provider)
    assert first.code is ErrorCode.AI_UNAVAILABLE
    assert await breaker_state("fake") is BreakerState.OPEN
    sent = fake_llm.stats()["requests"]
    second, _ = await _failure(provider)
    assert second.code is ErrorCode.AI_UNAVAILABLE
    assert "breaker" in second.detail
    assert fake_llm.stats()["requests"] == sent


def test_configured_providers_need_a_key(settings: Any, fake_llm: FakeLLMHandle) -> None:
    settings.LLM_PROVIDERS = [
        fake_llm.provider_entry(name="a", api_key=""),
        fake_llm.provider_entry(name="b"),
    ]
    providers = configured_providers()
    assert [p.name for p in providers] == ["b"]
    assert providers[0].builtin is False
    settings.LLM_PROVIDERS = []
    assert configured_providers() == []


def test_retry_after_header_forms() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("") is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
