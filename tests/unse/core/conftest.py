from __future__ import annotations

from collections.abc import Iterator

import pytest
from asgiref.sync import SyncToAsync
from django.db import connections

from unse.core import health, maintenance
from unse.core.drain import drain_stop


@pytest.fixture(autouse=True)
def _clean_core_state() -> Iterator[None]:
    checks = dict(health._registry)
    maintenance.reset_maintenance_memo()
    drain_stop()
    yield
    health._registry.clear()
    health._registry.update(checks)
    maintenance.set_maintenance_flag(False)
    drain_stop()


@pytest.fixture(autouse=True)
def _release_thread_connections() -> Iterator[None]:
    # The test client does not close connections at request end (Django disconnects that signal in
    # tests), so connections opened by sync_to_async in asgiref's shared executor thread would stay
    # checked out of the PostgreSQL pool and block dropping the test database.
    yield
    SyncToAsync.single_thread_executor.submit(connections.close_all).result(timeout=30)
