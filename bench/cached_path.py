"""Cached path against the framework floor, through the real server (scripts/serve.sh, one uvicorn worker,
uvloop + httptools, SQLite, dev settings with DEBUG off, built-in readings):

- `floor`:  GET /bench/floor/ — a bare async Django view returning constant JSON (same middleware);
- `cached`: POST /api/v1/readings for one anonymous birth whose reading is already stored;
- `today`:  GET /api/v1/fortunes/today for a logged-in user (session cookie; a user with a verified
  e-mail and a default profile, made by `_make_user` through the accounts service) whose fortune for
  today is already stored (the first request stores it, as the nightly batch would).

The server is pinned to core 0 and this load generator to core 1 (`taskset`/`sched_setaffinity`) so they do
not share a core; each path runs for --seconds with --concurrency keep-alive connections after a warm-up.
Prints requests/s, p50/p99 at the client and the server's CPU per request, then cached ÷ floor (goal ≥ 70 %)
and today ÷ floor (goal ≥ 40 %).

    .venv/bin/python bench/cached_path.py                 # --seconds 15 --concurrency 16
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import psutil
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
BIRTH = {"datetime": "1990-05-17T14:30", "timezone": "Asia/Seoul", "gender": "female"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# Run by `manage.py shell` in the bench's environment: a user as the accounts service makes one, logged in
# through Django's own session machinery; prints the session cookie's value.
_MAKE_USER = """
from allauth.account.models import EmailAddress
from django.test import Client
from django.utils import timezone
from unse.accounts.models import User
from unse.accounts.services.profiles import profile_create
user = User.objects.create_user(username="bench", email="bench@example.com", password=None,
                                last_seen_at=timezone.now())
EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
profile_create(user=user, label="나", birth=%r, is_default=True, daily_fortune=True)
client = Client()
client.force_login(user)
print(client.cookies["sessionid"].value)
"""


def _make_user(env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", _MAKE_USER % (BIRTH,)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip().splitlines()[-1]


async def _run(
    base: str,
    method: str,
    path: str,
    body: Any,
    seconds: float,
    concurrency: int,
    server: psutil.Process,
    cookies: dict[str, str] | None = None,
) -> dict[str, float]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30, cookies=cookies) as client:

        async def one() -> float:
            started = time.perf_counter()
            response = await client.request(method, path, json=body)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}: {response.text[:300]}")
            return time.perf_counter() - started

        await asyncio.gather(*(one() for _ in range(concurrency * 5)))  # warm-up
        latencies: list[float] = []
        deadline = time.monotonic() + seconds

        async def loop() -> None:
            while time.monotonic() < deadline:
                latencies.append(await one())

        cpu_before = sum(server.cpu_times()[:2])
        started = time.monotonic()
        await asyncio.gather(*(loop() for _ in range(concurrency)))
        elapsed = time.monotonic() - started
        cpu = sum(server.cpu_times()[:2]) - cpu_before
    latencies.sort()
    n = len(latencies)
    return {
        "requests": n,
        "rps": n / elapsed,
        "p50_ms": latencies[n // 2] * 1000,
        "p99_ms": latencies[min(n - 1, int(n * 0.99))] * 1000,
        "server_cpu_ms_per_request": cpu * 1000 / n,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--only", default="", help="comma-separated paths besides the floor (cached,today)")
    args = parser.parse_args()
    pin = (os.cpu_count() or 1) > 1 and shutil.which("taskset") is not None
    workdir = Path(tempfile.mkdtemp(prefix="unse-bench-cached-"))
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "LLM_API_KEY"}},
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "bench.cached_path_site",
        "DEBUG": "false",
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
        # DEBUG off requires field-encryption keys: a throw-away one (the bench database is temporary).
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "RATE_LIMIT_ANON": "",
        "RATE_LIMIT_ANON_GLOBAL": "",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    command = ["bash", "scripts/serve.sh"]
    if pin:
        command = ["taskset", "-c", "0", *command]
        os.sched_setaffinity(0, {1})
    server = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{base}/health/", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        process = psutil.Process(server.pid)
        first = httpx.post(f"{base}/api/v1/readings", json={"birth": BIRTH}, timeout=60).json()
        assert first["reading_id"], first
        session = {"sessionid": _make_user(env)}
        today = httpx.get(f"{base}/api/v1/fortunes/today", cookies=session, timeout=60).json()
        assert today["reading_id"], today
        print(f"pinned: {pin}; load average before: {os.getloadavg()[0]:.1f}")
        results = {}
        for name, method, path, body, cookies in (
            ("floor", "GET", "/bench/floor/", None, None),
            ("cached", "POST", "/api/v1/readings", {"birth": BIRTH}, None),
            ("today", "GET", "/api/v1/fortunes/today", None, session),
        ):
            if args.only and name not in args.only.split(",") and name != "floor":
                continue
            results[name] = asyncio.run(
                _run(base, method, path, body, args.seconds, args.concurrency, process, cookies)
            )
            print(name, " ".join(f"{k}={v:.2f}" for k, v in results[name].items()))
        for name in ("cached", "today"):
            if name in results:
                rps = results[name]["rps"] / results["floor"]["rps"]
                cpu = (
                    results["floor"]["server_cpu_ms_per_request"] / results[name]["server_cpu_ms_per_request"]
                )
                print(f"{name} / floor: requests/s {rps:.2f}, by server CPU {cpu:.2f}")
        print(f"load average after: {os.getloadavg()[0]:.1f}")
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
