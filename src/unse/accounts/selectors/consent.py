"""The guardian's consent that a child's account waits for."""

from __future__ import annotations

from unse.accounts.models import GuardianConsent


def guardian_consent_pending(*, user_id: int) -> bool:
    return GuardianConsent.objects.filter(user_id=user_id, confirmed_at__isnull=True).exists()
