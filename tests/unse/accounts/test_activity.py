"""A logged-in user's readings and daily fortunes show up on their statistics page (ActivityEvent)."""

from __future__ import annotations

import secrets
from typing import Any

import orjson
import pytest
from django.test import AsyncClient

from tests.unse.readings.llm_fixtures import BIRTH, isolated_flights  # noqa: F401 - autouse: private Redis prefixes
from unse.accounts.models import ActivityEvent, ActivityKind
from unse.core.request import Caller
from unse.readings.requests import reading_request
from unse.readings.services.open import reading_get_or_create

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("rules_only")]


async def _member() -> tuple[Any, AsyncClient]:
    from django.contrib.auth import get_user_model

    user = await get_user_model().objects.acreate(
        username=f"act-{secrets.token_hex(4)}", email=f"{secrets.token_hex(4)}@example.com"
    )
    client = AsyncClient(REMOTE_ADDR=f"192.0.2.{secrets.randbelow(250) + 1}")
    await client.aforce_login(user)
    return user, client


async def _post(client: AsyncClient, path: str) -> None:
    response = await client.post(path, data=orjson.dumps({"birth": BIRTH}), content_type="application/json")
    assert response.status_code == 200, response
    if response.streaming:
        b"".join([chunk async for chunk in response.streaming_content])


async def _kinds(user: Any) -> list[str]:
    return [
        kind
        async for kind in ActivityEvent.objects.filter(user=user)
        .order_by("id")
        .values_list("kind", flat=True)
    ]


async def test_readings_and_topics_are_recorded_each_time_the_daily_fortune_once_a_day() -> None:
    user, client = await _member()
    await _post(client, "/api/v1/readings")
    await _post(client, "/api/v1/readings")  # from the cache: still a reading the user asked for
    await _post(client, "/api/v1/readings/stream")
    await _post(client, "/api/v1/topics/love")
    await _post(client, "/api/v1/daily")
    await _post(client, "/api/v1/daily?stream=1")
    reading, daily = ActivityKind.READING_CREATED.value, ActivityKind.DAILY_VIEWED.value
    # The daily fortune counts days, not views: the second look the same (KST) day adds nothing.
    assert await _kinds(user) == [reading, reading, reading, reading, daily]


async def test_anonymous_requests_and_the_batch_record_nothing() -> None:
    await _post(AsyncClient(REMOTE_ADDR="192.0.2.77"), "/api/v1/readings")
    await reading_get_or_create(
        request=reading_request(birth=BIRTH, kind="daily"),
        caller=Caller(user=None, client_subject="batch", request_id="batch-test", charge=False),
    )
    assert await ActivityEvent.objects.acount() == 0
