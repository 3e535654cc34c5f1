"""Losing PostgreSQL: /ready/ answers 503 naming the database while /health/ stays 200; when the database
comes back, readiness recovers without a restart. The test runs its own PostgreSQL (initdb as the
`postgres` user, on a free port): the machine's shared server is never touched."""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.integration.conftest import AppServer, base_env, free_port, manage, start_app

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _pg_bin(name: str) -> str | None:
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else shutil.which(name)


class PrivatePostgres:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"
        self.port = free_port()
        self.pg_ctl = _pg_bin("pg_ctl") or ""

    def _as_postgres(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = list(args)
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=False)

    def init(self) -> None:
        initdb = _pg_bin("initdb") or ""
        result = self._as_postgres(initdb, "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")
        assert result.returncode == 0, result.stderr

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        result = self._as_postgres(
            self.pg_ctl, "-D", str(self.data), "-l", str(self.root / "pg.log"), "-o", options, "-w", "start"
        )
        assert result.returncode == 0, result.stderr + (self.root / "pg.log").read_text()

    def stop(self, mode: str = "immediate") -> None:
        self._as_postgres(self.pg_ctl, "-D", str(self.data), "-m", mode, "-w", "stop")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"


@contextlib.contextmanager
def running_private_postgres(prefix: str, *, tools: tuple[str, ...] = ()) -> Iterator[PrivatePostgres]:
    """A started private PostgreSQL under a fresh temp dir, stopped and removed afterwards; the test is
    skipped when the server binaries, the other `tools` or the `postgres` user are missing."""
    if not (_pg_bin("initdb") and _pg_bin("pg_ctl")) or any(shutil.which(tool) is None for tool in tools):
        pytest.skip(
            f"PostgreSQL server binaries (initdb, pg_ctl) or {', '.join(tools) or 'tools'} are not installed"
        )
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("no `postgres` user to run a private PostgreSQL as")
    # Not under pytest's tmp folder: that one is private to root, and the server runs as `postgres`.
    root = Path(tempfile.mkdtemp(prefix=prefix))
    root.chmod(0o755)
    if os.geteuid() == 0:
        os.chown(root, owner.pw_uid, owner.pw_gid)
    server = PrivatePostgres(root)
    server.init()
    server.start()
    try:
        yield server
    finally:
        server.stop("fast")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    with running_private_postgres("unse-private-pg-") as server:
        yield server


def _ready(app: AppServer) -> httpx.Response:
    return httpx.get(app.url("/ready/"), timeout=15)


def test_database_loss_and_recovery(tmp_path: Path, private_postgres: PrivatePostgres, app_servers):
    manage("migrate", "--noinput", env=base_env(DATABASE_URL=private_postgres.url))
    app = start_app(
        tmp_path, database_url=private_postgres.url, READY_CHECK_TIMEOUT_SECONDS="3", DB_POOL_TIMEOUT="2"
    )
    app_servers.append(app)
    pid = app.process.pid

    first = _ready(app)
    assert first.status_code == 200, first.text
    assert first.json()["checks"]["database"]["status"] == "ok"
    assert httpx.get(app.url("/it/db/"), headers={"X-Forwarded-Proto": "https"}).json() == {"users": 0}

    private_postgres.stop("immediate")
    down = _ready(app)
    assert down.status_code == 503, down.text
    body = down.json()
    assert "database" in body["failing"]
    assert body["checks"]["database"]["status"] == "failed"
    assert httpx.get(app.url("/health/")).status_code == 200
    # A request that needs the database gets the error model's own code, not a catch-all or a traceback.
    needs_db = httpx.get(
        app.url("/it/db/"), headers={"X-Forwarded-Proto": "https", "Accept": "application/json"}
    )
    assert needs_db.status_code == 503, needs_db.text
    assert needs_db.json()["error"]["code"] == "DB_UNAVAILABLE"
    assert needs_db.headers["Retry-After"] == "5"

    private_postgres.start()
    deadline = time.monotonic() + 60
    recovered = _ready(app)
    while recovered.status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.5)
        recovered = _ready(app)
    assert recovered.status_code == 200, recovered.text
    assert recovered.json()["checks"]["database"]["status"] == "ok"
    assert app.process.poll() is None and app.process.pid == pid
