"""Settings per environment: production refuses to start without a secret and sets the HTTPS switches;
every response carries the security headers, with a CSP that never allows inline scripts."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings

pytestmark = [pytest.mark.urls("tests.unse.core.urls")]

_PRINT_PROD = """
import json, django
from django.conf import settings as s
django.setup()
print(json.dumps({
    "debug": s.DEBUG, "ssl_redirect": s.SECURE_SSL_REDIRECT, "proxy_header": list(s.SECURE_PROXY_SSL_HEADER),
    "hsts": s.SECURE_HSTS_SECONDS, "session_secure": s.SESSION_COOKIE_SECURE, "csrf_secure": s.CSRF_COOKIE_SECURE,
    "session_httponly": s.SESSION_COOKIE_HTTPONLY, "atomic": s.DATABASES["default"]["ATOMIC_REQUESTS"],
}))
"""


def _run_prod(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DEBUG"}
    }
    clean.update(DJANGO_SETTINGS_MODULE="config.settings.prod", PYTHONPATH=f".{os.pathsep}src", **env)
    return subprocess.run(
        [sys.executable, "-c", _PRINT_PROD],
        env=clean,
        cwd=str(django_settings.BASE_DIR),
        capture_output=True,
        text=True,
    )


def test_prod_refuses_to_start_without_secret_key():
    result = _run_prod()
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_prod_switches_on_https_behind_proxy():
    result = _run_prod(SECRET_KEY="x" * 50, DEBUG="true")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values == {
        "debug": False,
        "ssl_redirect": True,
        "proxy_header": ["HTTP_X_FORWARDED_PROTO", "https"],
        "hsts": 31536000,
        "session_secure": True,
        "csrf_secure": True,
        "session_httponly": True,
        "atomic": False,
    }


async def test_security_headers_on_pages(async_client):
    response = await async_client.get("/t/ok/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert policy["frame-ancestors"] == "'none'"


def test_database_settings_follow_the_pool_rules():
    database = django_settings.DATABASES["default"]
    assert database["ATOMIC_REQUESTS"] is False
    assert database["CONN_MAX_AGE"] == 0
    if database["ENGINE"] == "django.db.backends.postgresql":
        assert "pool" in database["OPTIONS"]
        assert database["CONN_HEALTH_CHECKS"] is True
