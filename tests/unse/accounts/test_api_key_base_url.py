"""The personal LLM key's API address (issue 20): before, anything starting with https:// was stored, e.g.
`https://127.0.0.1:6379/"><script>`. Now: an allow-listed host whose every address is public. DNS is stood in
for by a fixed table (no network in tests)."""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest

from unse.accounts.models import PersonalApiKey

from .factories import UserFactory

pytestmark = pytest.mark.django_db

DNS = {
    "api.openai.com": "162.159.140.245",
    "api.deepseek.com": "10.1.2.3",
    "api.mistral.ai": "169.254.169.254",
}


@pytest.fixture(autouse=True)
def fixed_dns(monkeypatch):
    def resolve(host: str, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        if host not in DNS:
            raise socket.gaierror("unknown host")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (DNS[host], port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)


@pytest.fixture
def owner(client):
    user = UserFactory()
    client.force_login(user)
    return user


def _put(client, base_url: str):
    return client.put(
        "/api/v1/me/api-key",
        data=json.dumps({"key": "sk-abcdefgh123", "base_url": base_url}),
        content_type="application/json",
    )


@pytest.mark.parametrize(
    "base_url",
    [
        'https://127.0.0.1:6379/"><script>alert(1)</script>',  # not an allowed host
        "https://evil.example/v1",
        "https://user:pw@api.openai.com/v1",  # credentials in the URL
        "https://api.openai.com/v1?x=1",
        "https://api.deepseek.com/v1",  # allowed host, private address
        "https://api.mistral.ai/v1",  # allowed host, link-local (cloud metadata) address
        "http://api.openai.com/v1",
    ],
)
def test_unsafe_api_addresses_are_refused(client, owner, base_url: str):
    response = _put(client, base_url)
    assert response.status_code == 400
    assert response.json()["error"]["details"]["field"] == "base_url"
    assert not PersonalApiKey.objects.exists()


def test_an_allowed_public_api_address_is_stored_normalized(client, owner):
    assert _put(client, "https://API.openai.com:443/v1/").status_code == 200
    assert PersonalApiKey.objects.get().base_url == "https://api.openai.com/v1"
    page = client.get("/me/api-key/").content.decode()
    assert "https://api.openai.com/v1" in page
