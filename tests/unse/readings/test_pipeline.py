"""The reading pipeline end to end through the real engine, the real AI layer and the fake LLM over HTTP.

Every fake-LLM fault has a test of what the user sees and of what was (not) cached.
"""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest
from django.test import override_settings

from tests.unse.readings.llm_fixtures import BIRTH, LLM, subject
from unse.core.errors import ErrorCode, ServiceError
from unse.core.event_stream import EventName, StreamEvent
from unse.core.request import Caller
from unse.readings.models import GeneratedBy, Reading
from unse.readings.prompting import FACTS_MARKER
from unse.readings.requests import reading_request
from unse.readings.services import open as open_service
from unse.readings.services.open import reading_get_or_create, reading_open, reading_stream

pytestmark = pytest.mark.django_db(transaction=True)


def kwargs(**extra: Any) -> dict[str, Any]:
    """`reading_open`'s keyword arguments (the request and its caller) from the old flat option names."""
    values: dict[str, Any] = {
        "birth": BIRTH,
        "kind": "saju",
        "topic": None,
        "mode": "plain",
        "user": None,
        "client_subject": subject(),
        "request_id": "test-request-id",
    }
    values.update(extra)
    return {
        "request": reading_request(
            birth=values["birth"],
            kind=values["kind"],
            topic=values["topic"],
            mode=values["mode"],
            reference_date=values.get("reference_date"),
        ),
        "caller": Caller(
            user=values["user"], client_subject=values["client_subject"], request_id=values["request_id"]
        ),
    }


async def events_of(**extra: Any) -> list[StreamEvent]:
    return [event async for event in reading_stream(**kwargs(**extra)) if event is not None]


def names(events: list[StreamEvent]) -> list[str]:
    collapsed: list[str] = []
    for event in events:
        if not collapsed or collapsed[-1] != event.name or event.name != EventName.DELTA:
            collapsed.append(event.name)
    return collapsed


def text_of(events: list[StreamEvent]) -> str:
    return "".join(event.data["text"] for event in events if event.name == EventName.DELTA)


async def ai_rows() -> int:
    return await Reading.objects.filter(generated_by=GeneratedBy.AI).acount()


async def rules_rows() -> int:
    return await Reading.objects.filter(generated_by=GeneratedBy.RULES).acount()


# --- the built-in interpreter (no key configured) ---------------------------------------------------
@override_settings(LLM_PROVIDERS=[])
async def test_without_a_key_the_builtin_reading_streams_and_is_cached() -> None:
    first = await events_of()
    assert names(first) == [EventName.META, EventName.DELTA, EventName.DONE]
    assert first[0].data["cached"] is False
    assert first[0].data["chart"]["pillars"]["day"]
    done = first[-1].data
    assert done["generated_by"]["type"] == "rules"
    assert done["reading_id"]
    assert len(text_of(first)) > 200
    second = await events_of()
    assert second[0].data["cached"] is True
    assert second[-1].data["reading_id"] == done["reading_id"]
    assert text_of(second) == text_of(first)


@override_settings(LLM_PROVIDERS=[])
async def test_warm_mode_and_topics_are_different_readings() -> None:
    plain = await reading_get_or_create(**kwargs())
    warm = await reading_get_or_create(**kwargs(mode="warm"))
    career = await reading_get_or_create(**kwargs(topic="career"))
    # The warm voice is the whole text in 해요체 (not a greeting line), and never addresses the user by a title.
    assert warm.reading_id != plain.reading_id and "선생님" not in warm.text
    assert "니다." not in warm.text.split("---")[0] and warm.text.count("요.") > 50
    assert warm.text.startswith("# 사주 풀이") and "## 한눈에 보기" in warm.text
    assert career.text != plain.text and career.reading_id not in (plain.reading_id, warm.reading_id)


async def test_daily_reading_is_keyed_by_the_kst_date_and_sees_only_the_day_signature(
    llm: LLM, providers: list[dict[str, Any]]
) -> None:
    from datetime import date

    first = await reading_get_or_create(**kwargs(kind="daily", reference_date=date(2026, 11, 24)))
    again = await reading_get_or_create(**kwargs(kind="daily", reference_date=date(2026, 11, 24)))
    next_day = await reading_get_or_create(**kwargs(kind="daily", reference_date=date(2026, 11, 25)))
    assert first.meta.period == "2026-11-24" and again.cached and not next_day.cached
    prompt = llm.stats.last_request["body"]["messages"][1]["content"]
    assert "2026-11-25" in prompt and "별점 근거" in prompt and "용신" in prompt
    # The class prompt carries no pillar of the chart (1990-05-17 14:30: 庚午 辛巳 壬午 丁未) and no count.
    assert not any(pillar in prompt for pillar in ("庚午", "辛巳", "壬午", "丁未", "오행 개수"))
    # Each reader gets the class text + their own lines (pillars named by position), cached or not.
    for result in (first, again, next_day):
        assert "### 나의 오늘" in result.text and "나의 사주: 연주 庚午(경오)" in result.text
    assert llm.stats.requests == 2


@override_settings(LLM_PROVIDERS=[])
async def test_bad_input_is_a_validation_error_before_anything_streams() -> None:
    with pytest.raises(ServiceError) as caught:
        await reading_open(**kwargs(birth={"datetime": "1990-02-30T10:00"}))
    assert caught.value.code is ErrorCode.VALIDATION_ERROR
    assert caught.value.details["engine_code"]
    with pytest.raises(ServiceError) as caught:
        await reading_open(**kwargs(mode="rude"))
    assert caught.value.code is ErrorCode.VALIDATION_ERROR


# --- a provider that works ----------------------------------------------------------------------------
async def test_ai_reading_streams_in_coalesced_deltas_and_is_stored(
    llm: LLM, providers: list[dict[str, Any]]
) -> None:
    llm.set(tokens=120, tps=400)
    events = await events_of()
    assert names(events) == [EventName.META, EventName.DELTA, EventName.DONE]
    deltas = [e for e in events if e.name == EventName.DELTA]
    assert 1 < len(deltas) < 120  # tokens are coalesced, yet the answer streams in several events
    done = events[-1].data
    assert done["generated_by"]["type"] == "ai" and done["generated_by"]["model"] == "fake-1"
    assert done["generated_by"]["label"] == "AI가 생성한 풀이입니다."
    assert done["usage"]["completion_tokens"] == 120
    stored = await Reading.objects.aget(public_id=done["reading_id"])
    assert stored.text == text_of(events)
    assert stored.model == "fake-1"
    # The facts the prompt gave are the facts stored (kept as JSON while the stream was open, issue 19).
    prompt = llm.stats.last_request["body"]["messages"][-1]["content"]
    assert stored.facts == orjson.loads(prompt.split(f"{FACTS_MARKER}\n", 1)[1])
    assert llm.stats.requests == 1
    again = await events_of()
    assert again[0].data["cached"] is True and llm.stats.requests == 1


async def test_the_provider_sees_chart_facts_and_the_question_only(
    llm: LLM, providers: list[dict[str, Any]]
) -> None:
    await events_of(birth={**BIRTH, "datetime": "1987-09-03T06:45", "longitude": 126.97})
    body = llm.stats.last_request["body"]
    prompt = "\n".join(message["content"] for message in body["messages"])
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    assert "FACTS:" in prompt and "일간" in prompt and "사주" in prompt
    for secret in ("1987-09-03", "1987", "09-03", "06:45", "0645", "126.97", "Asia/Seoul", "test-request-id"):
        assert secret not in prompt, secret
    assert "user" not in str(body.get("user", ""))  # no end-user identifier field either


async def test_a_changed_prompt_never_serves_the_old_answer(
    llm: LLM, providers: list[dict[str, Any]], monkeypatch
) -> None:
    await events_of()
    from unse.readings import prompting

    original = prompting.prompt_template

    def edited(*args: Any) -> prompting.PromptTemplate:
        template = original(*args)
        return prompting.PromptTemplate(
            template.system + "\n새 규칙.", template.question, template.version + "-edited"
        )

    monkeypatch.setattr(open_service, "prompt_template", edited)
    events = await events_of()
    assert events[0].data["cached"] is False
    assert llm.stats.requests == 2
    assert await ai_rows() == 2


# --- cached readings survive every outage (seed 000) -----------------------------------------------
async def test_cached_reading_is_served_when_providers_limiter_and_breaker_are_all_down(
    llm: LLM, providers: list[dict[str, Any]], monkeypatch
) -> None:
    stored = await events_of()
    llm.set(fault="500")

    async def limiter_down(**_: Any) -> Any:
        raise ConnectionError("limiter backend unreachable")

    async def breaker_open(_provider: str) -> bool:
        return False

    monkeypatch.setattr(open_service, "rate_limit_check", limiter_down)
    monkeypatch.setattr("unse.ai.providers.breaker_allow", breaker_open)
    cached = await events_of()
    assert cached[0].data["cached"] is True
    assert text_of(cached) == text_of(stored)
    assert cached[-1].name == EventName.DONE
    assert llm.stats.requests == 1


# --- faults -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("scenario", "code"),
    [
        ({"fault": "500"}, "AI_UNAVAILABLE"),
        ({"fault": "429", "retry_after": 30}, "AI_BUSY"),
        ({"fault": "malformed", "malformed_after": 0}, "AI_BAD_RESPONSE"),
        ({"fault": "empty"}, "AI_BAD_RESPONSE"),
    ],
)
async def test_a_provider_failing_before_the_first_token_gives_the_builtin_reading_with_a_notice(
    llm: LLM, providers: list[dict[str, Any]], scenario: dict[str, Any], code: str
) -> None:
    llm.set(**scenario)
    events = await events_of()
    assert names(events) == [EventName.META, EventName.NOTICE, EventName.DELTA, EventName.DONE]
    assert events[1].data["code"] == code and events[1].data["message"]
    assert events[-1].data["generated_by"]["type"] == "rules"
    assert await ai_rows() == 0  # never stored as the AI reading
    assert await rules_rows() == 1
    llm.set(fault="none")
    recovered = await events_of()  # the next request after recovery calls the provider
    assert recovered[0].data["cached"] is False
    assert recovered[-1].data["generated_by"]["type"] == "ai"
    assert await ai_rows() == 1


async def test_a_hanging_provider_times_out_into_the_builtin_reading(llm: LLM) -> None:
    configured = [llm.provider(first_token_timeout=0.3, total_timeout=2.0, max_retries=0)]
    llm.set(fault="hang")
    with override_settings(LLM_PROVIDERS=configured):
        events = await events_of()
    assert events[1].name == EventName.NOTICE and events[1].data["code"] == "AI_TIMEOUT"
    assert events[-1].data["generated_by"]["type"] == "rules"
    assert await ai_rows() == 0


@pytest.mark.parametrize(
    ("scenario", "code"),
    [
        ({"fault": "cut", "cut_after": 30}, "AI_UNAVAILABLE"),
        ({"fault": "malformed", "malformed_after": 30}, "AI_BAD_RESPONSE"),
    ],
)
async def test_a_provider_failing_mid_answer_ends_with_an_error_and_caches_nothing(
    llm: LLM, providers: list[dict[str, Any]], scenario: dict[str, Any], code: str
) -> None:
    llm.set(tokens=80, cut_hold=10, **scenario)
    events: list[StreamEvent] = []
    async for event in reading_stream(**kwargs()):
        if event is not None:
            events.append(event)
            if event.name == EventName.DELTA:
                llm.fake.cut_release.set()  # the cut comes after text reached the user
    assert names(events) == [EventName.META, EventName.DELTA, EventName.ERROR]
    error = events[-1].data["error"]
    assert error["code"] == code and error["request_id"] == "test-request-id"
    assert await Reading.objects.acount() == 0
    with pytest.raises(ServiceError) as caught:
        await reading_get_or_create(**kwargs())
    assert caught.value.code.name == code


async def test_a_reading_that_contradicts_the_chart_is_delivered_with_a_notice_and_not_cached(
    llm: LLM, providers: list[dict[str, Any]]
) -> None:
    llm.set(fault="contradict", tokens=400)
    events = await events_of()
    assert names(events) == [EventName.META, EventName.DELTA, EventName.NOTICE, EventName.DONE]
    notice = events[-2].data
    assert notice["code"] == "GROUNDING_MISMATCH"
    assert any(f["kind"] == "day_master" for f in notice["details"]["findings"])
    assert events[-1].data["reading_id"] is None and events[-1].data["stored"] is False
    assert await Reading.objects.acount() == 0


async def test_with_the_fallback_switched_off_the_user_gets_the_error(
    llm: LLM, providers: list[dict[str, Any]]
) -> None:
    llm.set(fault="500")
    with override_settings(READINGS_FALLBACK_BUILTIN=False):
        events = await events_of()
        assert names(events) == [EventName.META, EventName.ERROR]
        assert events[-1].data["error"]["code"] == "AI_UNAVAILABLE"
        with pytest.raises(ServiceError) as caught:
            await reading_get_or_create(**kwargs())
    assert caught.value.code is ErrorCode.AI_UNAVAILABLE
    assert await Reading.objects.acount() == 0


async def test_the_second_provider_answers_when_the_first_is_down(llm: LLM) -> None:
    down = llm.provider(base_url="http://127.0.0.1:9/v1", model="down-1", max_retries=0, connect_timeout=0.5)
    down["base_url"] = "http://127.0.0.1:9/v1"
    second = llm.provider(model="second-1", max_retries=0)
    with override_settings(LLM_PROVIDERS=[down, second]):
        events = await events_of()
        assert events[-1].data["generated_by"]["model"] == "second-1"
        assert [e for e in events if e.name == EventName.NOTICE] == []
        cached = await events_of()  # the reading of the second provider is found while the first is down
    assert cached[0].data["cached"] is True


async def test_an_open_breaker_skips_to_the_next_provider_without_calling_it(llm: LLM) -> None:
    from unse.ai.breaker import BreakerState, breaker_record, breaker_state

    first = llm.provider(model="first-1", max_retries=0)
    second = llm.provider(model="second-1", max_retries=0)
    with override_settings(LLM_PROVIDERS=[first, second], AI_BREAKER_CONSECUTIVE_FAILURES=3):
        for _ in range(3):
            await breaker_record(first["name"], ok=False)
        assert await breaker_state(first["name"]) is BreakerState.OPEN
        events = await events_of()
    assert events[-1].data["generated_by"]["model"] == "second-1"
    assert llm.stats.requests == 1
    assert llm.stats.last_request["body"]["model"] == "second-1"


async def test_spent_token_budget_serves_the_builtin_reading_with_ai_quota(
    llm: LLM, providers: list[dict[str, Any]]
) -> None:
    from unse.ai.budget import token_budget_spend

    with override_settings(AI_DAILY_TOKEN_BUDGET=1):
        await token_budget_spend(1)  # today's budget is now spent
        events = await events_of()
    assert events[1].data["code"] == "AI_QUOTA"
    assert events[-1].data["generated_by"]["type"] == "rules"
    assert llm.stats.requests == 0


# --- single flight --------------------------------------------------------------------------------------
async def test_concurrent_identical_requests_make_one_provider_call_and_joiners_are_not_charged(
    llm: LLM, providers: list[dict[str, Any]], monkeypatch
) -> None:
    llm.set(tokens=60, tps=300)
    charged: list[str] = []
    real_check = open_service.rate_limit_check

    async def spy(**kw: Any) -> Any:
        charged.append(kw["subject"])
        return await real_check(**kw)

    monkeypatch.setattr(open_service, "rate_limit_check", spy)
    results = await asyncio.gather(*(reading_get_or_create(**kwargs()) for _ in range(6)))
    assert llm.stats.requests == 1
    assert len(charged) == 1
    assert sum(result.joined for result in results) == 5
    assert len({result.text for result in results}) == 1
    assert len({result.reading_id for result in results}) == 1


async def test_a_joiner_of_a_rate_limited_leader_starts_over_on_its_own_account(
    llm: LLM, providers: list[dict[str, Any]], monkeypatch
) -> None:
    from unse.ai.ratelimit import RateDecision

    gate, checking = asyncio.Event(), asyncio.Event()
    charged: list[str] = []

    async def check(*, subject: str, anonymous: bool, cost: int = 1, free: bool = False) -> RateDecision:
        charged.append(subject)
        if subject == "ip:leader":
            checking.set()  # the leader holds the flight and waits for its limit
            await gate.wait()
            return RateDecision(allowed=False, limit=1, remaining=0, reset_after=60, window="subject:1/hour")
        return RateDecision(allowed=True, limit=5, remaining=4, reset_after=3600, window="subject:5/hour")

    monkeypatch.setattr(open_service, "rate_limit_check", check)
    leader = asyncio.ensure_future(reading_open(**kwargs(client_subject="ip:leader")))
    await checking.wait()
    joiner = await reading_open(**kwargs(client_subject="ip:joiner"))
    assert joiner.joined and charged == ["ip:leader"]  # attached while the leader was being checked
    gate.set()
    with pytest.raises(ServiceError) as caught:
        await leader
    assert caught.value.code is ErrorCode.RATE_LIMITED
    events = [event async for event in joiner.events() if event is not None]
    assert events[0].name == EventName.META
    assert events[-1].name == EventName.DONE and events[-1].data["generated_by"]["type"] == "ai"
    assert charged == ["ip:leader", "ip:joiner"]
    assert llm.stats.requests == 1


async def test_a_leader_that_fails_before_generating_never_leaves_joiners_waiting(
    llm: LLM, providers: list[dict[str, Any]], monkeypatch
) -> None:
    from unse.ai.ratelimit import RateDecision

    gate, checking = asyncio.Event(), asyncio.Event()
    real_facts = open_service.prompt_facts
    calls = {"facts": 0}

    async def check(*, subject: str, anonymous: bool, cost: int = 1, free: bool = False) -> RateDecision:
        if subject == "ip:leader":
            checking.set()  # the leader holds the flight and waits for its limit
            await gate.wait()
        return RateDecision(allowed=True, limit=5, remaining=4, reset_after=3600, window="subject:5/hour")

    def flaky_facts(*args: Any) -> Any:
        calls["facts"] += 1
        if calls["facts"] == 1:
            raise RuntimeError("a bug while building the prompt")
        return real_facts(*args)

    monkeypatch.setattr(open_service, "rate_limit_check", check)
    monkeypatch.setattr(open_service, "prompt_facts", flaky_facts)
    leader = asyncio.ensure_future(reading_open(**kwargs(client_subject="ip:leader")))
    await checking.wait()
    joiner = await reading_open(**kwargs(client_subject="ip:joiner"))
    assert joiner.joined
    gate.set()
    with pytest.raises(RuntimeError):
        await leader
    events = await asyncio.wait_for(_collect(joiner), timeout=10)
    assert events[-1].name == EventName.DONE


async def _collect(session: Any) -> list[StreamEvent]:
    return [event async for event in session.events() if event is not None]


async def test_the_upstream_is_closed_only_when_the_last_client_leaves(
    llm: LLM, providers: list[dict[str, Any]]
) -> None:
    llm.set(tokens=2000, tps=100)
    first = await reading_open(**kwargs())
    second = await reading_open(**kwargs())
    assert second.joined
    a, b = first.events(), second.events()
    for stream in (a, b):
        while (event := await anext(stream)) is None or event.name != EventName.DELTA:
            pass
    await a.aclose()  # the client that started the generation leaves
    # The generation goes on for the other client: two more deltas arrive from the same upstream stream.
    for _ in range(2):
        while (event := await anext(b)) is None or event.name != EventName.DELTA:
            pass
    assert llm.stats.streams_open == 1
    sent = llm.stats.tokens_sent
    generation = first.flight
    assert generation is not None
    await b.aclose()  # the last client leaves: the upstream is closed at once
    await asyncio.wait_for(llm.fake.idle.wait(), timeout=10)  # the upstream stream was closed
    assert llm.stats.streams_open == 0
    assert llm.stats.completed == 0
    assert sent < 2000
    assert generation._task is not None
    await asyncio.wait([generation._task])  # the cancelled generation has finished its cleanup
    assert await Reading.objects.acount() == 0  # a partial answer is never cached


# --- rate limits, stream cap ---------------------------------------------------------------------------
async def test_rate_limit_applies_to_uncached_readings_only(
    llm: LLM, providers: list[dict[str, Any]]
) -> None:
    who = subject()
    with override_settings(RATE_LIMIT_ANON="2/hour;10/day"):
        await events_of(client_subject=who, mode="plain")
        await events_of(client_subject=who, mode="warm")
        for _ in range(3):
            cached = await events_of(client_subject=who, mode="warm")  # cached: never counted
            assert cached[0].data["cached"] is True
        with pytest.raises(ServiceError) as caught:
            await reading_open(**kwargs(client_subject=who, topic="love"))
    error = caught.value
    assert error.code is ErrorCode.RATE_LIMITED
    assert error.retry_after and error.retry_after > 0
    assert error.headers["X-RateLimit-Remaining"] == "0"
    assert error.headers["X-RateLimit-Limit"] == "2"


async def test_staff_are_exempt_from_rate_limits(llm: LLM, providers: list[dict[str, Any]]) -> None:
    class Staff:
        is_authenticated = True
        is_staff = True
        pk = 1

    with override_settings(RATE_LIMIT_USER="1/hour;1/day"):
        for topic in ("love", "career", "wealth"):
            await events_of(user=Staff(), client_subject="user:1", topic=topic)


async def test_the_stream_cap_refuses_new_streams_with_ai_busy(
    llm: LLM, providers: list[dict[str, Any]]
) -> None:
    llm.set(tokens=2000, tps=100)
    with override_settings(AI_MAX_STREAMS_PER_WORKER=1):
        first = await reading_open(**kwargs())
        stream = first.events()
        await anext(stream)  # meta
        await anext(stream)  # the slot is held from here on
        with pytest.raises(ServiceError) as caught:
            await reading_open(**kwargs(topic="love"))
        assert caught.value.code is ErrorCode.AI_BUSY and caught.value.retry_after
        await stream.aclose()
        again = (await reading_open(**kwargs(topic="wealth"))).events()  # a slot is free again
        assert (await anext(again)).name == EventName.META
        assert (await anext(again)) is None or True
        await again.aclose()
