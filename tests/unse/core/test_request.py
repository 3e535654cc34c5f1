"""Request id and client address: rate limits key on client_ip, so spoofing must not work."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from unse.core.request import client_ip, get_request_id

pytestmark = [pytest.mark.urls("tests.unse.core.urls")]


def _request(remote: str, forwarded: str | None = None):  # type: ignore[no-untyped-def]
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        # Direct client: a forged header is ignored.
        ("203.0.113.9", "1.2.3.4", "203.0.113.9"),
        # Trusted proxy: the nearest untrusted hop, walking right to left.
        ("127.0.0.1", "198.51.100.7", "198.51.100.7"),
        ("127.0.0.1", "6.6.6.6, 198.51.100.7", "198.51.100.7"),
        ("10.0.0.5", "6.6.6.6, 198.51.100.7, 10.0.0.9", "198.51.100.7"),
        # Only trusted hops: the leftmost one.
        ("127.0.0.1", "10.0.0.9", "10.0.0.9"),
        ("127.0.0.1", "", "127.0.0.1"),
        ("::1", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_ip_trusts_only_listed_proxies(settings, remote, forwarded, expected):
    settings.FORWARDED_ALLOW_IPS = ["127.0.0.1", "::1", "10.0.0.0/8"]
    assert client_ip(_request(remote, forwarded)) == expected


def test_client_ip_wildcard_trusts_every_peer(settings):
    settings.FORWARDED_ALLOW_IPS = ["*"]
    assert client_ip(_request("203.0.113.9", "198.51.100.7")) == "198.51.100.7"


def test_request_id_is_stable_within_a_request():
    request = _request("127.0.0.1")
    assert get_request_id(request) == get_request_id(request)
    assert len(get_request_id(request)) == 32


async def test_request_id_header_on_every_response(async_client):
    first = await async_client.get("/t/ok/")
    second = await async_client.get("/t/ok/")
    assert first["X-Request-ID"] != second["X-Request-ID"]


async def test_well_formed_incoming_request_id_is_reused(async_client):
    response = await async_client.get("/t/ok/", headers={"X-Request-ID": "nginx-abcdef123456"})
    assert response["X-Request-ID"] == "nginx-abcdef123456"


async def test_malformed_incoming_request_id_is_replaced(async_client):
    response = await async_client.get("/t/ok/", headers={"X-Request-ID": "bad id\nX-Injected: 1"})
    assert response["X-Request-ID"] != "bad id\nX-Injected: 1"
    assert len(response["X-Request-ID"]) == 32


async def test_access_log_carries_request_id_and_client(async_client, caplog):
    response = await async_client.get("/t/ok/")
    lines = [r.msg for r in caplog.records if isinstance(r.msg, dict) and r.msg.get("event") == "request"]
    assert lines[-1]["request_id"] == response["X-Request-ID"]
    assert lines[-1]["status"] == 200 and lines[-1]["route"] == "t/ok/"
    assert lines[-1]["client_ip"] == "127.0.0.1"
