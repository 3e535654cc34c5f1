from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from django.core.cache import cache

from tests.unse.readings.llm_fixtures import isolated_flights, llm, providers  # noqa: F401 - fixtures
from unse.core.switch_store import VERSION_CACHE_KEY


def _forget() -> None:
    # The process's snapshot is reset for every test (tests/unse/conftest.py); the shared version key too.
    with contextlib.suppress(Exception):  # a test without a reachable cache still starts clean
        cache.delete(VERSION_CACHE_KEY)


@pytest.fixture(autouse=True)
def _fresh_switches() -> Iterator[None]:
    """Every test starts and ends with no cached switches in this process."""
    _forget()
    yield
    _forget()
