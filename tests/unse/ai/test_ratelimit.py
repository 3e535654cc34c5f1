"""Rate limits: exact under 200 concurrent checks (memory and real Redis), fail-open, IPv6 /64."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from unse.ai import metrics
from unse.ai.ratelimit import RateDecision, rate_limit_check, rate_limit_reset
from unse.core.request import client_subject

pytestmark = pytest.mark.usefixtures("ai_clients")


@pytest.fixture(params=["ai_local", "ai_redis"])
def backend(request: pytest.FixtureRequest) -> str:
    request.getfixturevalue(request.param)
    return str(request.param)


async def _burst(n: int, **kwargs: Any) -> list[RateDecision]:
    return list(await asyncio.gather(*(rate_limit_check(**kwargs) for _ in range(n))))


async def test_200_parallel_requests_of_one_user_pass_exactly_the_limit(backend: str, settings: Any) -> None:
    settings.RATE_LIMIT_USER = "7/hour;100/day"
    decisions = await _burst(200, subject="user:42", anonymous=False)
    allowed = [d for d in decisions if d.allowed]
    assert len(allowed) == 7
    refused = [d for d in decisions if not d.allowed]
    assert {d.window for d in refused} == {"subject:7/hour"}
    assert all(d.remaining == 0 and d.reset_after > 0 and not d.degraded for d in refused)
    assert refused[0].headers()["Retry-After"] == str(refused[0].reset_after)


async def test_daily_window_refuses_once_spent(backend: str, settings: Any) -> None:
    settings.RATE_LIMIT_USER = "10/hour;3/day"
    decisions = await _burst(20, subject="user:7", anonymous=False)
    assert sum(d.allowed for d in decisions) == 3


async def test_refusal_by_one_window_uses_no_unit_of_another(backend: str, settings: Any) -> None:
    settings.RATE_LIMIT_USER = "3/hour;100/day"
    decisions = [await rate_limit_check(subject="user:8", anonymous=False) for _ in range(10)]
    assert [d.allowed for d in decisions] == [True] * 3 + [False] * 7
    assert {d.window for d in decisions[3:]} == {"subject:3/hour"}
    settings.RATE_LIMIT_USER = "100/hour;100/day"  # the hourly window gone: the daily one saw 3 units only
    assert (await rate_limit_check(subject="user:8", anonymous=False)).remaining == 96


async def test_remaining_counts_down_on_the_tightest_window(backend: str, settings: Any) -> None:
    settings.RATE_LIMIT_ANON = "5/hour;10/day"
    settings.RATE_LIMIT_ANON_GLOBAL = "1000/hour"
    first = await rate_limit_check(subject="ip:192.0.2.1", anonymous=True)
    second = await rate_limit_check(subject="ip:192.0.2.1", anonymous=True)
    assert (first.allowed, first.limit, first.remaining, first.window) == (True, 5, 4, "subject:5/hour")
    assert second.remaining == 3


async def test_global_anonymous_budget_caps_all_anonymous_traffic(backend: str, settings: Any) -> None:
    settings.RATE_LIMIT_ANON = "5/hour"
    settings.RATE_LIMIT_ANON_GLOBAL = "12/hour"
    decisions = await asyncio.gather(
        *(rate_limit_check(subject=f"ip:198.51.100.{i % 50}", anonymous=True) for i in range(200))
    )
    assert sum(d.allowed for d in decisions) == 12
    # users are not part of the anonymous budget
    assert (await rate_limit_check(subject="user:1", anonymous=False)).allowed


async def test_ipv6_addresses_of_one_64_share_a_limit(backend: str, settings: Any) -> None:
    settings.RATE_LIMIT_ANON = "2/hour"
    settings.RATE_LIMIT_ANON_GLOBAL = ""
    a = client_subject("2001:db8:1:2:aaaa::1")
    b = client_subject("2001:db8:1:2:ffff:ffff:ffff:ffff")
    other = client_subject("2001:db8:1:3::1")
    assert a == b != other
    results = [await rate_limit_check(subject=s, anonymous=True) for s in (a, b, a, other)]
    assert [r.allowed for r in results] == [True, True, False, True]


async def test_reset_clears_a_subject(backend: str, settings: Any) -> None:
    settings.RATE_LIMIT_USER = "1/hour"
    assert (await rate_limit_check(subject="user:9", anonymous=False)).allowed
    assert not (await rate_limit_check(subject="user:9", anonymous=False)).allowed
    await rate_limit_reset(subject="user:9", anonymous=False)
    assert (await rate_limit_check(subject="user:9", anonymous=False)).allowed


async def test_backend_failure_fails_open_and_is_counted(ai_redis_down: None, settings: Any) -> None:
    settings.RATE_LIMIT_USER = "1/hour"
    before = metrics.RATELIMIT_FAIL_OPEN._value.get()
    decisions = [await rate_limit_check(subject="user:5", anonymous=False) for _ in range(3)]
    assert all(d.allowed and d.degraded for d in decisions)
    assert metrics.RATELIMIT_FAIL_OPEN._value.get() == before + 3


def test_client_subject_forms() -> None:
    assert client_subject("203.0.113.9") == "ip:203.0.113.9"
    assert client_subject("::ffff:203.0.113.9") == "ip:203.0.113.9"
    assert client_subject("2001:db8::1") == "ip:2001:db8::/64"
    assert client_subject("fe80::1%eth0") == "ip:fe80::/64"
    assert client_subject("not-an-ip") == "ip:unknown"


async def test_no_windows_configured_allows(ai_local: None, settings: Any) -> None:
    settings.RATE_LIMIT_USER = ""
    decision = await rate_limit_check(subject="user:1", anonymous=False)
    assert decision.allowed and decision.window == "none"
