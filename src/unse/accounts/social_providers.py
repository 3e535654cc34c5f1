"""Social providers: endpoint overrides for loopback stand-ins (tests) and the list shown to users.

allauth's Kakao and Naver adapters hard-code their endpoints; `SOCIAL_PROVIDER_BASE_URLS` (env
`KAKAO_OAUTH_BASE_URL` …) points them at a stand-in server, keeping the real path of each endpoint.
Production leaves these empty and nothing is changed.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from allauth.socialaccount.providers.google.views import GoogleOAuth2Adapter
from allauth.socialaccount.providers.kakao.views import KakaoOAuth2Adapter
from allauth.socialaccount.providers.naver.views import NaverOAuth2Adapter
from django.conf import settings

ENDPOINT_ATTRIBUTES = ("access_token_url", "authorize_url", "profile_url", "identity_url")


def _adapters() -> dict[str, type]:
    return {"kakao": KakaoOAuth2Adapter, "naver": NaverOAuth2Adapter, "google": GoogleOAuth2Adapter}


_ORIGINALS: dict[tuple[str, str], str] = {}


def provider_endpoints_apply(base_urls: dict[str, str] | None = None) -> None:
    """Point each provider whose base URL is set at that origin; others get their real endpoints back."""
    base_urls = settings.SOCIAL_PROVIDER_BASE_URLS if base_urls is None else base_urls
    for provider, adapter in _adapters().items():
        base = (base_urls.get(provider) or "").rstrip("/")
        for attribute in ENDPOINT_ATTRIBUTES:
            if not hasattr(adapter, attribute):
                continue
            original = _ORIGINALS.setdefault((provider, attribute), getattr(adapter, attribute))
            if base:
                parts = urlsplit(original)
                setattr(adapter, attribute, f"{base}/{parts.netloc}{parts.path}")
            else:
                setattr(adapter, attribute, original)
