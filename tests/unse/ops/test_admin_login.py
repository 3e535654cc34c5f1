"""/admin/login/ is rate-limited like the site's login (issue 20, finding 7): before, 50 wrong passwords and
then the right one all went through."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db


def _login(client: Any, password: str, ip: str = "198.51.100.20") -> Any:
    return client.post(
        "/admin/login/?next=/admin/", {"username": "chief", "password": password}, REMOTE_ADDR=ip
    )


def test_admin_login_stops_guessing_and_then_refuses_even_the_right_password(
    client: Any, django_user_model: Any, settings: Any
) -> None:
    cache.clear()
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "10/m/ip,5/5m/key"}
    django_user_model.objects.create_superuser("chief", "chief@example.com", "right-password-123")
    for _ in range(5):
        assert _login(client, "wrong").status_code == 200
    refused = _login(client, "right-password-123", ip="198.51.100.21")  # another IP: the per-user limit
    assert refused.status_code == 200
    assert "로그인 시도가 너무 많습니다" in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_admin_login_works_and_clears_the_count(client: Any, django_user_model: Any) -> None:
    cache.clear()
    django_user_model.objects.create_superuser("chief", "chief@example.com", "right-password-123")
    assert _login(client, "wrong").status_code == 200
    assert _login(client, "right-password-123").status_code == 302
