"""Key rotation of the encrypted columns (docs/privacy.md)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Manager

from unse.accounts.crypto import EncryptedJSONField, EncryptedTextField
from unse.accounts.models import GuardianConsent, PersonalApiKey, Profile


def encryption_rotate(*, batch_size: int = 500) -> dict[str, int]:
    """Re-encrypt every encrypted column with the primary key (after prepending a new key)."""
    counts: dict[str, int] = {}
    for model in (Profile, GuardianConsent, PersonalApiKey):
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, EncryptedJSONField | EncryptedTextField)
        ]
        done = 0
        last_pk = 0
        manager: Manager[Any] = model._base_manager
        while True:
            chunk = list(manager.filter(pk__gt=last_pk).order_by("pk")[:batch_size])
            if not chunk:
                break
            with transaction.atomic():
                # Reading decrypts with any key; saving encrypts with the first one.
                manager.bulk_update(chunk, fields)
            done += len(chunk)
            last_pk = chunk[-1].pk
        counts[model._meta.label] = done
    return counts
