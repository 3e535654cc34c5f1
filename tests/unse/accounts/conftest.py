from __future__ import annotations

import pytest
from allauth.core.internal.ratelimit import parse_rates
from django.conf import settings
from django.core.cache import cache

TEST_CLIENT_IPS = ("127.0.0.1",)


def _clear_ip_limits() -> None:
    # allauth counts attempts in the (possibly shared Redis) cache; only this suite's keys are removed.
    for action, rates in settings.ACCOUNT_RATE_LIMITS.items():
        for rate in parse_rates(rates):
            if rate.per == "ip":
                for ip in TEST_CLIENT_IPS:
                    cache.delete(f"allauth:rl:allauth.account:{action}:{rate}:ip:{ip}")


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    _clear_ip_limits()
    yield
    _clear_ip_limits()
