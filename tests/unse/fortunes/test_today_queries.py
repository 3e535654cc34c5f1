"""`GET /api/v1/fortunes/today` with a stored fortune: a fixed, small set of queries (issue 10 scenario 2).

The request's queries run in worker threads (the session, user and profile in one hop, the fortune lookup in
another), so they are counted at Django's cursor, in every thread.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import orjson
import pytest
from asgiref.sync import sync_to_async
from django.db.backends import utils
from django.test import AsyncClient

from tests.unse.fortunes.conftest import make_target
from unse.accounts.models import Profile, User
from unse.accounts.services.profiles import profile_create
from unse.core.clock import kst_today
from unse.readings.models import Reading

pytestmark = pytest.mark.django_db(transaction=True)
TABLE = re.compile(r'(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', re.IGNORECASE)


@pytest.fixture(autouse=True)
def roomy_rate_limits(settings: Any) -> None:
    settings.RATE_LIMIT_USER = "1000/hour;10000/day"


@contextmanager
def queries(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    seen: list[str] = []
    execute = utils.CursorWrapper._execute_with_wrappers

    def counting(self: Any, sql: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(sql)
        return execute(self, sql, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(utils.CursorWrapper, "_execute_with_wrappers", counting)
        yield seen


# Refreshed by time, not per request (unse.ops.selectors): whichever request comes after the interval reads it.
PERIODIC = {"ops_runtime_switch"}


def tables(seen: list[str]) -> list[str]:
    found = [match.group(1) for sql in seen if (match := TABLE.search(sql))]
    return [table for table in found if table not in PERIODIC]


async def _today(client: AsyncClient) -> dict[str, Any]:
    response = await client.get("/api/v1/fortunes/today")
    assert response.status_code == 200, response.content
    return dict(orjson.loads(response.content))


async def test_a_stored_fortune_is_read_with_one_indexed_query(monkeypatch: pytest.MonkeyPatch) -> None:
    user_id = await sync_to_async(make_target)(n=secrets.randbelow(10_000))
    user = await User.objects.aget(pk=user_id)
    client = AsyncClient(REMOTE_ADDR=f"2001:db8::{secrets.randbelow(0xFFFF):x}")
    await client.aforce_login(user)
    first = await _today(client)  # generated now and stored, as the nightly batch would have
    with queries(monkeypatch) as seen:
        second = await _today(client)
    assert second["cached"] is True and second["reading_id"] == first["reading_id"]
    assert second["html"] == first["html"]
    baseline = tables(seen)
    # One read each of the session, the user, the default profile and the stored fortune, nothing else: the
    # statistics page already counts today (DAILY_VIEWED is recorded once per user per KST day,
    # tests/unse/fortunes/test_today_statistics.py), so a later view of the day writes nothing.
    expected = ["accounts_profile", "accounts_user", "django_session", "readings_reading"]
    assert sorted(baseline) == expected, seen

    # No N+1: more profiles, more stored fortunes (other days, other users) change nothing.
    for n in range(5):
        await sync_to_async(profile_create)(
            user=user, label=f"가족{n}", birth={"datetime": f"198{n}-03-0{n + 1}T10:00", "gender": "male"}
        )
    for days in (1, 2, 3):
        await sync_to_async(Reading.objects.create)(
            cache_key=secrets.token_hex(32),
            fingerprint=secrets.token_hex(32),
            kind="daily",
            topic="general",
            mode="plain",
            prompt_version="v",
            model="m",
            provider="builtin",
            period=(kst_today() - timedelta(days=days)).isoformat(),
            generated_by="rules",
            text="다른 날의 운세",
        )
    assert await Profile.objects.filter(user=user).acount() == 6
    with queries(monkeypatch) as seen:
        third = await _today(client)
    assert third["reading_id"] == first["reading_id"]
    assert tables(seen) == baseline


def test_the_default_profile_read_is_the_orm_profile() -> None:
    from unse.accounts.selectors.profiles import profile_default_get

    user_id = make_target(n=secrets.randbelow(10_000), opted_in=False)
    read = profile_default_get(user_id=user_id)
    expected = Profile.objects.get(user_id=user_id, is_default=True)
    assert read is not None
    for name in ("pk", "user_id", "label", "birth", "is_default", "daily_fortune", "public_id", "relation"):
        assert getattr(read, name) == getattr(expected, name), name
    assert read.daily_fortune is False and read.is_default is True
    Profile.objects.filter(user_id=user_id).update(is_default=False)
    assert profile_default_get(user_id=user_id) is None
