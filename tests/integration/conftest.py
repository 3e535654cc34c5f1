"""Harness of the integration tests: real uvicorn servers started with scripts/serve.sh (the same
command as `make run`, the Procfile and the Dockerfile), a migrated SQLite template, free ports."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
SETTINGS = "tests.integration.settings"
_START_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def base_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE=SETTINGS,
        SECRET_KEY="integration-test-secret-key-0123456789",
        # Production settings refuse to start without field-encryption keys (a fixed test-only key).
        FIELD_ENCRYPTION_KEYS="uV0m2Xn1qmQfWvJ3cS8kq7pYb6R9tH4eZc1LdA0xGyo=",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def manage(*args: str, env: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")


@dataclass
class AppServer:
    process: subprocess.Popen[bytes]
    port: int
    log: Path
    extra: dict[str, str] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def terminate(self) -> None:
        self.process.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def wait_until_healthy(server: AppServer) -> None:
    deadline = time.monotonic() + _START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"server exited with {server.process.returncode}:\n{server.log_text()}")
        try:
            if httpx.get(server.url("/health/"), timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"server did not become healthy:\n{server.log_text()}")


def start_app(tmp_path: Path, *, database_url: str, workers: int = 1, **extra: str) -> AppServer:
    port = free_port()
    log = tmp_path / f"app-{port}.log"
    env = base_env(
        DATABASE_URL=database_url,
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY=str(workers),
        DRAIN_FILE=str(tmp_path / f"drain-{port}"),
        **extra,
    )
    if workers > 1:
        env["PROMETHEUS_MULTIPROC_DIR"] = str(tmp_path / f"prometheus-{port}")
    with log.open("wb") as sink:
        process = subprocess.Popen(
            ["bash", "scripts/serve.sh"],
            cwd=REPO,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = AppServer(process=process, port=port, log=log, extra=extra)
    try:
        wait_until_healthy(server)
    except BaseException:
        server.kill()
        raise
    return server


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    template = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite3"
    manage("migrate", "--noinput", env=base_env(DATABASE_URL=f"sqlite:///{template}"))
    return template


@pytest.fixture
def sqlite_url(migrated_sqlite: Path, tmp_path: Path) -> str:
    copy = tmp_path / "db.sqlite3"
    shutil.copy(migrated_sqlite, copy)
    return f"sqlite:///{copy}"


@pytest.fixture
def app_servers() -> Iterator[list[AppServer]]:
    started: list[AppServer] = []
    yield started
    for server in started:
        server.kill()
