"""The user's own LLM key: masked for display, plaintext only for the provider call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from unse.accounts.models import PersonalApiKey

MASK = "•" * 8


@dataclass(frozen=True, slots=True)
class PersonalKey:
    """What the readings part needs to call the user's own provider (plaintext; never serialize it)."""

    key: str
    base_url: str
    model: str


def personal_api_key_get(*, user_id: int) -> PersonalKey | None:
    stored = PersonalApiKey.objects.filter(user_id=user_id).first()
    if stored is None:
        return None
    return PersonalKey(key=stored.key, base_url=stored.base_url, model=stored.model)


def api_key_masked(*, user_id: int) -> dict[str, Any] | None:
    stored = (
        PersonalApiKey.objects.filter(user_id=user_id)
        .only("last_four", "base_url", "model", "created_at", "updated_at")
        .first()
    )
    if stored is None:
        return None
    return {
        "masked": f"{MASK}{stored.last_four}",
        "base_url": stored.base_url,
        "model": stored.model,
        "updated_at": stored.updated_at.isoformat(),
    }
