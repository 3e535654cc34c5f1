"""Sign-up does not tell whether an e-mail is registered by its timing (issue 20, finding 8): both paths do
the same password-hashing work. Counted in hasher calls, not measured in time."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher

from tests.unse.accounts.factories import signup_form
from unse.accounts.models import User

pytestmark = pytest.mark.django_db


class CountingHasher(MD5PasswordHasher):
    algorithm = "counting_md5"
    calls = 0

    def encode(self, password: str, salt: str) -> str:
        type(self).calls += 1
        return super().encode(password, salt)


def _signup(client, email: str) -> int:
    CountingHasher.calls = 0
    response = client.post(
        "/accounts/signup/",
        signup_form(email),
    )
    assert response.status_code == 302  # the same "check your mail" answer on both paths
    return CountingHasher.calls


def test_existing_and_new_emails_cost_the_same_hashing(client, settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    taken = f"u{uuid.uuid4().hex[:12]}@example.com"
    assert _signup(client, taken) == 1
    client.logout()
    assert User.objects.filter(email=taken).count() == 1
    assert _signup(client, taken) == 1  # before: 0 (no account was made, so nothing was hashed)
    client.logout()
    assert _signup(client, f"u{uuid.uuid4().hex[:12]}@example.com") == 1
    assert User.objects.filter(email=taken).count() == 1
