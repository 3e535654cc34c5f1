"""Runtime switches: environment defaults, audited changes, validation in Korean, the cached getter that
never raises, and the effect of every switch at its point of use."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.core.cache import cache
from django.db import OperationalError
from django.test import override_settings

from tests.unse.readings.llm_fixtures import BIRTH, LLM, subject
from unse.ai.budget import token_budget_remaining, token_budget_reset_local, token_budget_spend
from unse.ai.providers import configured_providers
from unse.ai.ratelimit import rate_limit_check
from unse.core import switch_store as selectors
from unse.core.request import Caller
from unse.core.switch_store import switch_get
from unse.core.switches import SwitchValueError
from unse.ops.models import AuditEntry, AuditSource, RuntimeSwitch
from unse.ops.services import switch_reset, switch_set
from unse.readings import prompting
from unse.readings.keys import Kind, Mode, Topic
from unse.readings.models import Reading
from unse.readings.prompt_versions import prompt_override, prompt_versions_available
from unse.readings.requests import reading_request
from unse.readings.services.open import reading_stream

# Transactional: switch changes are announced on commit, as in production.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def staff(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user("operator", "op@example.com", "pw", is_staff=True)


def test_unset_switches_follow_the_environment(settings: Any) -> None:
    settings.RATE_LIMIT_ANON = "7/hour"
    settings.AI_DAILY_TOKEN_BUDGET = 5
    settings.READINGS_FALLBACK_BUILTIN = False
    assert switch_get("ratelimit.anon") == "7/hour"
    assert switch_get("ai.daily_token_budget") == 5
    assert switch_get("readings.fallback_builtin") is False
    assert switch_get("maintenance") is False


def test_set_is_stored_audited_and_applied_at_once(staff: Any, settings: Any) -> None:
    settings.AI_DAILY_TOKEN_BUDGET = 2_000_000
    assert switch_set(actor=staff, name="ai.daily_token_budget", value="1,234") == 1234
    assert switch_get("ai.daily_token_budget") == 1234
    entry = AuditEntry.objects.get(action="switch.set")
    assert (entry.actor, entry.actor_username, entry.target) == (staff, "operator", "ai.daily_token_budget")
    assert (entry.before, entry.after, entry.source) == (2_000_000, 1234, AuditSource.CONSOLE)
    assert entry.created_at is not None


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("ai.daily_token_budget", "-1", "0 이상"),
        ("ai.daily_token_budget", "많이", "정수"),
        ("ratelimit.anon", "five per hour", "속도 제한 형식"),
        ("providers.order", "nobody", "알 수 없는 제공자"),
        ("maintenance", "maybe", "켜기"),
        ("prompts.active", "saju/general/plain=v999", "버전이 없습니다"),
        ("no.such.switch", "1", "알 수 없는 스위치"),
    ],
)
def test_bad_values_are_refused_with_a_korean_message(
    staff: Any, name: str, value: str, message: str
) -> None:
    with pytest.raises(SwitchValueError) as caught:
        switch_set(actor=staff, name=name, value=value)
    assert message in str(caught.value)
    assert not RuntimeSwitch.objects.exists()
    assert not AuditEntry.objects.exists()


def test_reset_returns_to_the_default_and_is_audited(staff: Any, settings: Any) -> None:
    settings.RATE_LIMIT_USER = "30/hour"
    switch_set(actor=staff, name="ratelimit.user", value="3/hour")
    assert switch_get("ratelimit.user") == "3/hour"
    assert switch_reset(actor=staff, name="ratelimit.user") == "30/hour"
    assert switch_get("ratelimit.user") == "30/hour"
    assert not RuntimeSwitch.objects.filter(name="ratelimit.user").exists()
    entry = AuditEntry.objects.get(action="switch.reset")
    assert (entry.before, entry.after) == ("3/hour", "30/hour")


def test_a_broken_store_falls_back_and_never_raises(staff: Any, settings: Any, monkeypatch: Any) -> None:
    settings.AI_DAILY_TOKEN_BUDGET = 99
    settings.OPS_SWITCH_TTL_SECONDS = 0.0
    switch_set(actor=staff, name="ai.daily_token_budget", value=1234)

    def broken() -> dict[str, Any]:
        raise OperationalError("database is gone")

    monkeypatch.setattr(selectors, "_read_rows", broken)
    cache.delete(selectors.VERSION_CACHE_KEY)
    assert switch_get("ai.daily_token_budget") == 1234  # the last values read stay in force
    selectors.switches_reset_local()
    assert switch_get("ai.daily_token_budget") == 99  # nothing read yet: the environment default


def test_a_change_made_by_another_process_is_read_after_the_ttl(staff: Any, settings: Any) -> None:
    settings.OPS_SWITCH_TTL_SECONDS = 3600.0
    assert switch_get("ai.daily_token_budget") == settings.AI_DAILY_TOKEN_BUDGET
    # Another worker's switch_set: the row and the version key change, this process is not told.
    RuntimeSwitch.objects.create(name="ai.daily_token_budget", value=777)
    cache.set(selectors.VERSION_CACHE_KEY, "changed-elsewhere")
    assert switch_get("ai.daily_token_budget") == settings.AI_DAILY_TOKEN_BUDGET  # trusted for the TTL
    settings.OPS_SWITCH_TTL_SECONDS = 0.0
    selectors._snapshot = selectors.Snapshot(
        selectors._snapshot.values, selectors._snapshot.version, selectors._snapshot.loaded_at, 0.0, True
    )
    assert switch_get("ai.daily_token_budget") == 777


def _entries(*names: str) -> list[dict[str, Any]]:
    return [
        {"name": n, "base_url": "http://127.0.0.1:9/v1", "api_key": "k", "model": f"m-{n}"} for n in names
    ]


def test_provider_order_and_on_off(staff: Any) -> None:
    with override_settings(LLM_PROVIDERS=_entries("a", "b", "c")):
        assert [p.name for p in configured_providers()] == ["a", "b", "c"]
        switch_set(actor=staff, name="providers.order", value="c, a")
        assert [p.name for p in configured_providers()] == ["c", "a", "b"]
        switch_set(actor=staff, name="providers.disabled", value="a")
        assert [p.name for p in configured_providers()] == ["c", "b"]
        switch_set(actor=staff, name="providers.disabled", value="a,b,c")
        assert configured_providers() == []


@pytest.mark.django_db(transaction=True)
async def test_rate_limit_values_apply_to_the_next_request(django_user_model: Any) -> None:
    staff = await sync_to_async(django_user_model.objects.create_user)(
        "op2", "op2@example.com", "pw", is_staff=True
    )
    who = subject()
    assert (await rate_limit_check(subject=who, anonymous=True)).allowed
    await sync_to_async(switch_set)(actor=staff, name="ratelimit.anon", value="1/hour")
    other = subject()  # a fresh subject gets its one request, and no second one
    assert (await rate_limit_check(subject=other, anonymous=True)).allowed
    second = await rate_limit_check(subject=other, anonymous=True)
    assert not second.allowed and second.limit == 1


@pytest.mark.django_db(transaction=True)
async def test_the_daily_budget_applies_to_the_next_request(django_user_model: Any) -> None:
    staff = await sync_to_async(django_user_model.objects.create_user)(
        "op3", "op3@example.com", "pw", is_staff=True
    )
    token_budget_reset_local()
    with override_settings(AI_REDIS_URL="", REDIS_URL=""):
        await sync_to_async(switch_set)(actor=staff, name="ai.daily_token_budget", value=100)
        await token_budget_spend(60)
        assert await token_budget_remaining() == 40
        await sync_to_async(switch_set)(actor=staff, name="ai.daily_token_budget", value=50)
        assert await token_budget_remaining() == 0
    token_budget_reset_local()


def _stream_kwargs() -> dict[str, Any]:
    return {
        "request": reading_request(birth=BIRTH, kind="saju", topic=None, mode="plain"),
        "caller": Caller(user=None, client_subject=subject(), request_id="ops-test"),
    }


async def _events() -> list[Any]:
    return [event async for event in reading_stream(**_stream_kwargs()) if event is not None]


@pytest.mark.django_db(transaction=True)
async def test_switching_the_fallback_off_gives_the_error_instead(
    llm: LLM, providers: list[dict[str, Any]], django_user_model: Any
) -> None:
    staff = await sync_to_async(django_user_model.objects.create_user)(
        "op4", "op4@example.com", "pw", is_staff=True
    )
    llm.set(fault="500")
    with override_settings(READINGS_FALLBACK_BUILTIN=True):
        await sync_to_async(switch_set)(actor=staff, name="readings.fallback_builtin", value="false")
        events = await _events()
    assert [e.name for e in events][-1] == "error"
    assert events[-1].data["error"]["code"] == "AI_UNAVAILABLE"
    assert await Reading.objects.acount() == 0


@pytest.fixture
def prompt_versions(tmp_path: Path, monkeypatch: Any) -> Path:
    root = tmp_path / "prompts"
    shutil.copytree(prompting.PROMPTS_DIR, root)
    version = root / "versions" / "2026-12-a" / "topics"
    version.mkdir(parents=True)
    (version / "general.md").write_text(
        "새 버전의 질문: 이 명식을 세 문단으로 풀이해 주세요.", encoding="utf-8"
    )
    monkeypatch.setattr(prompting, "PROMPTS_DIR", root)
    prompting.prompt_template.cache_clear()
    yield root
    prompting.prompt_template.cache_clear()


def test_prompt_versions_are_listed_per_prompt_and_selected_by_the_switch(
    staff: Any, prompt_versions: Path
) -> None:
    assert prompt_versions_available(Kind.SAJU, Topic.GENERAL, Mode.WARM) == ["current", "2026-12-a"]
    assert prompt_versions_available(Kind.SAJU, Topic.CAREER, Mode.PLAIN) == ["current"]
    assert prompt_override(Kind.SAJU, Topic.GENERAL, Mode.PLAIN) is None
    switch_set(actor=staff, name="prompts.active", value="saju/general/plain=2026-12-a")
    chosen = prompt_override(Kind.SAJU, Topic.GENERAL, Mode.PLAIN)
    assert chosen is not None and chosen.question.startswith("새 버전의 질문")
    assert chosen.version != prompting.prompt_template(Kind.SAJU, Topic.GENERAL, Mode.PLAIN).version
    assert prompt_override(Kind.SAJU, Topic.GENERAL, Mode.WARM) is None  # only the slot that was set
    with pytest.raises(SwitchValueError):
        switch_set(actor=staff, name="prompts.active", value="saju/career/plain=2026-12-a")


@pytest.mark.django_db(transaction=True)
async def test_a_new_prompt_version_gets_new_readings_and_switching_back_finds_the_old(
    llm: LLM, providers: list[dict[str, Any]], prompt_versions: Path, django_user_model: Any
) -> None:
    staff = await sync_to_async(django_user_model.objects.create_user)(
        "op5", "op5@example.com", "pw", is_staff=True
    )
    await _events()
    assert llm.stats.requests == 1
    await sync_to_async(switch_set)(actor=staff, name="prompts.active", value="saju/general/plain=2026-12-a")
    events = await _events()
    assert events[0].data["cached"] is False and llm.stats.requests == 2
    assert "새 버전의 질문" in llm.stats.last_request["body"]["messages"][-1]["content"]
    await sync_to_async(switch_reset)(actor=staff, name="prompts.active")
    events = await _events()
    assert events[0].data["cached"] is True and llm.stats.requests == 2


def test_a_breaker_reset_made_elsewhere_clears_this_process_local_breaker(settings: Any) -> None:
    from asgiref.sync import async_to_sync

    from unse.ai.breaker import BreakerState, breaker_record, breaker_state

    settings.OPS_SWITCH_TTL_SECONDS = 0.0
    with override_settings(
        LLM_PROVIDERS=_entries("solo"), AI_REDIS_URL="", REDIS_URL="", AI_BREAKER_OPEN_SECONDS=600
    ):
        switch_get("breaker.resets")  # this process has read the switches once
        for _ in range(settings.AI_BREAKER_CONSECUTIVE_FAILURES):
            async_to_sync(breaker_record)("solo", ok=False)
        assert async_to_sync(breaker_state)("solo") is BreakerState.OPEN
        # Another worker's console reset: its row changes, this process only sees the table.
        RuntimeSwitch.objects.create(name="breaker.resets", value={"solo": "2026-11-24T13:00:00+00:00"})
        switch_get("breaker.resets")
        assert async_to_sync(breaker_state)("solo") is BreakerState.CLOSED
