"""The admin's login form with the same failed-login limit as the site's own login (issue 20, finding 7):
allauth's `login_failed` rate (`RATE_LIMIT_LOGIN_FAILED`, per IP and per username) is checked before the
password, counted on each failure and cleared on success. Before, 50 wrong passwords and then the right one
all went through."""

from __future__ import annotations

from typing import Any

from allauth.core import ratelimit
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

TOO_MANY_ATTEMPTS = "로그인 시도가 너무 많습니다. 몇 분 뒤에 다시 시도해 주세요."


class RateLimitedAdminAuthenticationForm(AdminAuthenticationForm):
    def clean(self) -> dict[str, Any]:
        key = str(self.data.get("username") or "").strip().lower()
        request = self.request
        if request is None:
            cleaned: dict[str, Any] = super().clean()
            return cleaned
        if not ratelimit.consume(request, action="login_failed", key=key, dry_run=True):
            raise ValidationError(TOO_MANY_ATTEMPTS, code="rate_limited")
        try:
            cleaned = super().clean()
        except ValidationError:
            ratelimit.consume(request, action="login_failed", key=key)
            raise
        ratelimit.clear(request, action="login_failed", key=key)
        return cleaned
