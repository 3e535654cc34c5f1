"""`POST /api/v1/daily` and `GET /api/v1/fortunes/today` read and write the same daily reading as the batch."""

from __future__ import annotations

import asyncio
import io
import secrets
from datetime import timedelta
from typing import Any

import orjson
import pytest
from asgiref.sync import sync_to_async
from django.core.management import call_command
from django.test import AsyncClient as DjangoAsyncClient

from tests.unse.fortunes.conftest import make_target
from unse.accounts.models import User
from unse.core.clock import kst_today
from unse.readings.models import Reading

pytestmark = pytest.mark.django_db(transaction=True)
BIRTH = {"datetime": "1990-05-17T14:30", "gender": "female"}


@pytest.fixture(autouse=True)
def roomy_rate_limits(settings: Any) -> None:
    # The limiter's counters live in the shared Redis on the PostgreSQL+Redis pass; these tests are
    # about the daily key, not the limiter (which the readings tests cover).
    settings.RATE_LIMIT_ANON = "1000/hour;10000/day"
    settings.RATE_LIMIT_USER = "1000/hour;10000/day"
    settings.RATE_LIMIT_ANON_GLOBAL = "100000/hour"


def AsyncClient() -> DjangoAsyncClient:
    return DjangoAsyncClient(
        REMOTE_ADDR=f"2001:db8:{secrets.randbelow(0xFFFF):x}:{secrets.randbelow(0xFFFF):x}::1"
    )


async def test_post_daily_json_then_cached() -> None:
    client = AsyncClient()
    day = kst_today().isoformat()
    first = await client.post("/api/v1/daily", {"birth": BIRTH, "date": day}, content_type="application/json")
    assert first.status_code == 200, first.content
    body = first.json()
    assert body["date"] == day and body["kind"] == "daily" and body["period"] == day
    assert body["text"].strip() and body["reading_id"]
    second = await client.post(
        "/api/v1/daily", {"birth": BIRTH, "date": day}, content_type="application/json"
    )
    assert second.json()["cached"] is True
    assert second.json()["reading_id"] == body["reading_id"]


async def test_post_daily_streams_sse() -> None:
    client = AsyncClient()
    response = await client.post("/api/v1/daily?stream=1", {"birth": BIRTH}, content_type="application/json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/event-stream")
    raw = b"".join([chunk async for chunk in response.streaming_content])
    names = [line.split(b": ", 1)[1] for line in raw.splitlines() if line.startswith(b"event: ")]
    assert names[0] == b"meta" and names[-1] == b"done" and b"delta" in names


async def test_post_daily_rejects_a_date_far_away() -> None:
    client = AsyncClient()
    far = (kst_today() + timedelta(days=400)).isoformat()
    response = await client.post(
        "/api/v1/daily", {"birth": BIRTH, "date": far}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"


@pytest.mark.parametrize("stream", ["", "?stream=1"])
async def test_post_daily_for_a_date_before_the_birth_is_a_korean_validation_error(stream: str) -> None:
    """Issue 14 #5: a fortune for a day before the birth is refused with 400 (never a forecast of the unborn)."""
    born = kst_today() - timedelta(days=10)
    before = (kst_today() - timedelta(days=20)).isoformat()
    response = await AsyncClient().post(
        f"/api/v1/daily{stream}",
        {"birth": {"datetime": f"{born.isoformat()}T09:00", "gender": "male"}, "date": before},
        content_type="application/json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR" and error["details"]["engine_code"] == "INVALID_REFERENCE"
    assert "출생일" in error["message"]


async def test_today_requires_login() -> None:
    response = await AsyncClient().get("/api/v1/fortunes/today")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "AUTH_REQUIRED"


async def test_today_without_default_profile_is_404() -> None:
    user = await User.objects.acreate(username="nobody", email="nobody@example.com")
    client = AsyncClient()
    await client.aforce_login(user)
    response = await client.get("/api/v1/fortunes/today")
    assert response.status_code == 404
    assert response.json()["error"]["details"]["reason"] == "no_default_profile"


async def _today(client: AsyncClient) -> dict[str, Any]:
    response = await client.get("/api/v1/fortunes/today")
    assert response.status_code == 200, response.content
    return dict(orjson.loads(response.content))


async def test_today_reads_what_the_batch_stored() -> None:
    user_id = await sync_to_async(make_target)(n=1)
    yesterday = (kst_today() - timedelta(days=1)).isoformat()
    await asyncio.to_thread(
        call_command, "generate_daily_fortunes", "--date", yesterday, stdout=io.StringIO()
    )
    stored = await Reading.objects.aget(kind="daily", period=kst_today().isoformat())
    client = AsyncClient()
    await client.aforce_login(await User.objects.aget(pk=user_id))
    body = await _today(client)
    assert body["cached"] is True
    assert body["reading_id"] == stored.public_id
    assert body["date"] == kst_today().isoformat()


async def test_today_generates_on_demand_once_and_the_batch_then_skips() -> None:
    user_id = await sync_to_async(make_target)(n=2)
    client = AsyncClient()
    await client.aforce_login(await User.objects.aget(pk=user_id))
    first = await _today(client)
    assert first["cached"] is False and first["reading_id"]
    second = await _today(client)
    assert second["cached"] is True and second["reading_id"] == first["reading_id"]
    assert await Reading.objects.filter(kind="daily", period=kst_today().isoformat()).acount() == 1
    out = io.StringIO()
    yesterday = (kst_today() - timedelta(days=1)).isoformat()
    await asyncio.to_thread(call_command, "generate_daily_fortunes", "--date", yesterday, stdout=out)
    assert "건너뜀 1" in out.getvalue()
