"""deploy/nginx.conf passes the scheme the client used, never a forged one (issue 20): a client-supplied
`X-Forwarded-Proto: https` is believed only from a load balancer on a loopback/private address; from anyone
else nginx sends its own $scheme. Checked with Debian's nginx in front of a tiny upstream that echoes the
header it receives (the public client is simulated by taking loopback off the trusted list)."""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from tests.integration.conftest import free_port
from tests.integration.test_nginx import _nginx_binary, render_site_config, write_harness

pytestmark = [pytest.mark.integration]


class _Echo(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = (self.headers.get("X-Forwarded-Proto") or "-").encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return


def _start_nginx(root: Path, site: str) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    root.mkdir()
    root.chmod(0o777)
    write_harness(root, site.replace("listen PORT;", f"listen {port};"))
    process = subprocess.Popen([_nginx_binary(), "-c", str(root / "nginx.conf")], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 15
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/nginx-health", timeout=1).status_code == 200:
                return process, port
        except httpx.TransportError:
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.05)


@pytest.fixture
def echo() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(("trusted", "expected"), [(True, "https"), (False, "http")])
def test_forwarded_proto_is_believed_only_from_a_private_peer(
    tmp_path: Path, echo: int, trusted: bool, expected: str
) -> None:
    site = render_site_config(upstream=f"127.0.0.1:{echo}", port=0).replace("listen 0;", "listen PORT;")
    if not trusted:  # the caller (127.0.0.1) plays a public client
        assert "    127.0.0.0/8     1;\n" in site
        site = site.replace("    127.0.0.0/8     1;\n", "")
    process, port = _start_nginx(tmp_path / "nginx", site)
    try:
        forged = httpx.get(f"http://127.0.0.1:{port}/anything", headers={"X-Forwarded-Proto": "https"})
        assert forged.text == expected
        plain = httpx.get(f"http://127.0.0.1:{port}/anything")
        assert plain.text == "http"  # no header: nginx's own scheme
    finally:
        process.terminate()
        process.wait(timeout=10)
