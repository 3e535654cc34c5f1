"""Field encryption at rest: Fernet (AES-128-CBC + HMAC-SHA256) behind a MultiFernet for key rotation.

Keys come from `settings.FIELD_ENCRYPTION_KEYS` (newest first). Encryption always uses the first key;
decryption tries every key, so a new key can be prepended, `rotate_field_encryption` run, and the old
key removed afterwards (docs/privacy.md).
"""

from __future__ import annotations

import base64
import hashlib
import json
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import models

DERIVED_KEY_CONTEXT = b"unse.accounts.field-encryption.dev-only"


class DecryptionError(Exception):
    """A stored value cannot be decrypted with any configured key (wrong or removed key)."""


def derived_dev_key(secret_key: str) -> bytes:
    digest = hashlib.sha256(DERIVED_KEY_CONTEXT + secret_key.encode()).digest()
    return base64.urlsafe_b64encode(digest)


def configured_keys() -> list[bytes]:
    keys = [key.encode() for key in settings.FIELD_ENCRYPTION_KEYS]
    if keys:
        return keys
    if settings.FIELD_ENCRYPTION_ALLOW_DERIVED_KEY:
        return [derived_dev_key(settings.SECRET_KEY)]
    raise ImproperlyConfigured(
        "FIELD_ENCRYPTION_KEYS must be set (generate one with "
        "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`)"
    )


@lru_cache(maxsize=1)
def cipher() -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in configured_keys()])
    except ValueError as exc:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS holds a malformed Fernet key") from exc


def _reset_cipher(*, setting: str, **_: Any) -> None:
    if setting in {"FIELD_ENCRYPTION_KEYS", "FIELD_ENCRYPTION_ALLOW_DERIVED_KEY", "SECRET_KEY"}:
        cipher.cache_clear()


setting_changed.connect(_reset_cipher)


def encrypt_text(plain: str) -> str:
    return cipher().encrypt(plain.encode()).decode()


def decrypt_text(token: str) -> str:
    try:
        return cipher().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError("no configured key decrypts this value") from exc


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """A text column holding a Fernet token; Python code only ever sees the plaintext."""

    def from_db_value(self, value: str | None, expression: object, connection: object) -> str | None:
        if value is None or value == "":
            return value
        return decrypt_text(value)

    def get_prep_value(self, value: object) -> str | None:
        if value is None:
            return None
        text = str(value)
        if text == "":
            return ""
        return encrypt_text(text)


class EncryptedJSONField(models.TextField):  # type: ignore[type-arg]
    """A JSON document encrypted as one Fernet token (so no key or value is visible or queryable)."""

    # What django-stubs' plugin types the model attribute as (a JSON document, like JSONField's).
    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def from_db_value(self, value: str | None, expression: object, connection: object) -> Any:
        if value is None or value == "":
            return None
        return json.loads(decrypt_text(value))

    def to_python(self, value: object) -> Any:
        if isinstance(value, str) and value:
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value

    def get_prep_value(self, value: object) -> str | None:
        if value is None:
            return None
        return encrypt_text(json.dumps(value, ensure_ascii=False, sort_keys=True))

    def value_to_string(self, obj: models.Model) -> str:
        return json.dumps(self.value_from_object(obj), ensure_ascii=False)
