"""The user's own LLM key (OpenAI-compatible): stored encrypted, shown only as its last characters."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings

from unse.accounts.ids import not_found
from unse.accounts.models import PersonalApiKey, User
from unse.core.errors import ErrorCode, ServiceError

API_KEY_MIN_CHARS = 8
API_KEY_MAX_CHARS = 300


def _bad_url(message: str) -> ServiceError:
    return ServiceError(ErrorCode.VALIDATION_ERROR, message=message, details={"field": "base_url"})


def _public_address(text: str) -> bool:
    address = ipaddress.ip_address(text.split("%", 1)[0])
    return address.is_global and not address.is_multicast


def api_base_url_checked(url: str) -> str:
    """The user's API address, normalized, or VALIDATION_ERROR: https, a host of BYOK_ALLOWED_HOSTS (no
    user info, query or fragment), and every address it resolves to public -- never loopback, private,
    link-local or reserved, so a stored key can never make the server call inside its own network (issue 20).
    The caller that finally uses the key must resolve and check again (DNS can change)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if (
        parts.scheme != "https"
        or not host
        or parts.username
        or parts.password
        or parts.query
        or parts.fragment
    ):
        raise _bad_url("API 주소는 https://호스트/경로 형식이어야 합니다.")
    allowed = {name.lower() for name in settings.BYOK_ALLOWED_HOSTS}
    if host not in allowed:
        raise _bad_url(f"등록할 수 있는 API 주소의 호스트는 {', '.join(sorted(allowed))}입니다.")
    try:
        port = parts.port or 443
        resolved = {str(info[4][0]) for info in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)}
    except (OSError, ValueError) as exc:
        raise _bad_url("API 주소의 호스트를 찾을 수 없습니다. 주소를 확인해 주세요.") from exc
    if not resolved or not all(_public_address(address) for address in resolved):
        raise _bad_url("내부망이나 사설 주소로 연결되는 API 주소는 등록할 수 없습니다.")
    netloc = host if parts.port in (None, 443) else f"{host}:{parts.port}"
    return urlunsplit(("https", netloc, parts.path.rstrip("/"), "", ""))


def api_key_set(*, user: User, key: str, base_url: str = "", model: str = "") -> PersonalApiKey:
    key = key.strip()
    if not (API_KEY_MIN_CHARS <= len(key) <= API_KEY_MAX_CHARS) or any(ch.isspace() for ch in key):
        raise ServiceError(
            ErrorCode.VALIDATION_ERROR, message="API 키 형식이 올바르지 않습니다.", details={"field": "key"}
        )
    base_url = api_base_url_checked(base_url.strip()) if base_url.strip() else ""
    stored, _ = PersonalApiKey.objects.update_or_create(
        user=user,
        defaults={"key": key, "base_url": base_url, "model": model.strip()[:100], "last_four": key[-4:]},
    )
    return stored


def api_key_delete(*, user: User) -> None:
    deleted, _ = PersonalApiKey.objects.filter(user=user).delete()
    if not deleted:
        raise not_found()
