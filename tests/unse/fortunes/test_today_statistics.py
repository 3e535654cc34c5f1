"""What the statistics page shows for `GET /api/v1/fortunes/today`: the days (KST) the user looked at their
daily fortune, however often they reloaded it (DAILY_VIEWED is recorded once per user per day)."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

import orjson
import pytest
from asgiref.sync import sync_to_async
from django.test import AsyncClient
from django.utils import timezone

from tests.unse.fortunes.conftest import make_target
from unse.accounts.models import ActivityEvent, ActivityKind, User
from unse.accounts.services import activity as account_services

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def roomy_rate_limits(settings: Any) -> None:
    settings.RATE_LIMIT_USER = "1000/hour;10000/day"


async def _member() -> tuple[User, AsyncClient]:
    user_id = await sync_to_async(make_target)(n=secrets.randbelow(10_000))
    user = await User.objects.aget(pk=user_id)
    client = AsyncClient(REMOTE_ADDR=f"2001:db8::{secrets.randbelow(0xFFFF):x}")
    await client.aforce_login(user)
    return user, client


async def _today(client: AsyncClient) -> None:
    response = await client.get("/api/v1/fortunes/today")
    assert response.status_code == 200, response.content


async def _stats(client: AsyncClient) -> dict[str, Any]:
    response = await client.get("/api/v1/me/stats")
    assert response.status_code == 200, response.content
    return dict(orjson.loads(response.content))


async def test_reloading_today_counts_one_day_on_the_statistics_page() -> None:
    user, client = await _member()
    for _ in range(4):
        await _today(client)
    assert (await _stats(client))["daily_fortunes"] == 1
    page = await client.get("/me/")
    assert "오늘의 운세를 본 날</dt><dd>1일" in page.content.decode()
    daily = ActivityEvent.objects.filter(user=user, kind=ActivityKind.DAILY_VIEWED)
    assert await daily.acount() == 1  # the recent-activity list holds one entry, not one per reload


async def test_another_day_counts_again_and_another_worker_does_not_count_twice() -> None:
    user, client = await _member()
    yesterday = await ActivityEvent.objects.acreate(user=user, kind=ActivityKind.DAILY_VIEWED)
    await ActivityEvent.objects.filter(pk=yesterday.pk).aupdate(created_at=timezone.now() - timedelta(days=1))
    await _today(client)
    assert (await _stats(client))["daily_fortunes"] == 2
    # A worker process that has not seen this user today (its memo is empty) checks the database first.
    account_services._daily_recorded.clear()
    await _today(client)
    assert (await _stats(client))["daily_fortunes"] == 2


async def test_a_deleted_account_records_nothing() -> None:
    user, _ = await _member()
    await User.objects.filter(pk=user.pk).aupdate(deleted_at=timezone.now())
    await sync_to_async(account_services.activity_record)(user_id=user.pk, kind=ActivityKind.DAILY_VIEWED)
    assert await ActivityEvent.objects.filter(user=user, kind=ActivityKind.DAILY_VIEWED).acount() == 0
