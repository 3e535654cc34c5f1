"""With Redis down, login fails open like every other limiter (issue 20, finding 12): before, allauth's
limiter raised the cache's connection error and the login POST was a 500."""

from __future__ import annotations

import socket

import pytest
from django.core.cache import caches

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # nothing listens there once the socket is closed


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    yield
    caches["default"].close()


def test_login_with_redis_down_is_served_not_500(client, redis_down, caplog):
    user = UserFactory(email="down@example.com")
    user.set_password("correct-horse-42")
    user.save()
    wrong = client.post("/accounts/login/", {"login": "down@example.com", "password": "nope-nope-1"})
    assert wrong.status_code == 200  # the form again, with the error
    right = client.post("/accounts/login/", {"login": "down@example.com", "password": "correct-horse-42"})
    assert right.status_code == 302
    assert "login_limiter_cache_down" in caplog.text
