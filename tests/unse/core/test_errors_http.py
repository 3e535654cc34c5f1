"""The error middleware and handlers: every failure becomes the one error model, never a traceback."""

from __future__ import annotations

import json

import pytest

pytestmark = [pytest.mark.urls("tests.unse.core.urls")]


def _error(response) -> dict:  # type: ignore[no-untyped-def]
    return json.loads(response.content)["error"]


async def test_service_error_from_sync_view_under_api_is_json_with_retry_after(async_client):
    response = await async_client.get("/api/t/service-error/")
    assert response.status_code == 429
    assert response["Retry-After"] == "42"
    error = _error(response)
    assert error["code"] == "RATE_LIMITED"
    assert error["message"] == "요청이 너무 많습니다. 잠시 후 다시 시도해 주세요."
    assert error["details"] == {"limit": "5/m"}
    assert error["request_id"] == response["X-Request-ID"]


async def test_service_error_from_async_view_keeps_its_headers(async_client):
    response = await async_client.get("/api/t/service-error-async/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["X-Extra"] == "yes"
    assert _error(response)["code"] == "AI_UNAVAILABLE"


def test_service_error_from_sync_stack_too(client):
    response = client.get("/api/t/service-error/")
    assert response.status_code == 429
    assert _error(response)["code"] == "RATE_LIMITED"


async def test_service_error_outside_api_is_a_korean_page(async_client):
    response = await async_client.get("/t/service-error/")
    assert response.status_code == 429
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert "요청이 너무 많습니다" in body
    assert response["X-Request-ID"] in body
    assert response["Retry-After"] == "42"


@pytest.mark.parametrize("path", ["/api/t/bug-async/", "/api/t/bug/"])
async def test_unknown_exception_is_internal_without_traceback(async_client, path, caplog):
    response = await async_client.get(path)
    assert response.status_code == 500
    error = _error(response)
    assert error["code"] == "INTERNAL"
    assert error["request_id"] == response["X-Request-ID"]
    assert b"secret internals" not in response.content
    assert b"Traceback" not in response.content


async def test_unknown_exception_page_is_korean_and_hides_internals(async_client):
    response = await async_client.get("/t/bug-async/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "예기치 못한 문제" in body
    assert "첫 화면으로 돌아가기" in body  # the page itself (errors/error.html), not the fallback
    assert "secret internals" not in body and "ZeroDivisionError" not in body


async def test_unknown_exception_is_logged_with_request_id(async_client, caplog):
    response = await async_client.get("/api/t/bug-async/")
    events = [
        r for r in caplog.records if isinstance(r.msg, dict) and r.msg.get("event") == "unhandled_exception"
    ]
    assert events, "the bug was not logged"
    assert events[0].msg["request_id"] == response["X-Request-ID"]
    assert events[0].levelname == "ERROR"
    assert isinstance(events[0].msg["exc_info"], ZeroDivisionError)


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/api/t/not-found/", 404, "NOT_FOUND"),
        ("/api/t/forbidden/", 403, "PERMISSION_DENIED"),
        ("/api/t/database-down/", 503, "DB_UNAVAILABLE"),
        ("/api/no-such-route/", 404, "NOT_FOUND"),
    ],
)
async def test_django_exceptions_map_to_codes(async_client, path, status, code):
    response = await async_client.get(path)
    assert response.status_code == status
    assert _error(response)["code"] == code


async def test_database_outage_says_when_to_retry(async_client):
    response = await async_client.get("/api/t/database-down/")
    assert response["Retry-After"] == "5"


async def test_unknown_page_is_korean_404(async_client):
    response = await async_client.get("/no-such-page/")
    assert response.status_code == 404
    assert "찾을 수 없습니다" in response.content.decode()


async def test_json_clients_get_json_outside_api(async_client):
    response = await async_client.get("/t/forbidden/", headers={"Accept": "application/json"})
    assert response.status_code == 403
    assert _error(response)["code"] == "PERMISSION_DENIED"


@pytest.mark.django_db
def test_csrf_failure_uses_error_model(settings):
    from django.test import Client

    # JSON: under /api/ any other body is refused before the CSRF check (415, tests/unse/core/test_edge.py).
    response = Client(enforce_csrf_checks=True).post(
        "/api/t/ok/", {"a": "b"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert _error(response)["code"] == "CSRF_FAILED"


def test_disallowed_host_is_400_in_korean(client):
    response = client.get("/t/ok/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "입력값을 확인해 주세요" in response.content.decode()


def test_broken_error_template_falls_back_to_plain_korean_page(client, settings):
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [], "APP_DIRS": False},
    ]
    response = client.get("/t/bug/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "예기치 못한 문제" in body and response["X-Request-ID"] in body


def test_failure_in_a_middleware_is_internal_and_logged(settings, caplog):
    from django.test import Client

    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.unse.core.broken.explode_middleware"]
    response = Client(raise_request_exception=False).get("/api/t/ok/")
    assert response.status_code == 500
    assert _error(response)["code"] == "INTERNAL"
    assert b"middleware secret" not in response.content
    logged = [r for r in caplog.records if r.name == "django.request" and r.levelname == "ERROR"]
    assert logged and logged[0].exc_info and isinstance(logged[0].exc_info[1], RuntimeError)


def test_answered_errors_are_not_logged_twice(client, caplog):
    client.get("/api/t/service-error/")
    client.get("/t/not-found/")
    assert not [r for r in caplog.records if r.name == "django.request"]
