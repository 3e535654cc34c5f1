"""Fixtures of the chat tests: logged-in clients over Django's ASGI handler, the readings' Redis isolation."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from django.test import AsyncClient

from tests.unse.readings.llm_fixtures import isolated_flights  # noqa: F401 - autouse fixture


async def make_member(username: str | None = None) -> tuple[Any, AsyncClient]:
    from unse.accounts.models import User

    user = await User.objects.acreate(
        username=username or f"chat-{secrets.token_hex(4)}", email=f"{secrets.token_hex(4)}@example.com"
    )
    client = AsyncClient()
    await client.aforce_login(user)
    return user, client


@pytest.fixture
async def member() -> tuple[Any, AsyncClient]:
    return await make_member()


@pytest.fixture(autouse=True)
async def _close_async_orm_connections() -> Any:
    """The async ORM calls of a test run in asgiref's sync thread: close its connection afterwards, so
    PostgreSQL's test database can be dropped at the end of the session; and the provider's HTTP session
    of this test's event loop."""
    yield
    from asgiref.sync import sync_to_async
    from django.db import connections

    from unse.ai.providers import close_http_sessions

    await close_http_sessions()
    await sync_to_async(connections.close_all)()
