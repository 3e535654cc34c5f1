"""Scenario 9, security checks on a real server with production settings: security headers and secure
cookies behind the trusted proxy, CSRF refusing a cookie-carrying form POST without a token, and a log that
holds no secret, birth date or e-mail address after traffic that contained all of them.
In-process coverage: tests/unse/core/test_settings.py (headers, prod switches), tests/unse/accounts/
test_personal_api.py (CSRF on cookie-authenticated API writes, other users' objects answer 404)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from tests.fakellm_fixture import FakeLLMHandle
from tests.integration.conftest import base_env
from tests.reliability.conftest import HTTPS, ai_env, start_app

pytestmark = [pytest.mark.integration, pytest.mark.slow]

API_KEY = "sk-reliability-SECRET-4242"
EMAIL = "victim.person@example.org"
PASSWORD = "Wrong-Pass-9911"
BIRTH_DATETIME = "1987-03-21T04:15"


def test_headers_csrf_and_logs_without_secrets(
    tmp_path: Path, sqlite_url: str, fake_llm: FakeLLMHandle, app_servers
) -> None:
    app = start_app(tmp_path, database_url=sqlite_url, **ai_env(fake_llm, LLM_API_KEY=API_KEY))
    app_servers.append(app)
    secret_key = base_env()["SECRET_KEY"]
    referer = f"https://127.0.0.1:{app.port}/accounts/login/"  # same origin, so only the token is missing
    with httpx.Client(base_url=app.url(""), headers={"X-Forwarded-Proto": "https"}, timeout=60) as browser:
        page = browser.get("/accounts/login/")
        assert page.status_code == 200
        for name, expected in {
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": "DENY",
            "Referrer-Policy": "strict-origin-when-cross-origin",
        }.items():
            assert page.headers.get(name) == expected, name
        assert "max-age=" in page.headers["Strict-Transport-Security"]
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]
        csrf_cookie = next(c for c in page.headers.get_list("set-cookie") if c.startswith("csrftoken="))
        assert "Secure" in csrf_cookie and "SameSite=Lax" in csrf_cookie

        # The client speaks plain HTTP to the app (TLS ends at the proxy), so it sends the Secure cookie itself.
        token = csrf_cookie.split(";", 1)[0].split("=", 1)[1]
        cookie = {"Cookie": f"csrftoken={token}", "Referer": referer}
        # The cookie alone is not enough: a form POST without the token is refused with the error model.
        forged = browser.post(
            "/accounts/login/",
            data={"login": EMAIL, "password": PASSWORD},
            headers={"Accept": "application/json", **cookie},
        )
        assert forged.status_code == 403
        assert forged.json()["error"]["code"] == "CSRF_FAILED"

        login = browser.post(
            "/accounts/login/",
            data={"login": EMAIL, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers=cookie,
        )
        assert login.status_code in {200, 400}  # wrong credentials: the form again, not a server error

        reading = browser.post(
            "/api/v1/readings",
            headers=HTTPS,
            json={"birth": {"datetime": BIRTH_DATETIME, "timezone": "Asia/Seoul"}},
        )
        assert reading.status_code == 200, reading.text
    assert fake_llm.stats()["requests"] == 1

    app.terminate()
    app.process.wait(timeout=30)
    log = app.log_text()
    assert log.strip(), "the server wrote no log at all"
    for needle in (API_KEY, secret_key, EMAIL, PASSWORD, BIRTH_DATETIME, "1987-03-21", "19870321"):
        assert needle not in log, f"{needle!r} found in the server log"
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", log), "an e-mail address is in the server log"
