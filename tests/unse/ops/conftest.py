from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from tests.unse.readings.llm_fixtures import isolated_flights, llm, providers  # noqa: F401 - fixtures
from unse.core import maintenance
from unse.core import switch_store as selectors


def _forget() -> None:
    selectors.switches_reset_local()
    try:
        cache.delete(selectors.VERSION_CACHE_KEY)
    except Exception:  # noqa: S110 - a test without a reachable cache still starts clean
        pass
    maintenance.reset_maintenance_memo()


@pytest.fixture(autouse=True)
def _fresh_switches() -> Iterator[None]:
    """Every test starts and ends with no cached switches in this process."""
    _forget()
    yield
    _forget()
