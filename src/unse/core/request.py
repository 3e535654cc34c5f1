"""Per-request identity: the request id, the client address (trusted proxies only) and the caller.

Rate limits key on `client_ip`, so a spoofed `X-Forwarded-For` must never be believed unless the
connection comes from a proxy listed in `FORWARDED_ALLOW_IPS` (the same variable uvicorn reads).
`Caller` is who asks, as every service that streams or limits takes it (readings, topics, daily, chats).
"""

from __future__ import annotations

import ipaddress
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from django.conf import settings
from django.http import HttpRequest

REQUEST_ID_HEADER = "X-Request-ID"
_META_REQUEST_ID = "HTTP_X_REQUEST_ID"
# An incoming id (from nginx's $request_id or a caller) is reused only when it is short and plain,
# so it can never smuggle text into logs or headers.
_VALID_INCOMING_ID = re.compile(r"^[A-Za-z0-9._\-]{8,128}$")
_ATTRIBUTE = "_unse_request_id"

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def new_request_id() -> str:
    return uuid.uuid4().hex


def assign_request_id(request: HttpRequest) -> str:
    """Called once by the request middleware; reuses a well-formed incoming X-Request-ID."""
    incoming = request.META.get(_META_REQUEST_ID, "")
    request_id = incoming if _VALID_INCOMING_ID.match(incoming) else new_request_id()
    setattr(request, _ATTRIBUTE, request_id)
    return request_id


def get_request_id(request: HttpRequest) -> str:
    """The id shown to users in error messages and carried by every log line of this request."""
    existing = getattr(request, _ATTRIBUTE, None)
    if isinstance(existing, str):
        return existing
    return assign_request_id(request)


@lru_cache(maxsize=8)
def _parse_trusted(entries: tuple[str, ...]) -> tuple[bool, tuple[IPNetwork, ...]]:
    networks: list[IPNetwork] = []
    trust_all = False
    for entry in entries:
        if entry == "*":
            trust_all = True
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            # Unix socket paths and host names are meaningful to uvicorn only.
            continue
    return trust_all, tuple(networks)


def _is_trusted(address: str, trusted: tuple[bool, tuple[IPNetwork, ...]]) -> bool:
    trust_all, networks = trusted
    if trust_all:
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _forwarded_chain(values: Iterable[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the nearest untrusted hop of X-Forwarded-For when the
    direct peer is a trusted proxy (walked right to left, like uvicorn's --forwarded-allow-ips)."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    trusted = _parse_trusted(tuple(settings.FORWARDED_ALLOW_IPS))
    if not remote or not _is_trusted(remote, trusted):
        return remote
    chain = _forwarded_chain([str(request.META.get("HTTP_X_FORWARDED_FOR", ""))])
    if not chain:
        return remote
    for hop in reversed(chain):
        if not _is_trusted(hop, trusted):
            return hop
    return chain[0]


IPV6_GROUP_PREFIX = 64  # one household / one customer network gets a /64: count it as one client


def client_subject(ip: str) -> str:
    """The rate-limit subject of an anonymous client: `ip:<addr>` for IPv4, `ip:<net>/64` for IPv6
    (IPv4-mapped IPv6 counts as its IPv4 address)."""
    try:
        address = ipaddress.ip_address(ip.strip().split("%", 1)[0])
    except ValueError:
        return "ip:unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return f"ip:{address.ipv4_mapped}"
        network = ipaddress.IPv6Network((address, IPV6_GROUP_PREFIX), strict=False)
        return f"ip:{network}"
    return f"ip:{address}"


class UserLike(Protocol):
    """What the services read of a logged-in user (Django's user model fits)."""

    @property
    def is_authenticated(self) -> bool: ...

    @property
    def is_staff(self) -> bool: ...

    @property
    def pk(self) -> Any: ...


@dataclass(frozen=True, slots=True)
class Caller:
    """Who asks: the logged-in user (None for a visitor), the rate-limit subject (`user:<id>`,
    `client_subject(ip)`, or a job's own name such as `batch:daily`) and the request id shown in errors.
    `charge=False` skips the per-visitor rate limit (the nightly batch paces itself); the stream cap and
    the token budget still apply. `batch=True` is the nightly batch: it may spend the budget's reserved
    batch share (unse.ai.budget)."""

    user: UserLike | None
    client_subject: str
    request_id: str
    charge: bool = True
    batch: bool = False

    @property
    def authenticated(self) -> bool:
        return self.user is not None and self.user.is_authenticated

    @property
    def user_id(self) -> int | None:
        return int(self.user.pk) if self.user is not None and self.user.is_authenticated else None
