"""The admin's login form with the same failed-login limit as the site's own login (issue 20, finding 7):
allauth's `login_failed` rate (`RATE_LIMIT_LOGIN_FAILED`, per IP and per username) is checked before the
password, counted on each failure and cleared on success. Before, 50 wrong passwords and then the right one
all went through. It is django-otp's admin form, so a wrong TOTP token counts as a failed login too; the
token is asked for only while ADMIN_OTP_REQUIRED is on (unse/ops/sites.py)."""

from __future__ import annotations

from typing import Any

from allauth.core import ratelimit
from django.conf import settings
from django.core.exceptions import ValidationError
from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm

TOO_MANY_ATTEMPTS = "로그인 시도가 너무 많습니다. 몇 분 뒤에 다시 시도해 주세요."


class RateLimitedAdminAuthenticationForm(OTPAdminAuthenticationForm):
    otp_error_messages = {
        **OTPAdminAuthenticationForm.otp_error_messages,
        "token_required": "인증 앱의 6자리 OTP 번호를 입력해 주세요.",
        "invalid_token": "OTP 번호가 맞지 않습니다. 인증 앱의 지금 번호를 다시 입력해 주세요.",
        "device_required": "OTP 기기를 골라 주세요.",
        "verification_not_allowed": "지금은 OTP 확인이 잠시 막혀 있습니다. 잠시 뒤에 다시 시도해 주세요.",
    }

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

    def clean_otp(self, user: Any) -> None:
        if settings.ADMIN_OTP_REQUIRED:
            super().clean_otp(user)

    def _chosen_device(self, user: Any) -> Any:
        # An operator with one confirmed device (what `manage.py admin_totp` makes) types password and token
        # in one go, without first picking the device from a list the form shows only after a failed try.
        device = super()._chosen_device(user)
        if device is None:
            devices = list(devices_for_user(user, confirmed=True))
            if len(devices) == 1:
                return devices[0]
        return device
