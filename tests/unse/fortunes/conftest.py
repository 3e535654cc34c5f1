"""Fixtures of the fortunes tests."""

from __future__ import annotations

import json
import secrets
import socket
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

# DB 13 of the machine's Redis is reserved for the fortunes tests (other suites use other numbers).
FORTUNES_REDIS_URL = "redis://127.0.0.1:6379/13"


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_url() -> str:
    if not _redis_up():
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    return FORTUNES_REDIS_URL


def make_target(
    *,
    n: int,
    verified: bool = True,
    active: bool = True,
    deleted: bool = False,
    seen_days_ago: int | None = 1,
    opted_in: bool = True,
    default: bool = True,
    birth: dict[str, object] | None = None,
) -> int:
    """A real user with a verified e-mail and a default profile made through the accounts service."""
    from datetime import timedelta

    from allauth.account.models import EmailAddress
    from django.utils import timezone

    from unse.accounts.models import User
    from unse.accounts.services.profiles import profile_create

    user = User.objects.create_user(
        username=f"fortune{n}",
        email=f"fortune{n}@example.com",
        password=None,
        is_active=active,
        last_seen_at=None if seen_days_ago is None else timezone.now() - timedelta(days=seen_days_ago),
        deleted_at=timezone.now() if deleted else None,
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=verified, primary=True)
    profile_create(
        user=user,
        label=f"사용자{n}",
        # A random minute: charts differ between tests, so shared Redis state (single-flight streams)
        # of an earlier test can never answer for this one.
        birth=birth
        or {
            "datetime": f"19{60 + n % 40:02d}-0{1 + n % 9}-1{n % 10}T0{n % 10}:{secrets.randbelow(60):02d}",
            "gender": "female",
        },
        is_default=True,
        daily_fortune=opted_in,
    )
    if not default:
        from unse.accounts.models import Profile

        Profile.objects.filter(user=user).update(is_default=False)
    return int(user.pk)


class Receiver(BaseHTTPRequestHandler):
    received: list[dict[str, object]] = []
    status = 200

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.received.append(json.loads(body))
        self.send_response(Receiver.status)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def receiver() -> Iterator[str]:
    Receiver.received = []
    Receiver.status = 200
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        server.shutdown()
        server.server_close()


def daily_classes(user_ids: list[int], day: date) -> int:
    """How many daily class texts these users need on `day` (users whose charts share a day signature share
    one stored fortune, so this can be fewer than the users)."""
    from unse.accounts.models import Profile
    from unse.fortunes.daily import daily_cache_keys

    keys = set()
    for profile in Profile.objects.filter(user_id__in=user_ids, is_default=True):
        birth = {k: v for k, v in profile.birth.items() if k != "birthplace"}
        keys.add(daily_cache_keys(birth=birth, day=day)[0])
    return len(keys)
