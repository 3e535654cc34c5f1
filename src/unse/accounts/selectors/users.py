"""Accounts as other parts see them."""

from __future__ import annotations

from unse.accounts.models import User


def user_active_get(*, user_id: int) -> User | None:
    """The user, when the account is live and active (else None)."""
    return User.objects.filter(pk=user_id, is_active=True, deleted_at__isnull=True).first()
