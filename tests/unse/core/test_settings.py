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


_KEY = "uV0m2Xn1qmQfWvJ3cS8kq7pYb6R9tH4eZc1LdA0xGyo="
_SECRET = "production-test-secret-" + "0123456789abcdefghijklmnopqrstuvwxyz"
_UNSET = {
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "DEBUG",
    "DJANGO_SETTINGS_MODULE",
    "FIELD_ENCRYPTION_KEYS",
    "FIELD_ENCRYPTION_ALLOW_DERIVED_KEY",
}


def _run(argv: list[str], module: str | None, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in _UNSET}
    clean.update(PYTHONPATH=f".{os.pathsep}src", **env)
    if module:
        clean["DJANGO_SETTINGS_MODULE"] = module
    return subprocess.run(
        [sys.executable, *argv],
        env=clean,
        cwd=str(django_settings.BASE_DIR),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _run_prod(**env: str) -> subprocess.CompletedProcess[str]:
    return _run(["-c", _PRINT_PROD], "config.settings.prod", **env)


def test_prod_refuses_to_start_without_secret_key():
    result = _run_prod(FIELD_ENCRYPTION_KEYS=_KEY)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"SECRET_KEY": "dev-only-insecure-key-never-used-in-production"}, "public development key"),
        ({"SECRET_KEY": "test-only-insecure-key"}, "public development key"),
        ({"SECRET_KEY": _SECRET, "FIELD_ENCRYPTION_KEYS": ""}, "FIELD_ENCRYPTION_KEYS must be set"),
        ({"SECRET_KEY": _SECRET, "FIELD_ENCRYPTION_ALLOW_DERIVED_KEY": "true"}, "DERIVED_KEY must be off"),
    ],
)
def test_prod_refuses_a_public_key_or_a_derived_encryption_key(env: dict[str, str], needle: str):
    result = _run_prod(**{"FIELD_ENCRYPTION_KEYS": _KEY, **env})
    assert result.returncode != 0
    assert needle in result.stderr


def test_every_entry_point_defaults_to_production_settings():
    # manage.py, config/asgi.py and config/celery.py with DJANGO_SETTINGS_MODULE unset: production, so
    # without a secret nothing starts (no DEBUG, no public key, no key derived from it).
    for argv in (
        ["manage.py", "check"],
        ["-c", "import config.asgi"],
        ["-c", "from config.celery import app; app.conf.broker_url"],
    ):
        result = _run(argv, None)
        assert result.returncode != 0, argv
        assert "SECRET_KEY must be set" in result.stderr, argv


_PRINT_DEBUG = "import django; from django.conf import settings as s; django.setup(); print(s.DEBUG)"


def test_dev_settings_run_with_debug_off_unless_asked():
    assert _run(["-c", _PRINT_DEBUG], "config.settings.dev").stdout.strip() == "False"
    assert _run(["-c", _PRINT_DEBUG], "config.settings.dev", DEBUG="true").stdout.strip() == "True"


def test_check_deploy_is_clean_for_production_settings():
    # CI runs this: Django's deployment checks, with our subclassed middleware counted (unse.core.checks).
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        None,
        SECRET_KEY=_SECRET,
        FIELD_ENCRYPTION_KEYS=_KEY,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_sees_through_the_middleware_subclasses():
    # Switching HSTS off must be reported: before, Django missed the subclass and skipped the HSTS check.
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        None,
        SECRET_KEY=_SECRET,
        FIELD_ENCRYPTION_KEYS=_KEY,
        SECURE_HSTS_SECONDS="0",
    )
    assert result.returncode != 0
    assert "security.W004" in result.stderr


def test_prod_switches_on_https_behind_proxy():
    result = _run_prod(SECRET_KEY=_SECRET, FIELD_ENCRYPTION_KEYS=_KEY, DEBUG="true")
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
