"""Django's middleware run on the event loop (unse/core/inline_middleware.py) still protect async requests."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponse
from django.test import AsyncClient, RequestFactory, override_settings

from unse.core.inline_middleware import StaticFilesMiddleware

pytestmark = pytest.mark.django_db(transaction=True)


async def test_form_post_without_csrf_token_is_refused_under_asgi() -> None:
    client = AsyncClient(enforce_csrf_checks=True)
    response = await client.post("/accounts/login/", {"login": "a@example.com", "password": "x"})
    assert response.status_code == 403


async def test_security_headers_and_session_cookie_under_asgi() -> None:
    client = AsyncClient(enforce_csrf_checks=True)
    page = await client.get("/accounts/login/")
    assert page.status_code == 200
    assert page["X-Frame-Options"] == "DENY"
    assert page["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in page
    assert "csrftoken" in page.cookies
    # The token the page handed out is accepted: the POST reaches the login form (a form error, not 403).
    token = page.cookies["csrftoken"].value
    response = await client.post(
        "/accounts/login/",
        {"login": "nobody@example.com", "password": "wrong"},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code in {200, 400}


async def test_static_files_are_served_without_reaching_the_views() -> None:
    async def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse("view", status=404)

    with override_settings(WHITENOISE_USE_FINDERS=True):
        middleware = await sync_to_async(StaticFilesMiddleware)(view)
    factory = RequestFactory()
    served = await middleware(factory.get("/static/img/favicon.svg"))
    assert served.status_code == 200
    assert served["Content-Type"].startswith("image/svg")
    missing = await middleware(factory.get("/static/img/nope.svg"))
    assert missing.status_code == 404
