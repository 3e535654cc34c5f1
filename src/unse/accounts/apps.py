from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core import checks


class AccountsConfig(AppConfig):
    name = "unse.accounts"
    label = "accounts"
    verbose_name = "계정"

    def ready(self) -> None:
        checks.register(check_field_encryption_keys, checks.Tags.security)
        from unse.accounts.providers import provider_endpoints_apply

        provider_endpoints_apply()


def check_field_encryption_keys(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from django.core.exceptions import ImproperlyConfigured

    from unse.accounts.crypto import cipher

    try:
        cipher()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="accounts.E001")]
    return []
