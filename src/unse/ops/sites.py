"""The admin site with a second factor for staff (issue 20, finding 7): besides the password, /admin/ needs
a token of a confirmed TOTP device (django-otp). A staff user without a verified device is treated as not
staff: the admin sends them back to its login page. Enrol with `manage.py admin_totp <username>`
(docs/operations.md "Admin access"). `ADMIN_OTP_REQUIRED=false` switches the factor off (unit tests only)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.admin import AdminSite
from django.http import HttpRequest, HttpResponse
from django_otp.admin import OTPAdminSite
from django_otp.middleware import OTPMiddleware

ADMIN_PREFIX = "/admin/"


class AdminOTPMiddleware(OTPMiddleware):
    """django-otp's middleware (request.user.otp_device / is_verified()) on the admin's paths only, so no
    other request pays for the device lookup or sees a re-wrapped user."""

    def __call__(self, request: HttpRequest) -> Any:
        if request.path_info.startswith(ADMIN_PREFIX):
            return super().__call__(request)
        return self.get_response(request)

    async def __acall__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(ADMIN_PREFIX):
            response: HttpResponse = await super().__acall__(request)
            return response
        return await self.get_response(request)  # type: ignore[no-any-return]


class ConsoleAdminSite(OTPAdminSite):
    def __init__(self, name: str = "admin") -> None:
        # OTPAdminSite names itself "otpadmin"; keep "admin" so every `admin:` URL name still resolves.
        super().__init__(name)

    def has_permission(self, request: HttpRequest) -> bool:
        if not settings.ADMIN_OTP_REQUIRED:
            return AdminSite.has_permission(self, request)
        return bool(super().has_permission(request))
