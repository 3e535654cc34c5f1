"""A loopback stand-in for the providers' OAuth endpoints (no internet in tests).

Paths are `/<real host><real path>` because `provider_endpoints_apply` keeps the real path under the
stand-in's origin. Each code handed to the callback maps to one account configured by the test.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


@dataclass
class StandIn:
    base_url: str
    # access token → the provider's user document
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    token_requests: list[dict[str, list[str]]] = field(default_factory=list)

    def kakao_user(self, code: str, *, uid: int, email: str, verified: bool = True) -> None:
        self.users[f"tok-{code}"] = {
            "id": uid,
            "kakao_account": {
                "email": email,
                "is_email_valid": True,
                "is_email_verified": verified,
                "profile": {"nickname": "카카오사용자"},
            },
            "properties": {"nickname": "카카오사용자"},
        }

    def google_user(self, code: str, *, uid: str, email: str) -> None:
        self.users[f"tok-{code}"] = {"id": uid, "email": email, "verified_email": True, "name": "구글사용자"}

    def naver_user(self, code: str, *, uid: str, email: str) -> None:
        self.users[f"tok-{code}"] = {
            "resultcode": "00",
            "message": "success",
            "response": {"id": uid, "email": email},
        }


def _handler(standin: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def _json(self, status: int, payload: dict[str, Any]) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_qs(self.rfile.read(length).decode())
            standin.token_requests.append(form)
            if self.path.endswith(("/oauth/token", "/oauth2.0/token", "oauth2.googleapis.com/token")):
                code = form.get("code", [""])[0]
                token = f"tok-{code}"
                if token not in standin.users:
                    self._json(400, {"error": "invalid_grant"})
                    return
                self._json(200, {"access_token": token, "token_type": "bearer", "expires_in": 3600})
                return
            self._json(404, {"error": "not_found"})

        def do_GET(self) -> None:
            auth = self.headers.get("Authorization", "")
            token = auth.removeprefix("Bearer ").strip()
            if token in standin.users:
                self._json(200, standin.users[token])
                return
            self._json(401, {"error": "invalid_token"})

    return Handler


@contextmanager
def oauth_standin() -> Iterator[StandIn]:
    standin = StandIn(base_url="")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(standin))
    standin.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield standin
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
