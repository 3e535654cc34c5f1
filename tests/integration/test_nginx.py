"""deploy/nginx.conf itself, run by Debian's nginx in front of the app (scripts/install-nginx.sh installs
it when missing): no HTTPS redirect loop behind the proxy, and streams pass chunk by chunk."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.integration.conftest import REPO, AppServer, free_port, start_app

pytestmark = [pytest.mark.integration, pytest.mark.slow]

NGINX_TEMPLATE = REPO / "deploy" / "nginx.conf"


def _nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail("nginx is missing in CI: scripts/install-nginx.sh should have installed it")
    pytest.skip("nginx is not installed (scripts/install-nginx.sh installs it)")


def render_site_config(*, upstream: str, port: int) -> str:
    """What envsubst '${APP_UPSTREAM} ${NGINX_PORT}' does: only these two, nginx's own $vars stay."""
    text = NGINX_TEMPLATE.read_text()
    assert "${APP_UPSTREAM}" in text and "${NGINX_PORT}" in text
    return text.replace("${APP_UPSTREAM}", upstream).replace("${NGINX_PORT}", str(port))


def write_harness(root: Path, site: str) -> None:
    """The site config in `root`, logging there, inside what /etc/nginx/nginx.conf is in a real install."""
    (root / "site.conf").write_text(site.replace("/var/log/nginx/access.log", f"{root}/access.log"))
    mime = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").exists() else ""
    (root / "nginx.conf").write_text(
        f"""
daemon off;
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log info;
events {{ worker_connections 256; }}
http {{
    {mime}
    access_log {root}/access.log;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    include {root}/site.conf;
}}
"""
    )


@pytest.fixture(scope="module")
def proxied(
    tmp_path_factory: pytest.TempPathFactory, migrated_sqlite: Path
) -> Iterator[tuple[AppServer, int]]:
    nginx = _nginx_binary()
    tmp_path = tmp_path_factory.mktemp("proxied")
    database = tmp_path / "db.sqlite3"
    shutil.copy(migrated_sqlite, database)
    app = start_app(tmp_path, database_url=f"sqlite:///{database}")
    port = free_port()
    root = tmp_path / "nginx"
    root.mkdir()
    root.chmod(0o777)
    write_harness(root, render_site_config(upstream=f"127.0.0.1:{app.port}", port=port))
    check = subprocess.run([nginx, "-t", "-c", str(root / "nginx.conf")], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen([nginx, "-c", str(root / "nginx.conf")], stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/nginx-health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield app, port
    finally:
        process.terminate()
        process.wait(timeout=10)
        app.kill()


def test_access_log_keeps_no_query_string(proxied, tmp_path_factory):
    _app, port = proxied
    response = httpx.get(
        f"http://127.0.0.1:{port}/t/ok/?year=1977&month=7&day=15",
        headers={"Referer": "https://example.org/saju/?year=1977&month=7", "User-Agent": "access-log-probe"},
    )
    assert response.status_code in (200, 301)
    log = next(tmp_path_factory.getbasetemp().glob("proxied*/nginx/access.log"))
    # nginx writes the line when it finalizes the request, which may be just after the client has the answer.
    deadline = time.monotonic() + 10
    lines: list[str] = []
    while not lines and time.monotonic() < deadline:
        lines = [line for line in log.read_text().splitlines() if "access-log-probe" in line]
        time.sleep(0.05)
    assert len(lines) == 1, "nginx logged nothing for the request"
    # The last two fields (a random request id, the time taken) may hold any digits, so they are left out.
    fields = " ".join(lines[0].split()[:-2])
    assert "1977" not in fields and "month" not in fields
    assert '"GET /t/ok/ HTTP/1.1"' in lines[0] and '"https://example.org/saju/"' in lines[0]


def test_nginx_health_is_nginx_own(proxied):
    _app, port = proxied
    response = httpx.get(f"http://127.0.0.1:{port}/nginx-health")
    assert response.status_code == 200 and response.text == "ok\n"


def test_https_behind_proxy_does_not_redirect_loop(proxied):
    _app, port = proxied
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", follow_redirects=True, max_redirects=3) as client:
        response = client.get("/t/ok/", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert response.history == []
    assert response.text == "정상"
    assert "max-age=" in response.headers["Strict-Transport-Security"]


def test_plain_http_is_redirected_to_https_once(proxied):
    _app, port = proxied
    response = httpx.get(f"http://127.0.0.1:{port}/t/ok/")
    assert response.status_code == 301
    # nginx passes $host (no port): the redirect goes to the standard HTTPS port.
    assert response.headers["Location"] == "https://127.0.0.1/t/ok/"


def test_app_sees_https_and_the_request_id_from_nginx(proxied):
    _app, port = proxied
    response = httpx.get(f"http://127.0.0.1:{port}/it/whoami/", headers={"X-Forwarded-Proto": "https"})
    assert response.json()["secure"] is True
    assert len(response.headers["X-Request-ID"]) >= 16


def test_probes_answer_through_nginx_without_redirect(proxied):
    _app, port = proxied
    assert httpx.get(f"http://127.0.0.1:{port}/health/").status_code == 200
    assert httpx.get(f"http://127.0.0.1:{port}/ready/").status_code == 200
    assert httpx.get(f"http://127.0.0.1:{port}/metrics").status_code == 404


def test_stream_reaches_the_client_chunk_by_chunk(proxied, tmp_path: Path):
    # The app sends chunk n+1 only after the client acknowledged chunk n (a file the test creates), so
    # the stream can only complete if nginx passed each chunk on by itself, unbuffered. Checked by hand:
    # with `proxy_buffering on` and gzip for text/event-stream this test times out; `proxy_buffering off`
    # makes nginx flush every upstream chunk, even through gzip.
    _app, port = proxied
    gate = tmp_path / "gate"
    gate.mkdir()
    url = f"http://127.0.0.1:{port}/it/stream/?chunks=5&gate={gate}"
    received: list[str] = []
    with (
        httpx.Client(timeout=httpx.Timeout(20.0)) as client,
        client.stream("GET", url, headers={"X-Forwarded-Proto": "https"}) as response,
    ):
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if not line:
                continue
            received.append(line)
            if line.startswith("data: ") and line[6:].isdigit():
                (gate / f"ack-{line[6:]}").touch()
    assert received == [*(f"data: {i}" for i in range(5)), "event: end", "data: done"]
