from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from unse.accounts.crypto import cipher


class AccountsConfig(AppConfig):
    name = "unse.accounts"
    label = "accounts"
    # allauth's own app is "계정" in Korean: ours must read differently in the admin's section list.
    verbose_name = "회원·프로필"

    def ready(self) -> None:
        # Imported here, not at the top: these modules import models, which exist only once the registry is ready.
        from unse.accounts import limiter_cache
        from unse.accounts.services.activity import reading_requested_record
        from unse.accounts.social_providers import provider_endpoints_apply
        from unse.readings.signals import on_reading_requested

        checks.register(check_field_encryption_keys, checks.Tags.security)
        provider_endpoints_apply()
        # allauth's login/sign-up/reset limiter lets requests through (logged) when Redis is down.
        limiter_cache.install()
        # A logged-in user's reading request counts on their statistics page (readings cannot import accounts).
        on_reading_requested("accounts.activity", reading_requested_record)


def check_field_encryption_keys(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    try:
        cipher()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="accounts.E001")]
    return []
