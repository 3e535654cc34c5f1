"""SIGTERM lets an in-flight stream finish (up to GRACEFUL_TIMEOUT) while new connections are refused."""

from __future__ import annotations

import signal
import socket
import time
from pathlib import Path

import httpx
import pytest

from tests.integration.conftest import AppServer, start_app

pytestmark = [pytest.mark.integration, pytest.mark.slow]

_CHUNKS = 4


def _refuses_connections(server: AppServer, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=1.0):
                pass
        except ConnectionRefusedError:
            return True
        time.sleep(0.05)
    return False


def _stream_across_sigterm(server: AppServer, gate: Path, *, check_refusal: bool) -> list[str]:
    gate.mkdir()
    received: list[str] = []
    url = server.url(f"/it/stream/?chunks={_CHUNKS}&gate={gate}")
    with (
        httpx.Client(timeout=httpx.Timeout(30.0)) as client,
        client.stream("GET", url, headers={"X-Forwarded-Proto": "https"}) as response,
    ):
        assert response.status_code == 200
        lines = response.iter_lines()
        for line in lines:
            if not line:
                continue
            received.append(line)
            if line == "data: 0":
                server.terminate()
                if check_refusal:
                    assert _refuses_connections(server, within=10.0), "new connections still accepted"
            if line.startswith("data: ") and line[6:].isdigit():
                (gate / f"ack-{line[6:]}").touch()
    return received


def _assert_stopped_gracefully(server: AppServer) -> None:
    # uvicorn re-raises the SIGTERM it handled once shutdown is complete, so -15 is a clean stop too.
    assert server.process.wait(timeout=30) in (0, -signal.SIGTERM), server.log_text()
    log = server.log_text()
    assert "Shutting down" in log
    assert "timeout graceful shutdown exceeded" not in log and "Cancel " not in log, log


def test_stream_started_before_sigterm_completes(
    tmp_path: Path, sqlite_url: str, app_servers: list[AppServer]
):
    server = start_app(tmp_path, database_url=sqlite_url, GRACEFUL_TIMEOUT="30")
    app_servers.append(server)
    received = _stream_across_sigterm(server, tmp_path / "gate", check_refusal=True)
    assert received == [*(f"data: {i}" for i in range(_CHUNKS)), "event: end", "data: done"]
    _assert_stopped_gracefully(server)


def test_stream_completes_with_two_workers(tmp_path: Path, sqlite_url: str, app_servers: list[AppServer]):
    server = start_app(tmp_path, database_url=sqlite_url, workers=2, GRACEFUL_TIMEOUT="30")
    app_servers.append(server)
    received = _stream_across_sigterm(server, tmp_path / "gate", check_refusal=False)
    assert received[-2:] == ["event: end", "data: done"]
    _assert_stopped_gracefully(server)


def test_drain_flips_readiness_while_serving(tmp_path: Path, sqlite_url: str, app_servers: list[AppServer]):
    server = start_app(tmp_path, database_url=sqlite_url)
    app_servers.append(server)
    assert httpx.get(server.url("/ready/")).status_code == 200
    Path(tmp_path / f"drain-{server.port}").touch()
    ready = httpx.get(server.url("/ready/"))
    assert ready.status_code == 503 and ready.json()["status"] == "draining"
    assert httpx.get(server.url("/health/")).status_code == 200
    assert httpx.get(server.url("/t/ok/"), headers={"X-Forwarded-Proto": "https"}).status_code == 200
