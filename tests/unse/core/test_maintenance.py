"""Maintenance mode: everyone but superusers gets 503 + Retry-After; sign-in and probes stay open."""

from __future__ import annotations

import json

import pytest

from unse.core import maintenance

pytestmark = [pytest.mark.urls("tests.unse.core.urls"), pytest.mark.django_db]


@pytest.fixture
def maintenance_on(settings):  # type: ignore[no-untyped-def]
    settings.MAINTENANCE_MODE = True
    return settings


async def test_api_gets_maintenance_error(async_client, maintenance_on):
    response = await async_client.get("/api/t/ok/")
    assert response.status_code == 503
    assert response["Retry-After"] == "600"
    error = json.loads(response.content)["error"]
    assert error["code"] == "MAINTENANCE"
    assert error["request_id"] == response["X-Request-ID"]


async def test_pages_get_korean_maintenance_page(async_client, maintenance_on):
    response = await async_client.get("/t/ok/")
    assert response.status_code == 503
    body = response.content.decode()
    assert "서비스 점검 중입니다" in body
    assert (
        'class="error-page maintenance"' in body
    )  # the page itself (core/maintenance.html), not the fallback
    # The title once (<title> and heading; the base adds the site name), nothing for the public about staff login.
    assert body.count("서비스 점검 중") == 2 and "<title>서비스 점검 중 · 사주 명식</title>" in body
    assert "관리자" not in body and 'href="/accounts/login/"' not in body.split("<main", 1)[1]
    assert response["Retry-After"] == "600"


async def test_login_and_probes_stay_reachable(async_client, maintenance_on):
    assert (await async_client.get("/accounts/login/")).status_code == 200
    assert (await async_client.get("/health/")).status_code == 200
    assert (await async_client.get("/ready/")).status_code == 200


@pytest.mark.django_db(transaction=True)
async def test_superuser_passes_everyone_else_does_not(async_client, maintenance_on, django_user_model):
    from asgiref.sync import sync_to_async

    admin = await sync_to_async(django_user_model.objects.create_superuser)("root", "root@example.com", "pw")
    member = await sync_to_async(django_user_model.objects.create_user)("member", "m@example.com", "pw")
    await async_client.aforce_login(member)
    assert (await async_client.get("/t/ok/")).status_code == 503
    await async_client.aforce_login(admin)
    response = await async_client.get("/t/ok/")
    assert response.status_code == 200
    assert response.content.decode() == "정상"


def test_sync_stack_honours_maintenance_too(client, maintenance_on):
    assert client.get("/t/ok/").status_code == 503


async def test_runtime_flag_without_restart(async_client):
    assert (await async_client.get("/t/ok/")).status_code == 200
    await maintenance.aset_maintenance_flag(True)
    assert (await async_client.get("/t/ok/")).status_code == 503
    await maintenance.aset_maintenance_flag(False)
    assert (await async_client.get("/t/ok/")).status_code == 200


async def test_registered_source_is_consulted_and_a_failing_one_is_ignored(async_client):
    def broken() -> bool:
        raise RuntimeError("flag store down")

    maintenance.register_maintenance_source("broken", broken)
    try:
        assert (await async_client.get("/t/ok/")).status_code == 200
        maintenance.register_maintenance_source("console", lambda: True)
        assert (await async_client.get("/t/ok/")).status_code == 503
        assert maintenance.is_maintenance_active() is True
    finally:
        maintenance.unregister_maintenance_source("broken")
        maintenance.unregister_maintenance_source("console")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("TRUE", True),
        ("Yes", True),
        ("on", True),
        ("1", True),
        ("false", False),
        ("OFF", False),
        ("0", False),
    ],
)
def test_env_flag_is_case_insensitive(monkeypatch, raw, expected):
    from config.env import env_bool

    monkeypatch.setenv("MAINTENANCE_MODE", raw)
    assert env_bool("MAINTENANCE_MODE") is expected
