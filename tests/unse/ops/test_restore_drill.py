"""The restore drill (scripts/restore_drill.sh) against a PRIVATE PostgreSQL (initdb as `postgres` on a
free port under a temp dir; the machine's shared server is never touched): dump, restore into a fresh
database, verify row counts and a sample reading; a tampered copy is caught."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.conftest import REPO, base_env, manage
from tests.integration.test_postgres_outage import PrivatePostgres, running_private_postgres

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SEED = """
from unse.readings.models import Reading
from django.contrib.auth import get_user_model
from unse.accounts.models import Profile
for i in range(3):
    user = get_user_model().objects.create_user(f"drill{i}", f"drill{i}@example.com", "pw")
    Profile.objects.create(user=user, label="나", birth={"datetime": "1990-05-17T14:30"})
for i in range(5):
    Reading.objects.create(cache_key=f"{i:064d}", fingerprint="f" * 64, kind="saju", topic="general",
        mode="plain", prompt_version="p1", model="m", provider="p", period="2026", generated_by="ai",
        text=f"풀이 {i}: 庚金 일간")
"""


@pytest.fixture
def private_pg() -> Iterator[PrivatePostgres]:
    with running_private_postgres("unse-drill-pg-", tools=("pg_dump",)) as server:
        yield server


def _psql(url: str, sql: str) -> str:
    result = subprocess.run(
        ["psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", url, "-c", sql],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_dump_restore_and_verify(private_pg: PrivatePostgres, tmp_path: Path) -> None:
    base = f"postgres://postgres@127.0.0.1:{private_pg.port}"
    _psql(f"{base}/postgres", "CREATE DATABASE unse")
    source = f"{base}/unse"
    env = base_env(DATABASE_URL=source)
    manage("migrate", "--noinput", env=env)
    manage("shell", "-c", SEED, env=env)

    dumps = tmp_path / "dumps"
    drill = subprocess.run(
        ["bash", "scripts/restore_drill.sh", source, str(dumps)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "DRILL_KEEP": "1"},
    )
    assert drill.returncode == 0, drill.stdout + drill.stderr
    assert "RESTORE DRILL OK" in drill.stdout
    assert "sample reading: id " in drill.stdout and "identical" in drill.stdout
    assert len(list(dumps.glob("unse-*.dump"))) == 1
    target = next(
        line.split(": ", 1)[1] for line in drill.stdout.splitlines() if line.startswith("kept the restored")
    )
    assert _psql(target, "SELECT count(*) FROM readings_reading") == "5"
    assert _psql(target, "SELECT count(*) FROM accounts_profile") == "3"

    # The verification is real: a lost row and an altered reading are both reported.
    _psql(target, "DELETE FROM accounts_profile WHERE id = (SELECT min(id) FROM accounts_profile)")
    _psql(target, "UPDATE readings_reading SET text = 'x' WHERE id = (SELECT max(id) FROM readings_reading)")
    check = subprocess.run(
        ["bash", "scripts/restore_drill.sh", "--verify", source, target],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 1, check.stdout + check.stderr
    assert "MISMATCH accounts_profile: source 3 rows, restored 2" in check.stdout
    assert "MISMATCH sample reading" in check.stdout and "RESTORE DRILL FAILED: 2" in check.stdout
