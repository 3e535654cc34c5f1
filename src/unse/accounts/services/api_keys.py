"""The user's own LLM key (OpenAI-compatible): stored encrypted, shown only as its last characters."""

from __future__ import annotations

from unse.accounts.ids import not_found
from unse.accounts.models import PersonalApiKey, User
from unse.core.errors import ErrorCode, ServiceError

API_KEY_MIN_CHARS = 8
API_KEY_MAX_CHARS = 300


def api_key_set(*, user: User, key: str, base_url: str = "", model: str = "") -> PersonalApiKey:
    key = key.strip()
    if not (API_KEY_MIN_CHARS <= len(key) <= API_KEY_MAX_CHARS) or any(ch.isspace() for ch in key):
        raise ServiceError(
            ErrorCode.VALIDATION_ERROR, message="API 키 형식이 올바르지 않습니다.", details={"field": "key"}
        )
    if base_url and not base_url.startswith("https://"):
        raise ServiceError(
            ErrorCode.VALIDATION_ERROR,
            message="API 주소는 https:// 로 시작해야 합니다.",
            details={"field": "base_url"},
        )
    stored, _ = PersonalApiKey.objects.update_or_create(
        user=user,
        defaults={"key": key, "base_url": base_url, "model": model.strip()[:100], "last_four": key[-4:]},
    )
    return stored


def api_key_delete(*, user: User) -> None:
    deleted, _ = PersonalApiKey.objects.filter(user=user).delete()
    if not deleted:
        raise not_found()
