"""Requests refused at the edge and errors that used to be 500s (issue 20, findings 9, 10, 14, 15):
NUL bytes, DataError, multipart without a boundary, non-JSON API writes, the CSRF page for a logged-in user."""

from __future__ import annotations

import logging
import secrets

import pytest
from django.db import DataError
from django.http.multipartparser import MultiPartParserError
from django.test import AsyncClient

from unse.core.errors import ErrorCode
from unse.core.responses import classify_exception

pytestmark = [pytest.mark.django_db(transaction=True)]


async def _member(**extra: str) -> AsyncClient:
    from django.contrib.auth import get_user_model

    user = await get_user_model().objects.acreate(
        username=f"edge-{secrets.token_hex(4)}", email=f"{secrets.token_hex(4)}@example.com"
    )
    client = AsyncClient(enforce_csrf_checks=True, **extra)
    await client.aforce_login(user)
    return client


@pytest.mark.parametrize("path", ["/api/v1/readings/ab%00cd", "/s/ab%00cd/", "/api/v1/me/saved?page=1%00"])
async def test_a_nul_byte_in_a_path_or_query_is_400(path: str):
    response = await AsyncClient().get(path)
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert response.json()["error"]["code"] == "INVALID_CHARACTERS"
    else:
        assert "쓸 수 없는 문자" in response.content.decode()


def test_database_and_multipart_errors_are_400s_not_500s():
    assert classify_exception(DataError("invalid byte sequence 0x00")).code is ErrorCode.VALIDATION_ERROR
    assert classify_exception(MultiPartParserError("Invalid boundary")).code is ErrorCode.MALFORMED_BODY


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
async def test_api_writes_must_be_json(content_type: str):
    # A page on another site can make a visitor's browser send these without a CORS preflight.
    response = await AsyncClient(REMOTE_ADDR="192.0.2.77").post(
        "/api/v1/readings", data=b'{"birth": {"datetime": "1990-05-15T14:30"}}', content_type=content_type
    )
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "UNSUPPORTED_MEDIA_TYPE"


async def test_logged_in_multipart_without_boundary_is_answered_not_crashed():
    client = await _member()
    api = await client.post("/api/v1/me/favourites", data=b"xx", content_type="multipart/form-data")
    assert api.status_code == 415
    page = await client.post("/me/favourites/", data=b"xx", content_type="multipart/form-data")
    assert page.status_code in {400, 403}


async def test_csrf_failure_page_for_a_logged_in_user_renders_in_korean(caplog):
    client = await _member()
    with caplog.at_level(logging.WARNING):
        response = await client.post(
            "/me/favourites/", data={"day": "2026-01-01", "label": "x", "colour": "red"}
        )
    html = response.content.decode()
    assert response.status_code == 403
    assert "보안 확인(CSRF)에 실패했습니다" in html
    assert 'rel="stylesheet"' in html  # the site's own page, not the bare fallback markup
    assert "error_page_render_failed" not in caplog.text
