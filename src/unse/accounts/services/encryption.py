"""Key rotation of the encrypted columns (docs/privacy.md)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import Manager

from unse.accounts.crypto import EncryptedJSONField, EncryptedTextField


def encryption_rotate(*, batch_size: int = 500) -> dict[str, int]:
    """Re-encrypt every encrypted column with the primary key (after prepending a new key)."""
    counts: dict[str, int] = {}
    # Every model of every part with an encrypted column (profiles, guardian consents, API keys, chat
    # messages, ...), found in the app registry so that a part above accounts needs no registration.
    for model in apps.get_models():
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, EncryptedJSONField | EncryptedTextField)
        ]
        if not fields:
            continue
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
