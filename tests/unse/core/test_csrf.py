"""CSRF on the readings-style POST endpoints: a logged-in (session cookie) write needs Django's CSRF token;
anonymous requests carry no session and need none. Through Django's ASGI handler with CSRF enforced."""

from __future__ import annotations

import secrets
from typing import Any

import orjson
import pytest
from django.test import AsyncClient

from tests.unse.readings.llm_fixtures import BIRTH, isolated_flights  # noqa: F401 - autouse: private Redis prefixes

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("rules_only"),
]

WRITES: list[tuple[str, dict[str, Any]]] = [
    ("/api/v1/readings", {"birth": BIRTH}),
    ("/api/v1/readings/stream", {"birth": BIRTH}),
    ("/api/v1/topics/career", {"birth": BIRTH}),
    ("/api/v1/daily", {"birth": BIRTH}),
    ("/api/v1/daily?stream=1", {"birth": BIRTH}),
]


def _client() -> AsyncClient:
    return AsyncClient(enforce_csrf_checks=True, REMOTE_ADDR=f"192.0.2.{secrets.randbelow(250) + 1}")


async def _member_client() -> AsyncClient:
    from django.contrib.auth import get_user_model

    user = await get_user_model().objects.acreate(
        username=f"csrf-{secrets.token_hex(4)}", email=f"{secrets.token_hex(4)}@example.com"
    )
    client = _client()
    await client.aforce_login(user)
    return client


async def _csrf_token(client: AsyncClient) -> str:
    # What the browser gets: the page sets the csrftoken cookie the web UI's JS echoes in X-CSRFToken.
    page = await client.get("/")
    assert page.status_code == 200
    return str(client.cookies["csrftoken"].value)


async def _post(client: AsyncClient, path: str, body: dict[str, Any], token: str | None = None) -> Any:
    headers = {} if token is None else {"X-CSRFToken": token}
    response = await client.post(
        path, data=orjson.dumps(body), content_type="application/json", headers=headers
    )
    if response.streaming:
        b"".join([chunk async for chunk in response.streaming_content])
    return response


@pytest.mark.parametrize(("path", "body"), WRITES)
async def test_logged_in_post_without_token_is_403_csrf_failed(path: str, body: dict[str, Any]) -> None:
    client = await _member_client()
    response = await _post(client, path, body)
    assert response.status_code == 403
    error = orjson.loads(response.content)["error"]
    assert error["code"] == "CSRF_FAILED"
    assert error["message"] and error["request_id"]


@pytest.mark.parametrize(("path", "body"), WRITES)
async def test_logged_in_post_with_a_wrong_token_is_403(path: str, body: dict[str, Any]) -> None:
    client = await _member_client()
    await _csrf_token(client)
    response = await _post(client, path, body, token=secrets.token_hex(16))
    assert response.status_code == 403
    assert orjson.loads(response.content)["error"]["code"] == "CSRF_FAILED"


@pytest.mark.parametrize(("path", "body"), WRITES)
async def test_logged_in_post_with_the_token_is_served(path: str, body: dict[str, Any]) -> None:
    client = await _member_client()
    token = await _csrf_token(client)
    response = await _post(client, path, body, token=token)
    assert response.status_code == 200, response


@pytest.mark.parametrize(("path", "body"), WRITES)
async def test_anonymous_post_needs_no_token(path: str, body: dict[str, Any]) -> None:
    response = await _post(_client(), path, body)
    assert response.status_code == 200, response


async def test_logged_in_get_needs_no_token() -> None:
    client = await _member_client()
    response = await client.get("/api/v1/fortunes/today")
    # No default profile yet: the selector's 404, not a CSRF refusal.
    assert response.status_code == 404
    assert orjson.loads(response.content)["error"]["code"] != "CSRF_FAILED"
