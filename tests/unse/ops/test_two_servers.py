"""Two real server processes (scripts/serve.sh, production settings) share the database (and Redis when it
answers): a switch set in the console of one applies on the next requests of both within seconds, with no
restart and no redeploy."""

from __future__ import annotations

import base64
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from django_otp.oath import TOTP

from tests.integration.conftest import (  # noqa: F401 - fixtures
    REPO,
    AppServer,
    app_servers,
    base_env,
    manage,
    migrated_sqlite,
    sqlite_url,
    start_app,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SETTINGS = "tests.unse.ops.server_settings"
HTTPS = {"X-Forwarded-Proto": "https", "Accept": "text/html"}
REDIS_TEST_URL = "redis://127.0.0.1:6379/13"
APPLY_DEADLINE_SECONDS = 20.0  # generous for a busy machine; the design target is TTL + memo (~4 s)


def _redis_answers() -> bool:
    try:
        import redis

        client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=0.5)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:
        return False


class Console:
    """A staff member's browser session on one server (cookies kept by hand: they are Secure-only)."""

    def __init__(self, server: AppServer) -> None:
        self.server = server
        self.cookies: dict[str, str] = {}

    def _headers(self, path: str) -> dict[str, str]:
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return {**HTTPS, "Cookie": cookie, "Referer": f"https://127.0.0.1:{self.server.port}{path}"}

    def _keep(self, response: httpx.Response) -> None:
        for name, value in response.cookies.items():
            self.cookies[name] = value

    def get(self, path: str) -> httpx.Response:
        response = httpx.get(self.server.url(path), headers=self._headers(path), timeout=15)
        self._keep(response)
        return response

    def post(self, path: str, data: dict[str, str]) -> httpx.Response:
        form = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **data}
        response = httpx.post(self.server.url(path), data=form, headers=self._headers(path), timeout=15)
        self._keep(response)
        return response

    def login(self, username: str, password: str, token: str) -> None:
        self.get("/admin/login/")
        form = {"username": username, "password": password, "otp_token": token, "next": "/admin/"}
        response = self.post("/admin/login/", form)
        assert response.status_code == 302, re.findall(
            r'class="errornote">(.*?)<|errorlist[^>]*>(.*?)</ul', response.text, re.S
        )
        assert "sessionid" in self.cookies


def _enrol_totp(username: str, env: dict[str, str]) -> TOTP:
    """`manage.py admin_totp` as an operator runs it; the printed secret is what the authenticator app gets."""
    printed = subprocess.run(
        [sys.executable, "manage.py", "admin_totp", username],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    secret = re.search(r"비밀 키: ([A-Z2-7]+)", printed)
    assert secret is not None, printed
    return TOTP(base64.b32decode(secret[1]))


def _token(totp: TOTP, steps_ahead: int = 0) -> str:
    # Each token opens one login (django-otp refuses a reused step); the next step is within its tolerance.
    totp.time = time.time() + steps_ahead * totp.step
    return f"{totp.token():06d}"


def _status_of_home(server: AppServer) -> int:
    return httpx.get(server.url("/"), headers=HTTPS, timeout=15).status_code


def _wait_until(servers: list[AppServer], expected: int) -> dict[int, float]:
    started = time.monotonic()
    seen: dict[int, float] = {}
    while time.monotonic() - started < APPLY_DEADLINE_SECONDS and len(seen) < len(servers):
        for server in servers:
            if server.port not in seen and _status_of_home(server) == expected:
                seen[server.port] = time.monotonic() - started
        time.sleep(0.2)
    statuses = {server.port: _status_of_home(server) for server in servers}
    assert len(seen) == len(servers), f"expected {expected} everywhere, got {statuses}"
    return seen


@pytest.mark.parametrize("shared_cache", ["redis", "database-only"])
def test_maintenance_switch_set_in_one_console_applies_in_both_servers(
    tmp_path: Path,
    sqlite_url: str,  # noqa: F811 - the fixture imported above
    app_servers: list[AppServer],  # noqa: F811 - the fixture imported above
    shared_cache: str,
) -> None:
    extra: dict[str, Any] = {"DJANGO_SETTINGS_MODULE": SETTINGS, "OPS_SWITCH_TTL_SECONDS": "1"}
    if shared_cache == "redis":
        if not _redis_answers():
            pytest.skip("Redis is not reachable on 127.0.0.1:6379")
        import redis

        redis.Redis.from_url(REDIS_TEST_URL).delete(
            "unse:ops:switches:version", ":1:unse:ops:switches:version"
        )
        extra["REDIS_URL"] = REDIS_TEST_URL
        extra["AI_REDIS_PREFIX"] = f"test:ops:{tmp_path.name}"
    env = base_env(DATABASE_URL=sqlite_url, **extra, DJANGO_SUPERUSER_PASSWORD="console-pw-1234")
    manage("createsuperuser", "--noinput", "--username", "operator", "--email", "op@example.com", env=env)
    totp = _enrol_totp("operator", env)  # /admin/ needs the second factor under production settings

    first = start_app(tmp_path, database_url=sqlite_url, **extra)
    app_servers.append(first)
    second = start_app(tmp_path, database_url=sqlite_url, **extra)
    app_servers.append(second)
    servers = [first, second]
    assert [_status_of_home(s) for s in servers] == [200, 200]

    console = Console(first)
    console.login("operator", "console-pw-1234", _token(totp))
    page = console.get("/admin/ops/runtimeswitch/")
    assert page.status_code == 200 and "점검 모드" in page.text
    response = console.post("/admin/ops/runtimeswitch/set/", {"name": "maintenance", "value": "true"})
    assert response.status_code == 302, response.text[:2000]

    on = _wait_until(servers, 503)
    body = httpx.get(
        second.url("/api/v1/readings/x"), headers={**HTTPS, "Accept": "application/json"}, timeout=15
    )
    assert body.json()["error"]["code"] == "MAINTENANCE"
    # The operator (a superuser) still reaches the console during maintenance, and switches it off
    # from the other server's console this time.
    console_b = Console(second)
    console_b.login("operator", "console-pw-1234", _token(totp, steps_ahead=1))
    response = console_b.post("/admin/ops/runtimeswitch/set/", {"name": "maintenance", "value": "false"})
    assert response.status_code == 302
    off = _wait_until(servers, 200)

    audit = console.get("/admin/ops/auditentry/export/")
    rows = [line for line in audit.text.splitlines() if "switch.set" in line and "maintenance" in line]
    assert len(rows) == 2 and all(",operator," in row for row in rows)
    print(f"[{shared_cache}] maintenance on applied after {on}, off after {off} (seconds, per port)")
    assert re.search(r"pid \d+", console.get("/admin/ops/runtimeswitch/status/").text)
