"""Key rotation end to end (docs/operations.md "Key rotation"): prepend a new key, re-encrypt in batches
with the existing command, drop the old key; birth data and personal API keys stay readable throughout."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from unse.accounts.crypto import DecryptionError
from unse.accounts.models import PersonalApiKey, Profile
from unse.accounts.services.encryption import encryption_rotate

pytestmark = pytest.mark.django_db

BIRTH = {"datetime": "1990-05-17T14:30", "timezone": "Asia/Seoul", "gender": "female"}


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 - fixed names
        return str(cursor.fetchone()[0])


def test_rotation_in_batches_then_the_old_key_is_dropped(django_user_model: Any, capsys: Any) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(FIELD_ENCRYPTION_KEYS=[old]):
        users = [django_user_model.objects.create_user(f"u{i}", f"u{i}@example.com", "pw") for i in range(5)]
        profiles = [Profile.objects.create(user=u, label="나", birth=BIRTH) for u in users]
        keys = [
            PersonalApiKey.objects.create(user=u, key=f"sk-secret-{i}", last_four=f"{i:04d}")
            for i, u in enumerate(users)
        ]
    before = _raw("accounts_personalapikey", "key", keys[0].pk)
    Fernet(old.encode()).decrypt(before.encode())

    with override_settings(FIELD_ENCRYPTION_KEYS=[new, old]):  # step 1: new key first, old still decrypts
        assert PersonalApiKey.objects.get(pk=keys[1].pk).key == "sk-secret-1"
        counts = encryption_rotate(batch_size=2)  # step 2: re-encrypt, 2 rows per transaction
        assert counts["accounts.Profile"] == 5 and counts["accounts.PersonalApiKey"] == 5
        call_command("rotate_field_encryption")  # the command runs the same service (idempotent)
        assert "accounts.PersonalApiKey: 5개 다시 암호화" in capsys.readouterr().out

    for key in keys:
        Fernet(new.encode()).decrypt(_raw("accounts_personalapikey", "key", key.pk).encode())
    for profile in profiles:
        Fernet(new.encode()).decrypt(_raw("accounts_profile", "birth", profile.pk).encode())
    with override_settings(FIELD_ENCRYPTION_KEYS=[new]):  # step 3: the old key is gone
        assert [PersonalApiKey.objects.get(pk=k.pk).key for k in keys] == [f"sk-secret-{i}" for i in range(5)]
        assert Profile.objects.get(pk=profiles[4].pk).birth["datetime"] == BIRTH["datetime"]
    with override_settings(FIELD_ENCRYPTION_KEYS=[old]), pytest.raises(DecryptionError):
        PersonalApiKey.objects.get(pk=keys[0].pk)
